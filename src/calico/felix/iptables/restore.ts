// iptables-restore input for Felix's rules that can be applied again and again (with --noflush):
// it does what felix/iptables/table.go Apply does against the current iptables-save.
//  - A Felix chain whose rule hashes already match is left alone (its counters survive); any other
//    is (re)declared with `:<chain> - -`, which creates or flushes it, then refilled.
//  - Felix's hooks in a kernel chain are left alone when the `cali:` rules there are exactly the
//    expected ones (inserted at the top, appended at the end); otherwise every `cali:` rule in that
//    chain is deleted by value and the hooks are inserted/appended again (table.go:1234-1310, "For simplicity …").
//  - `cali-` chains Felix no longer wants are flushed, then deleted in a second transaction
//    (table.go:1331-1360), once nothing refers to them.
// Without `current` (a first apply), everything is created and the hooks are inserted.
import type { FelixTable, FelixTables, RenderedChain, TableName } from './model.ts';
import { TABLES } from './model.ts';
import type { SavedChain, SaveState } from './save.ts';

const sameHashes = (saved: SavedChain | undefined, chain: RenderedChain) =>
  !!saved && saved.rules.length === chain.rules.length && saved.rules.every((r, i) => r.hash === chain.rules[i].hash);

/** table.go:796 expectedHashesForInsertAppendChain: Felix's inserted rules first, its appended rules
 *  last, other programs' rules (no hash) in between. */
function hooksInSync(saved: SavedChain | undefined, chain: RenderedChain): boolean {
  const hashes = (saved?.rules ?? []).map((r) => r.hash ?? '');
  const ins = chain.rules.filter((r) => r.position === 'insert').map((r) => r.hash);
  const app = chain.rules.filter((r) => r.position === 'append').map((r) => r.hash);
  const head = hashes.slice(0, ins.length);
  const tail = app.length ? hashes.slice(-app.length) : [];
  const middle = hashes.slice(ins.length, hashes.length - app.length);
  return (
    hashes.length >= ins.length + app.length &&
    head.every((h, i) => h === ins[i]) &&
    tail.every((h, i) => h === app[i]) &&
    middle.every((h) => h === '')
  );
}

/** Delete by value (table.go:1550 renderDeleteByValueLine) every Felix rule in a kernel chain. */
const deleteOurs = (saved: SavedChain | undefined): string[] =>
  (saved?.rules ?? []).filter((r) => r.hash).map((r) => r.text.replace(/^-A /, '-D '));

function kernelLines(chain: RenderedChain, saved: SavedChain | undefined): string[] {
  if (hooksInSync(saved, chain)) return [];
  const ins = chain.rules.filter((r) => r.position === 'insert');
  const app = chain.rules.filter((r) => r.position === 'append');
  // Each insert goes to the top, so insert in reverse to keep the order (table.go:1286-1290).
  const inserts = [...ins].reverse().map((r) => r.text.replace(/^-A /, '-I '));
  return [...deleteOurs(saved), ...inserts, ...app.map((r) => r.text)];
}

function tableLines(table: FelixTable, saved: SavedChain[] | undefined): { main: string[]; deletions: string[] } {
  const find = (name: string) => saved?.find((c) => c.name === name);
  const own = table.chains.filter((c) => !c.kernel);
  const dirty = own.filter((c) => !sameHashes(find(c.name), c));
  const wanted = new Set(table.chains.map((c) => c.name));
  const stale = (saved ?? []).filter((c) => c.name.startsWith('cali-') && !wanted.has(c.name)).map((c) => c.name);
  // Kernel chains that only hold stale hooks (nothing of ours is hooked there now).
  const unhooked = (saved ?? []).filter((c) => !c.name.startsWith('cali-') && !wanted.has(c.name));
  const main = [
    ...[...dirty.map((c) => c.name), ...stale].map((n) => `:${n} - -`),
    ...unhooked.flatMap(deleteOurs),
    ...table.chains.filter((c) => c.kernel).flatMap((c) => kernelLines(c, find(c.name))),
    ...dirty.flatMap((c) => c.rules.map((r) => r.text)),
  ];
  return { main, deletions: stale.map((n) => `--delete-chain ${n}`) };
}

/** iptables-restore --noflush input bringing the tables to Felix's state; empty when already there.
 *  Pass `current = parseSaveCounters(iptables-save output)` to make a re-apply idempotent. */
export function iptablesRestore(tables: FelixTables, current?: SaveState): string {
  const out: string[] = [];
  for (const name of TABLES as readonly TableName[]) {
    const { main, deletions } = tableLines(tables.tables[name], current?.[name]);
    if (main.length) out.push(`*${name}`, ...main, 'COMMIT');
    if (deletions.length) out.push(`*${name}`, ...deletions, 'COMMIT');
  }
  return out.length ? `${out.join('\n')}\n` : '';
}
