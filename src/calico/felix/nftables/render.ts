// Felix's nftables mode for one node, derived from the iptables model of the same node: the same
// chains and rules (Felix builds both from felix/rules with a different MatchCriteria/Action
// factory, rule_defs.go:508), renamed into `table ip calico`, translated, and hashed as nft mode
// hashes them.
import {
  type FelixTable,
  type FelixTables,
  type RenderedChain,
  type RenderedRule,
  TABLES,
  type TableName,
} from '../iptables/index.ts';
import { type DraftChain, type DraftRule, draftLayer } from './draft.ts';
import { useVerdictMaps } from './dispatch.ts';
import { nftComment, nftRuleHashes } from './hash.ts';
import { BASE_CHAINS, NFT_FAMILY, NFT_TABLE, type NftMap, type NftTables } from './model.ts';
import { nftSet } from './sets.ts';

/** What the Felix release changes: v3.28 had no nftables mode (felix/nftables appears in v3.29);
 *  v3.30 dispatches workloads through verdict maps and quotes the log prefix (see dispatch.ts,
 *  actions.ts). */
function traits(version: string) {
  const minor = Number(/^v?3\.(\d+)/.exec(version)?.[1]);
  if (!(minor >= 29)) throw new Error(`Felix ${version} has no nftables mode (added in v3.29)`);
  return { verdictMaps: minor >= 30, bareLogPrefix: minor === 29 };
}

function renderRules(layer: TableName, chain: string, rules: DraftRule[], offset: number, hashChain: string) {
  const hashes = nftRuleHashes(
    hashChain,
    rules.map((r) => r.hashed),
  );
  return rules.map(
    (r, i): RenderedRule => ({
      table: layer,
      chain,
      num: offset + i + 1,
      hash: hashes[i],
      body: r.hashed,
      text: `${r.loadable} comment "${nftComment(hashes[i], r.comments)}"`,
      action: r.kind,
      target: r.target,
      comments: r.comments,
      owner: r.owner,
      position: r.position,
    }),
  );
}

/** table.go:643 expectedHashesForInsertAppendChain: a base chain's inserted rules hash under its
 *  name, its appended rules under `<name>*appends*`. */
function finishChain(layer: TableName, d: DraftChain): RenderedChain {
  const inserted = d.rules.filter((r) => r.position !== 'append');
  const appended = d.rules.filter((r) => r.position === 'append');
  return {
    name: d.name,
    kernel: d.base,
    rules: [
      ...renderRules(layer, d.name, inserted, 0, d.name),
      ...renderRules(layer, d.name, appended, inserted.length, `${d.name}*appends*`),
    ],
  };
}

/** The nft view of a node's Felix rules (see NftTables). Throws for a release without nft mode and
 *  on a fragment the translator does not know. */
export function renderNft(tables: FelixTables): NftTables {
  const { verdictMaps, bareLogPrefix } = traits(tables.version);
  let maps: NftMap[] = [];
  const layer = (name: TableName): FelixTable => {
    let drafts = draftLayer(name, tables.tables[name], bareLogPrefix);
    if (name === 'filter' && verdictMaps) ({ chains: drafts, maps } = useVerdictMaps(drafts));
    return { name, chains: drafts.map((d) => finishChain(name, d)) };
  };
  const layers = Object.fromEntries(TABLES.map((t) => [t, layer(t)])) as Record<TableName, FelixTable>;
  return {
    version: tables.version,
    family: NFT_FAMILY,
    table: NFT_TABLE,
    tables: layers,
    ipsets: tables.ipsets,
    baseChains: BASE_CHAINS,
    sets: tables.ipsets.map(nftSet),
    maps,
  };
}
