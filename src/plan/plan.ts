// Topology + IPAM -> a plan: pure data naming every namespace, link, address, route, sysctl and
// BIRD config the lab needs. Nothing here touches the kernel; `--dry-run` prints this.
import { join } from 'node:path';
import { renderBirdConfig, subnetOf, type BirdPaths } from '../bird/config.ts';
import { contains, formatIp, parseCidr, parseIp } from '../ipam/cidr.ts';
import { renderFrr, renderTorBird, torPaths, type TorPaths } from '../tor/config.ts';
import { allocate, type Allocation } from '../ipam/ipam.ts';
import type { Topology } from '../topology/types.ts';
import { felixPlan, type FelixNode } from './felix.ts';
import { caliName, nodeNs, outsideNs, podNs, routerNs, routerPort, stateRoot, subnetBridge } from './naming.ts';

export type NsRole = 'router' | 'node' | 'pod' | 'outside';

export interface NamespacePlan {
  name: string;
  role: NsRole;
  /** The node, pod ("namespace/name") or host this namespace emulates. */
  of: string;
}

export interface VethEnd {
  ns: string;
  name: string;
  mtu: number;
  mac?: string;
}

export interface LinkPlan {
  ns: string;
  name: string;
  kind: 'bridge' | 'ipip';
  mtu: number;
}

export interface AddressPlan {
  ns: string;
  dev: string;
  cidr: string;
  /** NetworkManager-style: the subnet route is added separately, with its metric. */
  noprefixroute?: boolean;
}

export interface RoutePlan {
  ns: string;
  dst: string;
  dev: string;
  via?: string;
  scope?: 'link';
  metric?: number;
  src?: string;
  proto?: 'kernel';
}

export interface WorkloadEndpoint {
  namespace: string;
  pod: string;
  node: string;
  ip: string;
  interface: string; // cali… on the node
  netns: string;
  nodeNetns: string;
  mtu: number;
}

export interface NodePlan {
  name: string;
  netns: string;
  ip: string;
  subnet: string;
  gateway: string;
  tunnelAddress: string;
  blocks: string[];
  bird: BirdPaths & { text: string };
}

export interface Plan {
  lab: string;
  stateDir: string;
  mtu: { underlay: number; tunnel: number; pod: number };
  namespaces: NamespacePlan[];
  links: LinkPlan[];
  veths: [VethEnd, VethEnd][];
  /** Interfaces enslaved to a bridge: [ns, dev, bridge]. */
  ports: { ns: string; dev: string; bridge: string }[];
  addresses: AddressPlan[];
  routes: RoutePlan[];
  sysctls: { ns: string; key: string; value: string }[];
  nodes: NodePlan[];
  workloads: WorkloadEndpoint[];
  felix: FelixNode[];
  allocation: Allocation;
  /** bgp.peers: the top-of-rack BGP speaker in the router namespace. */
  tor?: TorPlan;
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

export const CALI_MAC = 'ee:ee:ee:ee:ee:ee';
/** Calico's next hop for every pod: a link-local address that only proxy ARP answers. */
export const POD_GATEWAY = '169.254.1.1';
const UNDERLAY_METRIC = 100; // as NetworkManager installs them (doc 000's `route -n`)

/** The pod MTU Calico picks: the underlay less the largest overhead in use (IPIP 20 bytes of
 *  outer header, VXLAN 50, WireGuard 60). tunl0 itself is always underlay - 20. */
export function tunnelMtu(topo: Topology): number {
  return topo.underlay.mtu - ENCAP_OVERHEAD[clusterEncapsulation(topo)];
}

export type Tunnel = 'ipip' | 'vxlan' | 'wireguard';
/** Bytes each encapsulation adds, and the device Calico sends it through. */
export const ENCAP_OVERHEAD: Record<Tunnel, number> = { ipip: 20, vxlan: 50, wireguard: 60 };
export const TUNNEL_DEVICE: Record<Tunnel, string> = { ipip: 'tunl0', vxlan: 'vxlan.calico', wireguard: 'wireguard.cali' };

/** The encapsulation that sets the pod MTU: WireGuard, else the first enabled pool's VXLAN, else IPIP. */
export function clusterEncapsulation(topo: Topology): Tunnel {
  const pool = topo.ipPools.find((p) => !p.disabled) ?? topo.ipPools[0];
  return topo.wireguard ? 'wireguard' : pool.vxlanMode !== 'Never' ? 'vxlan' : 'ipip';
}

/** VXLAN pools give the block's first address to vxlan.calico instead of tunl0. */
export const usesVxlan = (topo: Topology) => topo.ipPools.some((p) => !p.disabled && p.vxlanMode !== 'Never');

function prefixOf(cidr: string) {
  return parseCidr(cidr).prefix;
}

export function buildPlan(topo: Topology, alloc: Allocation = allocate(topo)): Plan {
  const lab = topo.name;
  const stateDir = join(stateRoot(), lab);
  const tunnel = tunnelMtu(topo);
  const mtu = { underlay: topo.underlay.mtu, tunnel: topo.underlay.mtu - 20, pod: tunnel };
  const router = routerNs(lab);
  const plan: Plan = {
    lab, stateDir, mtu, namespaces: [{ name: router, role: 'router', of: 'underlay' }],
    links: [], veths: [], ports: [], addresses: [], routes: [], sysctls: [], nodes: [], workloads: [], allocation: alloc,
    felix: felixPlan(topo, alloc, (node) => nodeNs(lab, node)),
  };

  // Underlay: one bridge per subnet in the router namespace, which owns the gateway addresses.
  topo.underlay.subnets.forEach((s, i) => {
    const br = subnetBridge(i);
    plan.links.push({ ns: router, name: br, kind: 'bridge', mtu: topo.underlay.mtu });
    plan.addresses.push({ ns: router, dev: br, cidr: `${s.gateway}/${prefixOf(s.cidr)}` });
  });
  plan.sysctls.push({ ns: router, key: 'net.ipv4.ip_forward', value: '1' });
  const peer = topo.bgp.peers[0];
  if (peer) {
    const i = topo.underlay.subnets.findIndex((s) => contains(parseCidr(s.cidr), parseIp(peer.ip)));
    const s = topo.underlay.subnets[i];
    if (s.gateway !== peer.ip) plan.addresses.push({ ns: router, dev: subnetBridge(i), cidr: `${peer.ip}/${prefixOf(s.cidr)}` });
    const paths = torPaths(stateDir, peer.implementation);
    const text = peer.implementation === 'frr' ? renderFrr(topo, paths) : renderTorBird(topo, paths);
    plan.tor = { name: peer.name, implementation: peer.implementation, ns: router, ip: peer.ip, asNumber: peer.asNumber, paths, text };
  }

  for (const n of topo.nodes) {
    const ns = nodeNs(lab, n.name);
    const subnetIndex = topo.underlay.subnets.indexOf(subnetOf(topo, n.ip)!);
    const subnet = topo.underlay.subnets[subnetIndex];
    const a = alloc.nodes.find((x) => x.node === n.name)!;
    plan.namespaces.push({ name: ns, role: 'node', of: n.name });
    plan.veths.push([{ ns, name: 'eth0', mtu: topo.underlay.mtu }, { ns: router, name: routerPort(n.name), mtu: topo.underlay.mtu }]);
    plan.ports.push({ ns: router, dev: routerPort(n.name), bridge: subnetBridge(subnetIndex) });
    const prefix = prefixOf(subnet.cidr);
    plan.addresses.push({ ns, dev: 'eth0', cidr: `${n.ip}/${prefix}`, noprefixroute: true });
    plan.routes.push(
      { ns, dst: subnet.cidr, dev: 'eth0', proto: 'kernel', scope: 'link', src: n.ip, metric: UNDERLAY_METRIC },
      { ns, dst: 'default', dev: 'eth0', via: subnet.gateway, metric: UNDERLAY_METRIC },
    );
    plan.links.push({ ns, name: 'tunl0', kind: 'ipip', mtu: mtu.tunnel });
    if (!usesVxlan(topo)) plan.addresses.push({ ns, dev: 'tunl0', cidr: `${a.tunnelAddress}/32` });
    plan.sysctls.push({ ns, key: 'net.ipv4.ip_forward', value: '1' });
    plan.nodes.push({
      name: n.name, netns: ns, ip: n.ip, subnet: subnet.cidr, gateway: subnet.gateway,
      tunnelAddress: a.tunnelAddress, blocks: a.blocks.map((b) => b.cidr),
      bird: { ...birdPaths(stateDir, n.name), text: '' },
    });
  }
  for (const np of plan.nodes) np.bird.text = renderBirdConfig(topo, alloc, np.name, np.bird);

  // Workload endpoints, wired as Calico's CNI plugin does.
  for (const p of alloc.pods) {
    const ns = podNs(lab, p.namespace, p.name);
    const node = nodeNs(lab, p.node);
    const cali = caliName(p.namespace, p.name);
    plan.namespaces.push({ name: ns, role: 'pod', of: `${p.namespace}/${p.name}` });
    plan.veths.push([{ ns: node, name: cali, mtu: mtu.pod, mac: CALI_MAC }, { ns, name: 'eth0', mtu: mtu.pod }]);
    plan.addresses.push({ ns, dev: 'eth0', cidr: `${p.ip}/32` });
    plan.routes.push(
      { ns, dst: `${POD_GATEWAY}/32`, dev: 'eth0', scope: 'link' },
      { ns, dst: 'default', dev: 'eth0', via: POD_GATEWAY },
      { ns: node, dst: `${p.ip}/32`, dev: cali, scope: 'link' },
    );
    plan.sysctls.push(
      { ns: node, key: `net.ipv4.conf.${cali}.proxy_arp`, value: '1' },
      { ns: node, key: `net.ipv4.neigh.${cali}.proxy_delay`, value: '0' },
      { ns: node, key: `net.ipv4.conf.${cali}.forwarding`, value: '1' },
    );
    plan.workloads.push({ namespace: p.namespace, pod: p.name, node: p.node, ip: p.ip, interface: cali, netns: ns, nodeNetns: node, mtu: mtu.pod });
  }

  // "The internet": hosts on TEST-NET addresses behind the router.
  for (const h of topo.outside) {
    const ns = outsideNs(lab, h.name);
    const ip = parseIp(h.ip);
    const gw = formatIp((ip & 0xffffff00) + (ip % 256 === 1 ? 2 : 1));
    plan.namespaces.push({ name: ns, role: 'outside', of: h.name });
    plan.veths.push([{ ns, name: 'eth0', mtu: topo.underlay.mtu }, { ns: router, name: routerPort(`out-${h.name}`), mtu: topo.underlay.mtu }]);
    plan.addresses.push({ ns, dev: 'eth0', cidr: `${h.ip}/24` }, { ns: router, dev: routerPort(`out-${h.name}`), cidr: `${gw}/24` });
    plan.routes.push({ ns, dst: 'default', dev: 'eth0', via: gw });
  }
  return plan;
}

export function birdPaths(stateDir: string, node: string): BirdPaths {
  const dir = join(stateDir, 'bird');
  return { config: join(dir, `${node}.conf`), socket: join(dir, `${node}.ctl`), pidFile: join(dir, `${node}.pid`), log: join(dir, `${node}.log`) };
}

/** ARP entries a lab needs at most, all namespaces together: every node resolves every node
 *  and gateway on its subnet, every pod its 169.254.1.1, every node each of its pods. */
export function neighbourEntries(plan: Plan): number {
  const perSubnet = new Map<string, number>();
  for (const n of plan.nodes) perSubnet.set(n.subnet, (perSubnet.get(n.subnet) ?? 0) + 1);
  const nodes = [...perSubnet.values()].reduce((a, k) => a + k * k, 0); // k-1 peers + the gateway, and the router's k
  return nodes + 2 * plan.workloads.length;
}
