// The nftables view of Felix's rules: the same raw/mangle/nat/filter layers as the iptables model,
// but as Felix's nftables mode programs them in its one `table ip calico` (chains `<layer>-<name>`,
// nft rule text, nft-mode hashes), plus the nft sets and verdict maps.
import type { FelixTables, TableName } from '../iptables/index.ts';

/** felix/dataplane/linux/int_dataplane.go:543 nftables.NewTable("calico", 4, …): IPv4 family "ip". */
export const NFT_FAMILY = 'ip';
export const NFT_TABLE = 'calico';

export type NftChainType = 'filter' | 'nat' | 'route';
export type NftHook = 'prerouting' | 'input' | 'forward' | 'output' | 'postrouting';

export interface NftBaseChain {
  name: string;
  layer: TableName;
  type: NftChainType;
  hook: NftHook;
  /** Numeric, as knftables writes it (util.go ParsePriority: raw -300, mangle -150, dstnat -100,
   *  filter 0, srcnat+10 = 110). */
  priority: number;
}

const base = (layer: TableName, kernel: string, type: NftChainType, hook: NftHook, priority: number) => ({
  name: `${layer}-${kernel}`,
  layer,
  type,
  hook,
  priority,
});

/** felix/nftables/table.go:106-128 baseChains, in the order the kernel chains run within a layer.
 *  Felix creates all of them, used or not (table.go:899 applyUpdates). nat-OUTPUT sits at srcnat+10
 *  like nat-POSTROUTING (table.go:115), not at dstnat. */
export const BASE_CHAINS: NftBaseChain[] = [
  base('raw', 'PREROUTING', 'filter', 'prerouting', -300),
  base('raw', 'OUTPUT', 'filter', 'output', -300),
  base('mangle', 'PREROUTING', 'filter', 'prerouting', -150),
  base('mangle', 'INPUT', 'filter', 'input', -150),
  base('mangle', 'FORWARD', 'filter', 'forward', -150),
  base('mangle', 'OUTPUT', 'route', 'output', -150),
  base('mangle', 'POSTROUTING', 'filter', 'postrouting', -150),
  base('nat', 'PREROUTING', 'nat', 'prerouting', -100),
  base('nat', 'INPUT', 'nat', 'input', -100),
  base('nat', 'OUTPUT', 'nat', 'output', 110),
  base('nat', 'POSTROUTING', 'nat', 'postrouting', 110),
  base('filter', 'INPUT', 'filter', 'input', 0),
  base('filter', 'FORWARD', 'filter', 'forward', 0),
  base('filter', 'OUTPUT', 'filter', 'output', 0),
];

export interface NftSet {
  /** felix/nftables/ipsets.go:551 LegalizeSetName: the ipset name with ":" replaced by "-". */
  name: string;
  /** ipsets.go:885 setType. */
  type: 'ipv4_addr' | 'ipv4_addr . inet_proto . inet_service';
  /** ipsets.go:555 NFTablesSet: only net sets are interval sets. */
  flags: 'interval'[];
  /** nft element syntax: `10.0.0.0/16`, `10.0.0.1 . tcp . 8080`. */
  elements: string[];
  /** The Felix IP set it renders (`cali40s:…`). */
  source: string;
}

export interface NftMapElement {
  /** Interface name. */
  key: string;
  /** `goto filter-cali-fw-<if>`. */
  verdict: string;
}

/** A workload dispatch verdict map (felix/nftables/maps.go:669 mapType "ifname : verdict"). */
export interface NftMap {
  name: string;
  type: 'ifname : verdict';
  elements: NftMapElement[];
}

/** FelixTables in nft mode. `tables` keeps the iptables model's shape, so findRule, describeRule and
 *  movedCounters (iptables/save.ts) work on it with parseNftCounters' output: each RenderedRule has
 *  the nft chain name, Felix's nft-mode hash, `body` = the text Felix hashes (match, `counter`,
 *  action) and `text` = the rule line as the script writes it (with its comment). `ipsets` are the
 *  iptables-model sets the nft sets came from. */
export interface NftTables extends FelixTables {
  family: typeof NFT_FAMILY;
  table: typeof NFT_TABLE;
  baseChains: NftBaseChain[];
  sets: NftSet[];
  maps: NftMap[];
}
