// Rules on their way from the iptables model to nft: translated and renamed, not yet hashed (the
// dispatch chains still change shape before Felix's hashes can be computed).
import type { ActionKind, FelixTable, RenderedRule, RuleOwner, TableName } from '../iptables/index.ts';
import type { ActionOpts } from './actions.ts';
import { BASE_CHAINS } from './model.ts';
import { layerChain, layerRenames } from './names.ts';
import { translateRule } from './translate.ts';

export interface DraftRule {
  hashed: string;
  loadable: string;
  kind?: ActionKind;
  target?: string;
  comments: string[];
  owner?: RuleOwner;
  position?: 'insert' | 'append';
}

export interface DraftChain {
  name: string;
  /** A base chain (the kernel chain of the iptables model). */
  base: boolean;
  rules: DraftRule[];
}

function draftRule(r: RenderedRule, opts: ActionOpts): DraftRule {
  const t = translateRule(r.body, opts);
  return { ...t, comments: r.comments, owner: r.owner, position: r.position };
}

/** One iptables table as nft chains: every base chain of its layer (Felix creates them all, empty or
 *  not), then Felix's chains sorted by their nft name. */
export function draftLayer(layer: TableName, table: FelixTable, bareLogPrefix: boolean): DraftChain[] {
  const renames = layerRenames(layer, table.chains);
  const opts: ActionOpts = { chain: (n) => renames.get(n) ?? layerChain(layer, n), bareLogPrefix };
  const drafts = table.chains.map((c) => ({
    name: renames.get(c.name)!,
    base: c.kernel,
    rules: c.rules.map((r) => draftRule(r, opts)),
  }));
  const bases = BASE_CHAINS.filter((b) => b.layer === layer).map((b) => b.name);
  const stray = drafts.filter((d) => d.base && !bases.includes(d.name));
  if (stray.length) throw new Error(`no nft base chain for ${stray.map((d) => d.name).join(', ')}`);
  const own = drafts.filter((d) => !d.base).sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  return [...bases.map((name) => drafts.find((d) => d.name === name) ?? { name, base: true, rules: [] }), ...own];
}
