// The workload dispatch chains: one goto per interface into its endpoint chain, split into
// sub-chains by the next character when several interfaces share a prefix (felix/rules/dispatch.go).
import { a, m } from './fragments.ts';
import { chainName } from './hash.ts';
import type { Chain, Rule } from './model.ts';

export const FROM_ENDPOINT = 'cali-fw-';
export const TO_ENDPOINT = 'cali-tw-';

/** endpoints.go:810 EndpointChainName. */
export const endpointChainName = (prefix: string, ifname: string): string => chainName(prefix, ifname);

/** felix/stringutils/common_prefix.go CommonPrefix. */
function commonPrefix(names: string[]): string {
  if (!names.length) return '';
  let p = names[0];
  for (const s of names.slice(1)) {
    let n = 0;
    while (n < p.length && n < s.length && p[n] === s[n]) n++;
    p = p.slice(0, n);
  }
  return p;
}

/** dispatch.go:615 sortAndDivideEndpointNamesToPrefixTree: bins of names by their next character. */
function prefixTree(names: string[]) {
  const sorted = [...new Set(names)].sort();
  const common = commonPrefix(sorted);
  const bins = new Map<string, string[]>();
  for (const name of sorted) {
    const prefix = name.length > common.length ? name.slice(0, common.length + 1) : common;
    bins.set(prefix, [...(bins.get(prefix) ?? []), name]);
  }
  return { common, bins };
}

interface Side {
  root: string;
  endpointPrefix: string;
  match: (iface: string) => string;
}

/** dispatch.go:494 buildSingleDispatchChainTree: child chains first, then the root chain; both end
 *  with the "Unknown interface" DROP (a goto never comes back to the root). */
function dispatchSide(names: string[], side: Side, endRules: Rule[]): Chain[] {
  const { common, bins } = prefixTree(names);
  const toEndpoint = (name: string): Rule => ({
    match: [side.match(name)],
    action: a.goto(endpointChainName(side.endpointPrefix, name)),
  });
  const children: Chain[] = [];
  const rootRules: Rule[] = [];
  for (const [prefix, ifaces] of bins) {
    if (ifaces.length === 1) {
      rootRules.push(toEndpoint(ifaces[0]));
      continue;
    }
    const child = `${side.root}-${prefix.slice(common.length)}`;
    rootRules.push({ match: [side.match(`${prefix}+`)], action: a.goto(child) });
    children.push({ name: child, rules: [...ifaces.map(toEndpoint), ...endRules] });
  }
  return [...children, { name: side.root, rules: [...rootRules, ...endRules] }];
}

/** dispatch.go:40 WorkloadDispatchChains: packets for an interface Felix has no endpoint for are dropped. */
export function workloadDispatchChains(ifnames: string[]): Chain[] {
  const end: Rule[] = [{ action: a.drop(), comment: ['Unknown interface'] }];
  return [
    ...dispatchSide(ifnames, { root: 'cali-from-wl-dispatch', endpointPrefix: FROM_ENDPOINT, match: m.inIface }, end),
    ...dispatchSide(ifnames, { root: 'cali-to-wl-dispatch', endpointPrefix: TO_ENDPOINT, match: m.outIface }, end),
  ];
}
