// Which tunnel addresses a node needs, as calico-node decides (node/pkg/allocateip/allocateip.go,
// reconcileTunnelAddrs): an IPIP address while an enabled pool selecting the node has ipipMode
// other than Never, a VXLAN address likewise for vxlanMode, a WireGuard address while WireGuard
// is enabled. Each is allocated from the pools that need it, under its own handle.
import type { IPPool, Topology } from '../../topology/types.ts';

/** In the order calico-node's reconcileTunnelAddrs takes them (allocateip.go:257): WireGuard,
 *  IPIP, VXLAN; each is released or assigned before the next is looked at, so IPIP -> VXLAN
 *  releases tunl0's address before vxlan.calico gets one, and VXLAN -> IPIP assigns first. */
export const TUNNEL_KINDS = ['wireguardAddress', 'ipipTunnelAddress', 'vxlanTunnelAddress'] as const;
export type TunnelKind = (typeof TUNNEL_KINDS)[number];

const HANDLE: Record<TunnelKind, string> = {
  ipipTunnelAddress: 'ipip-tunnel-addr',
  vxlanTunnelAddress: 'vxlan-tunnel-addr',
  wireguardAddress: 'wireguard-tunnel-addr',
};

/** IPAM attribute `type` of each tunnel address (allocateip.go). */
export const TUNNEL_ATTRIBUTE: Record<TunnelKind, string> = {
  ipipTunnelAddress: 'ipipTunnelAddress',
  vxlanTunnelAddress: 'vxlanTunnelAddress',
  wireguardAddress: 'wireguardTunnelAddress',
};

export const tunnelHandle = (kind: TunnelKind, node: string) => `${HANDLE[kind]}-${node}`;

/** The pools a tunnel address is allocated from, or undefined when the node needs none
 *  (determineEnabledPoolCIDRs: enabled IPv4 pools selecting the node whose mode is not Never). */
export function tunnelPools(topo: Topology, kind: TunnelKind): IPPool[] | undefined {
  const enabled = topo.ipPools.filter((p) => !p.disabled);
  const pools =
    kind === 'ipipTunnelAddress'
      ? enabled.filter((p) => p.ipipMode !== 'Never')
      : kind === 'vxlanTunnelAddress'
        ? enabled.filter((p) => p.vxlanMode !== 'Never')
        : topo.wireguard
          ? enabled
          : [];
  return pools.length ? pools : undefined;
}
