// Reading `nft list table ip calico` back: per layer, per chain, rules with their packet/byte
// counters and Felix's `cali:` hash, in the shape of iptables/save.ts's parseSaveCounters, so its
// movedCounters, findRule and describeRule work in nft mode (given renderNft's view).
import type { SavedChain, SavedRule, SaveState } from '../iptables/index.ts';
import { TABLES } from '../iptables/index.ts';
import { HASH_PREFIX } from './hash.ts';
import { NFT_FAMILY, NFT_TABLE } from './model.ts';

const COUNTER = /\bcounter packets (\d+) bytes (\d+)/;
const COMMENT = /\s+comment "((?:[^"\\]|\\.)*)"$/;

/** The layer a chain belongs to, from its `<layer>-` prefix (table_layer.go:56). */
const layerOf = (chain: string): string => TABLES.find((t) => chain.startsWith(`${t}-`)) ?? 'calico';

/** Braces outside quoted strings: `{ 80, 443 }` in a rule opens and closes on the same line. */
const depthChange = (line: string): number => {
  const bare = line.replace(/"(?:[^"\\]|\\.)*"/g, '');
  return (bare.match(/\{/g)?.length ?? 0) - (bare.match(/\}/g)?.length ?? 0);
};

/** Felix's comment is `cali:<hash>; <comments…>` (felix/nftables/renderer.go:92; table.go:756
 *  reads the hash back the same way). */
function parseComment(comment: string | undefined): { hash?: string; comments: string[] } {
  if (comment === undefined) return { comments: [] };
  const [head, ...rest] = comment.split(';');
  const hash = head.startsWith(HASH_PREFIX) ? head.slice(HASH_PREFIX.length) : undefined;
  const others = (hash === undefined ? comment : rest.join(';')).trim();
  return { hash, comments: others ? [others] : [] };
}

function parseRule(chain: SavedChain, layer: string, line: string): SavedRule {
  const counted = COUNTER.exec(line);
  const commentMatch = COMMENT.exec(line);
  const { hash, comments } = parseComment(commentMatch?.[1]);
  return {
    table: layer,
    chain: chain.name,
    num: chain.rules.length + 1,
    text: line.replace(COUNTER, 'counter'),
    packets: counted ? Number(counted[1]) : 0,
    bytes: counted ? Number(counted[2]) : 0,
    hash,
    comments,
  };
}

/** A rule or the base-chain declaration (`type … hook … policy accept;`) inside a chain. */
function chainLine(chain: SavedChain, line: string): void {
  if (line === '' || line === '}') return;
  const policy = /^type .* policy (\w+);$/.exec(line);
  if (policy) chain.policy = policy[1];
  else if (!line.startsWith('type ')) chain.rules.push(parseRule(chain, layerOf(chain.name), line));
}

/** Parse `nft list table ip calico` (or `list ruleset`: other tables are skipped; `-a` handles are
 *  ignored). Sets and maps are skipped. Chains are keyed by their layer (raw, mangle, nat, filter). */
export function parseNftCounters(text: string): SaveState {
  const state: SaveState = {};
  let depth = 0;
  let ours = false;
  let chain: SavedChain | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\s+# handle \d+$/, '').trim();
    if (depth === 0 && line.startsWith('table ')) ours = line === `table ${NFT_FAMILY} ${NFT_TABLE} {`;
    const opened = depth === 1 && ours ? /^chain (\S+) \{$/.exec(line) : null;
    if (opened) {
      chain = { name: opened[1], rules: [] };
      const layer = layerOf(chain.name);
      state[layer] = [...(state[layer] ?? []), chain];
    } else if (depth === 2 && chain) chainLine(chain, line);
    depth += depthChange(line);
    if (depth < 2) chain = undefined;
  }
  return state;
}
