// v3.30's workload dispatch: a verdict map from interface name to `goto <endpoint chain>` replaces
// the iptables-style tree of dispatch chains (felix/rules/dispatch.go:472, 583
// buildSingleDispatchChainsVMAP; the map is filled by endpoint_mgr.go:886 from dispatch.go:30
// DispatchMappings, and named `<layer>-cali-from-wl-dispatch` by table_layer.go:161).
import type { DraftChain, DraftRule } from './draft.ts';
import type { NftMap, NftMapElement } from './model.ts';

/** rule_defs.go:88-89, namespaced into the filter layer. */
const ROOTS = [
  { name: 'filter-cali-from-wl-dispatch', iface: 'iifname' },
  { name: 'filter-cali-to-wl-dispatch', iface: 'oifname' },
];

/** A dispatch rule for one interface (`iifname cali123 counter goto filter-cali-fw-cali123`);
 *  prefix rules (`cali1*`) only lead to the child chains the map makes unnecessary. */
function element(rule: DraftRule, iface: string): NftMapElement | undefined {
  const m = new RegExp(`^${iface} (\\S+) counter goto (\\S+)$`).exec(rule.hashed);
  if (!m || m[1].endsWith('*')) return undefined;
  return { key: m[1], verdict: `goto ${m[2]}` };
}

/** Replace the dispatch chains by `iifname vmap @…` (match_builder.go:547) followed by the root
 *  chain's end rules (the "Unknown interface" drop), and return the maps. */
export function useVerdictMaps(chains: DraftChain[]): { chains: DraftChain[]; maps: NftMap[] } {
  const maps: NftMap[] = [];
  let out = chains;
  for (const root of ROOTS) {
    const tree = out.filter((c) => c.name === root.name || c.name.startsWith(`${root.name}-`));
    const top = tree.find((c) => c.name === root.name);
    if (!top) continue;
    const elements = tree.flatMap((c) => c.rules.flatMap((r) => element(r, root.iface) ?? []));
    elements.sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
    maps.push({ name: root.name, type: 'ifname : verdict', elements });
    const vmap = `${root.iface} vmap @${root.name}`;
    const rules = [{ hashed: vmap, loadable: vmap, comments: [] }, ...top.rules.filter((r) => r.kind !== 'goto')];
    out = out.filter((c) => !tree.includes(c) || c === top).map((c) => (c === top ? { ...c, rules } : c));
  }
  return { chains: out, maps };
}
