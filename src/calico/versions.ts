// What differs between Calico versions in what calilab shows, in one table keyed by the minor
// version. A topology picks one with `calicoVersion` (default 3.30, the reference); the goldens of
// a document run with the version it used (doc 003: v3.28.1). Every entry cites where it is
// decided. Route protocols are not here: Felix's are the same from v3.20 to v3.30 (proto boot for
// VXLAN tunnel and workload routes, 80 for same-subnet and blackhole routes; vxlan_mgr.go,
// calculateNonEncapRouteProtocol) and BIRD programs IPIP and unencapsulated routes in all of them.
export const CALICO_VERSIONS = ['3.28', '3.29', '3.30'] as const;
export type CalicoVersion = (typeof CALICO_VERSIONS)[number];
export const DEFAULT_CALICO_VERSION: CalicoVersion = '3.30';

export interface VersionTraits {
  /** The full release calilab reports (`calilab version`), the latest patch of the minor. */
  release: string;
  /** WireGuard's fwmark: a bit allocated from the iptables mark mask 0xffff0000. v3.30 allocates
   *  a "drop" bit first (felix/dataplane/linux/int_dataplane.go, markBitsManager), moving the
   *  WireGuard bit from 0x100000 to 0x200000. */
  wireguardFwmark: string;
  /** `calicoctl get ippool -o wide` columns (calicoctl/commands/resourcemgr/ippool.go). */
  ippoolWideColumns: readonly string[];
}

const IPPOOL_WIDE = ['NAME', 'CIDR', 'NAT', 'IPIPMODE', 'VXLANMODE', 'DISABLED', 'DISABLEBGPEXPORT', 'SELECTOR'];
/** v3.30 added IPPool spec.assignmentMode and its column (calicoctl/calicoctl/resourcemgr/ippool.go:34
 *  at v3.30.0; v3.29.6 ippool.go:35 ends at SELECTOR). */
const IPPOOL_WIDE_330 = [...IPPOOL_WIDE, 'ASSIGNMENTMODE'];

export const VERSION_TRAITS: Record<CalicoVersion, VersionTraits> = {
  '3.28': { release: 'v3.28.5', wireguardFwmark: '0x100000', ippoolWideColumns: IPPOOL_WIDE },
  '3.29': { release: 'v3.29.6', wireguardFwmark: '0x100000', ippoolWideColumns: IPPOOL_WIDE },
  '3.30': { release: 'v3.30.7', wireguardFwmark: '0x200000', ippoolWideColumns: IPPOOL_WIDE_330 },
};

export const traitsOf = (v: CalicoVersion | undefined): VersionTraits => VERSION_TRAITS[v ?? DEFAULT_CALICO_VERSION];
