// The encapsulations Felix programs and what each costs: the device a node sends through, the
// bytes it adds, and so the MTU Calico gives pods. Shared by the plan, verify and trace.
import { noObjects, type KernelObjects } from '../../plan/objects.ts';
import type { Topology } from '../../topology/types.ts';

export type Tunnel = 'ipip' | 'vxlan' | 'wireguard';

/** Bytes each encapsulation adds, and the device Calico sends it through. */
export const ENCAP_OVERHEAD: Record<Tunnel, number> = { ipip: 20, vxlan: 50, wireguard: 60 };
export const TUNNEL_DEVICE: Record<Tunnel, string> = {
  ipip: 'tunl0',
  vxlan: 'vxlan.calico',
  wireguard: 'wireguard.cali',
};

export const VXLAN = { dev: 'vxlan.calico', vni: 4096, port: 4789, overhead: ENCAP_OVERHEAD.vxlan } as const;
export const WIREGUARD = {
  dev: 'wireguard.cali',
  port: 51820,
  table: 1,
  rulePriority: 99,
  overhead: ENCAP_OVERHEAD.wireguard,
} as const;
/** Felix's route protocol number: its routes show `proto 80`, BIRD's `proto bird`. */
export const FELIX_PROTO = 80;

/** The encapsulation that sets the pod MTU: WireGuard, else the first enabled pool's VXLAN, else IPIP. */
export function clusterEncapsulation(topo: Topology): Tunnel {
  const pool = topo.ipPools.find((p) => !p.disabled) ?? topo.ipPools[0];
  if (topo.wireguard) return 'wireguard';
  return pool.vxlanMode !== 'Never' ? 'vxlan' : 'ipip';
}

/** The pod MTU Calico picks: the underlay less the largest overhead in use (IPIP 20 bytes of
 *  outer header, VXLAN 50, WireGuard 60). tunl0 itself is always underlay - 20. */
export function tunnelMtu(topo: Topology): number {
  return topo.underlay.mtu - ENCAP_OVERHEAD[clusterEncapsulation(topo)];
}

export const usesVxlan = (topo: Topology) => topo.ipPools.some((p) => !p.disabled && p.vxlanMode !== 'Never');

/** tunl0 in a node namespace: the kernel's fallback device, which exists wherever the ipip
 *  module is loaded, at MTU underlay - 20. Its address is Felix's (dataplane.ts), present only
 *  while an IPIP pool gives the node a tunnel address. */
export function ipipDevice(topo: Topology, ns: string): KernelObjects {
  const o = noObjects();
  o.links.push({ ns, name: TUNNEL_DEVICE.ipip, kind: 'ipip', mtu: topo.underlay.mtu - ENCAP_OVERHEAD.ipip });
  return o;
}
