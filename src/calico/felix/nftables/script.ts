// `nft -f` input for calilab's copy of Felix's table. Felix itself edits the live table in small
// transactions (felix/nftables/table.go:869 applyUpdates); calilab replaces it whole instead:
// `table ip calico` then `delete table ip calico` guarantee there is a table to delete, and the new
// definition follows in the same transaction, so a re-run swaps the table atomically (counters
// restart from zero) whether or not it existed.
import type { FelixTables } from '../iptables/index.ts';
import { NFT_FAMILY, NFT_TABLE, type NftBaseChain, type NftMap, type NftSet, type NftTables } from './model.ts';
import { renderNft } from './render.ts';

const TABLE = `table ${NFT_FAMILY} ${NFT_TABLE}`;

function setBlock(s: NftSet): string[] {
  return [
    `\tset ${s.name} {`,
    `\t\ttype ${s.type}`,
    ...(s.flags.length ? [`\t\tflags ${s.flags.join(',')}`] : []),
    ...(s.elements.length ? [`\t\telements = { ${s.elements.join(', ')} }`] : []),
    '\t}',
  ];
}

/** Interface names are quoted: an ifname key is a string, and nft lists it that way. */
function mapBlock(m: NftMap): string[] {
  const elements = m.elements.map((e) => `"${e.key}" : ${e.verdict}`);
  return [
    `\tmap ${m.name} {`,
    `\t\ttype ${m.type}`,
    ...(elements.length ? [`\t\telements = { ${elements.join(', ')} }`] : []),
    '\t}',
  ];
}

/** knftables objects.go:132 Chain.writeOperation: numeric priority; Felix sets no policy, so accept. */
const baseLine = (b: NftBaseChain) => `\t\ttype ${b.type} hook ${b.hook} priority ${b.priority}; policy accept;`;

function chainBlocks(nft: NftTables): string[] {
  const bases = new Map(nft.baseChains.map((b) => [b.name, b]));
  return Object.values(nft.tables).flatMap((t) =>
    t.chains.flatMap((c) => {
      const base = bases.get(c.name);
      return [`\tchain ${c.name} {`, ...(base ? [baseLine(base)] : []), ...c.rules.map((r) => `\t\t${r.text}`), '\t}'];
    }),
  );
}

/** The script for an already rendered nft view. */
export function nftRulesetScript(nft: NftTables): string {
  const body = [...nft.sets.flatMap(setBlock), ...nft.maps.flatMap(mapBlock), ...chainBlocks(nft)];
  return [TABLE, `delete ${TABLE}`, `${TABLE} {`, ...body, '}', ''].join('\n');
}

/** A complete `nft -f -` script replacing `table ip calico` with Felix's nft-mode rules and sets. */
export const nftScript = (tables: FelixTables): string => nftRulesetScript(renderNft(tables));

/** Removes the table (switching back to iptables mode); succeeds whether or not it exists. */
export const nftCleanup = (): string => `${TABLE}\ndelete ${TABLE}\n`;
