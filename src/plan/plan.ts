// Topology -> components -> a plan: pure data naming every namespace, link, address, route,
// sysctl and BIRD config the lab needs. IPAM allocates; the router, the CNI plugin's wiring,
// Felix and confd each describe their part; this file only assembles them. Nothing here
// touches the kernel; `--dry-run` prints this.
import { join } from 'node:path';
import { wireWorkload, type WorkloadEndpoint } from '../calico/cni/wiring.ts';
import { birdPaths, renderBirdConfig, type BirdPaths } from '../calico/confd/bird-config.ts';
import { felixPlan, type FelixNode } from '../calico/felix/dataplane.ts';
import { ipipDevice, TUNNEL_DEVICE, tunnelMtu } from '../calico/felix/encap.ts';
import { type PolicyNode, policyPlane } from '../calico/felix/policy-plane.ts';
import { allocate, tunnelAddressOf, type Allocation } from '../calico/ipam/ipam.ts';
import { renderFrr, renderTorBird, torPaths, type TorPaths } from '../router/tor.ts';
import { nodeUplink, outsideObjects, routerObjects } from '../router/underlay.ts';
import { subnetOf } from '../topology/query.ts';
import type { Topology } from '../topology/types.ts';
import { nodeNs, routerNs, stateRoot } from './naming.ts';
import { mergeObjects, noObjects, type KernelObjects } from './objects.ts';

export type { WorkloadEndpoint } from '../calico/cni/wiring.ts';
export type * from './objects.ts';

export interface NodePlan {
  name: string;
  netns: string;
  ip: string;
  subnet: string;
  gateway: string;
  /** vxlan.calico's or tunl0's address, when the node has one (summaries and pictures). */
  tunnelAddress?: string;
  /** The same as pictures label it: `tunl0 10.8.170.64`, `vxlan.calico 192.168.5.0`. */
  tunnelLabel?: string;
  blocks: string[];
  bird: BirdPaths & { text: string };
}

export interface Listener {
  /** The pod's network namespace. */
  netns: string;
  pod: string;
  port: number;
  protocol: 'TCP' | 'UDP';
}

export interface TorPlan {
  name: string;
  implementation: 'bird' | 'frr';
  ns: string;
  ip: string;
  asNumber: number;
  paths: TorPaths;
  text: string;
}

export interface Plan extends KernelObjects {
  lab: string;
  stateDir: string;
  mtu: { underlay: number; tunnel: number; pod: number };
  nodes: NodePlan[];
  workloads: WorkloadEndpoint[];
  felix: FelixNode[];
  /** Felix's policy plane per node (iptables or nftables), rendered by the kernel layer. */
  policy: PolicyNode[];
  /** Something listening on each declared pod port (pods[].ports), as the pod's container would. */
  listeners: Listener[];
  allocation: Allocation;
  /** bgp.peers: the top-of-rack BGP speaker in the router namespace. */
  tor?: TorPlan;
}

/** The top-of-rack BGP speaker's config (FRR or BIRD) for bgp.peers[0], if any. */
function torPlan(topo: Topology, stateDir: string): TorPlan | undefined {
  const peer = topo.bgp.peers[0];
  if (!peer) return undefined;
  const paths = torPaths(stateDir, peer.implementation);
  const text = peer.implementation === 'frr' ? renderFrr(topo, paths) : renderTorBird(topo, paths);
  const { name, implementation, ip, asNumber } = peer;
  return { name, implementation, ns: routerNs(topo.name), ip, asNumber, paths, text };
}

function tunnelLabel(a: Allocation['nodes'][number]): string | undefined {
  if (a.vxlanTunnelAddress) return `${TUNNEL_DEVICE.vxlan} ${a.vxlanTunnelAddress}`;
  return a.ipipTunnelAddress ? `${TUNNEL_DEVICE.ipip} ${a.ipipTunnelAddress}` : undefined;
}

export function buildPlan(topo: Topology, alloc: Allocation = allocate(topo)): Plan {
  const lab = topo.name;
  const stateDir = join(stateRoot(), lab);
  const mtu = { underlay: topo.underlay.mtu, tunnel: topo.underlay.mtu - 20, pod: tunnelMtu(topo) };
  const plan: Plan = {
    lab,
    stateDir,
    mtu,
    ...noObjects(),
    nodes: [],
    workloads: [],
    allocation: alloc,
    felix: felixPlan(topo, alloc, (node) => nodeNs(lab, node)),
    policy: [],
    listeners: [],
  };
  mergeObjects(plan, routerObjects(topo));
  plan.tor = torPlan(topo, stateDir);
  for (const n of topo.nodes) {
    const ns = nodeNs(lab, n.name);
    const a = alloc.nodes.find((x) => x.node === n.name)!;
    const subnet = subnetOf(topo, n.ip)!;
    mergeObjects(plan, nodeUplink(topo, n));
    mergeObjects(plan, ipipDevice(topo, ns));
    plan.nodes.push({
      name: n.name,
      netns: ns,
      ip: n.ip,
      subnet: subnet.cidr,
      gateway: subnet.gateway,
      tunnelAddress: tunnelAddressOf(a),
      tunnelLabel: tunnelLabel(a),
      blocks: a.blocks.map((b) => b.cidr),
      bird: { ...birdPaths(stateDir, n.name), text: '' },
    });
  }
  for (const np of plan.nodes) np.bird.text = renderBirdConfig(topo, alloc, np.name, np.bird);
  for (const p of alloc.pods) {
    const { objects, endpoint } = wireWorkload(lab, p, mtu.pod);
    mergeObjects(plan, objects);
    plan.workloads.push(endpoint);
  }
  plan.policy = policyPlane(topo, alloc, plan.workloads, (node) => nodeNs(lab, node));
  plan.listeners = topo.pods.flatMap((p) =>
    p.ports.map((port) => ({
      netns: plan.workloads.find((w) => w.pod === p.name && w.namespace === p.namespace)!.netns,
      pod: `${p.namespace}/${p.name}`,
      port: port.port,
      protocol: port.protocol,
    })),
  );
  mergeObjects(plan, outsideObjects(topo));
  return plan;
}

/** ARP entries a lab needs at most, all namespaces together: every node resolves every node
 *  and gateway on its subnet, every pod its 169.254.1.1, every node each of its pods. */
export function neighbourEntries(plan: Plan): number {
  const perSubnet = new Map<string, number>();
  for (const n of plan.nodes) perSubnet.set(n.subnet, (perSubnet.get(n.subnet) ?? 0) + 1);
  const nodes = [...perSubnet.values()].reduce((a, k) => a + k * k, 0); // k-1 peers + the gateway, and the router's k
  return nodes + 2 * plan.workloads.length;
}
