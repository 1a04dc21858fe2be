// What Calico would do with a packet between two pods: the encapsulation on the underlay, and
// whether it can arrive at all (Never mode across a router that lacks pod routes cannot).
import { subnetOf } from '../topology/query.ts';
import { contains, parseCidr, parseIp } from '../net/ipv4.ts';
import type { Encapsulation } from '../packets/decode.ts';
import type { WorkloadEndpoint } from '../plan/plan.ts';
import type { Topology } from '../topology/types.ts';

export type PathKind = 'local' | Encapsulation;

export interface Expectation {
  encapsulation: PathKind;
  reachable: boolean;
  why: string;
}

export function expectPath(topo: Topology, from: WorkloadEndpoint, to: WorkloadEndpoint): Expectation {
  if (from.node === to.node)
    return { encapsulation: 'local', reachable: true, why: 'same node: routed between cali interfaces' };
  const a = topo.nodes.find((n) => n.name === from.node)!;
  const b = topo.nodes.find((n) => n.name === to.node)!;
  const sameSubnet = subnetOf(topo, a.ip) === subnetOf(topo, b.ip);
  if (topo.wireguard)
    return { encapsulation: 'wireguard', reachable: true, why: 'WireGuard encrypts node-to-node pod traffic' };
  const pool = topo.ipPools.find((p) => contains(parseCidr(p.cidr), parseIp(to.ip)))!;
  const mode =
    pool.vxlanMode !== 'Never'
      ? { kind: 'vxlan' as const, m: pool.vxlanMode }
      : { kind: 'ipip' as const, m: pool.ipipMode };
  const encap = mode.m === 'Always' || (mode.m === 'CrossSubnet' && !sameSubnet);
  if (encap) {
    const field = mode.kind === 'vxlan' ? 'vxlanMode' : 'ipipMode';
    const crossSubnet = mode.m === 'CrossSubnet' ? ', peers in different subnets' : '';
    return { encapsulation: mode.kind, reachable: true, why: `${pool.name} ${field} ${mode.m}${crossSubnet}` };
  }
  const routerKnowsPods = topo.bgp.peers.length > 0;
  if (!sameSubnet && !routerKnowsPods) {
    return {
      encapsulation: 'none',
      reachable: false,
      why: `no encapsulation across subnets: the router has no route to ${pool.cidr}`,
    };
  }
  return {
    encapsulation: 'none',
    reachable: true,
    why: sameSubnet ? 'same subnet, no encapsulation' : 'no encapsulation; the router learned the pod blocks over BGP',
  };
}
