// The arithmetic behind two numbers users ask about: the TTL a pod sees from a peer, and the
// path MTU between two pods. Pure: computed from the topology and the path kind, then checked
// against real pings by verify and trace.
import { subnetOf } from '../topology/query.ts';
import type { WorkloadEndpoint } from '../plan/plan.ts';
import { clusterEncapsulation, ENCAP_OVERHEAD, TUNNEL_DEVICE, tunnelMtu, type Tunnel } from '../calico/felix/encap.ts';
import type { Topology } from '../topology/types.ts';
import type { PathKind } from './expect.ts';

export const INITIAL_TTL = 64; // Linux's net.ipv4.ip_default_ttl

/** Bytes each encapsulation adds in front of the pod's packet. */
export const OVERHEAD: Record<Tunnel, { bytes: number; parts: string }> = {
  ipip: { bytes: ENCAP_OVERHEAD.ipip, parts: 'outer IPv4 20' },
  vxlan: { bytes: ENCAP_OVERHEAD.vxlan, parts: 'outer IPv4 20 + UDP 8 + VXLAN 8 + inner Ethernet 14' },
  wireguard: { bytes: ENCAP_OVERHEAD.wireguard, parts: 'outer IPv4 20 + UDP 8 + WireGuard 32' },
};

export interface TtlFact {
  ttl: number;
  /** Who decrements it, in order, e.g. "node k8s-w1 forwards (63), node k8s-cp1 forwards (62)". */
  why: string;
}

/**
 * The TTL `from` sees on `to`'s echo reply. Every namespace that routes the pod's own packet
 * decrements it: the destination's node, a router when the packet crosses it unencapsulated,
 * and the source's node. A tunnel hides the inner header from the underlay, so a router on an
 * encapsulated path decrements only the outer TTL. Doc 003's ttl=64 is a pod pinging itself.
 */
export function expectedTtl(topo: Topology, from: WorkloadEndpoint, to: WorkloadEndpoint, kind: PathKind): TtlFact {
  if (from.ip === to.ip) return { ttl: INITIAL_TTL, why: 'the pod answers itself over lo: nothing forwards it' };
  const hops: string[] = [`node ${to.node} forwards`];
  if (from.node !== to.node) {
    const a = topo.nodes.find((n) => n.name === from.node)!;
    const b = topo.nodes.find((n) => n.name === to.node)!;
    const acrossRouter = subnetOf(topo, a.ip) !== subnetOf(topo, b.ip);
    if (acrossRouter && kind === 'none') hops.push('the router forwards the bare pod packet');
    hops.push(`node ${from.node} forwards`);
  }
  const ttl = INITIAL_TTL - hops.length;
  const trail = hops.map((h, i) => `${h} (${INITIAL_TTL - i - 1})`).join(', ');
  const hidden =
    kind !== 'none' && kind !== 'local'
      ? `; the ${kind} outer header carries the underlay's decrements, not the pod's packet`
      : '';
  return { ttl, why: `reply leaves ${to.ip} with ${INITIAL_TTL}: ${trail}${hidden}` };
}

export interface MtuFact {
  mtu: number;
  why: string;
}

/**
 * The largest packet a pod can send with DF set. Calico gives every pod one MTU: the underlay
 * less the largest overhead in use on the cluster, so the pod's own eth0 is the limit on every
 * path, encapsulated or not (doc 003's 8981 on a 9001 underlay holds even between pods of one node).
 */
export function expectedMtu(topo: Topology): MtuFact {
  const mtu = tunnelMtu(topo);
  const u = topo.underlay.mtu;
  const kind = clusterEncapsulation(topo);
  const o = OVERHEAD[kind];
  const encap = kind === 'ipip' ? 'IPIP' : kind === 'vxlan' ? 'VXLAN' : 'WireGuard';
  return { mtu, why: `the pod's eth0 MTU: ${u} underlay - ${o.bytes} for ${encap} (${o.parts}) = ${mtu}` };
}

/**
 * One pair's path MTU: the smaller of the pods' eth0 MTUs (fixed when the pod was created: a
 * live mode switch does not change them, as in Calico) and the MTU of the device the node sends
 * through (tunl0 = underlay - 20, vxlan.calico - 50, wireguard.cali - 60, eth0 unencapsulated).
 */
export function expectedPathMtu(topo: Topology, from: WorkloadEndpoint, to: WorkloadEndpoint, kind: PathKind): MtuFact {
  const u = topo.underlay.mtu;
  const pods = Math.min(from.mtu, to.mtu);
  const device =
    kind === 'ipip' || kind === 'vxlan' || kind === 'wireguard'
      ? {
          name: TUNNEL_DEVICE[kind],
          mtu: u - OVERHEAD[kind].bytes,
          why: `${u} - ${OVERHEAD[kind].bytes} (${OVERHEAD[kind].parts})`,
        }
      : { name: kind === 'local' ? 'the cali veth' : 'eth0', mtu: u, why: 'the underlay' };
  const mtu = Math.min(pods, device.mtu);
  const podWhy =
    pods === tunnelMtu(topo) ? expectedMtu(topo).why : `the pods' eth0 MTU ${pods}, set when they were created`;
  return {
    mtu,
    why: device.mtu < pods ? `${device.name} ${device.mtu} = ${device.why}, below the pods' ${pods}` : podWhy,
  };
}
