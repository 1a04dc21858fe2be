// Reading `iptables-save -c` back: per-table, per-chain rules with their packet/byte counters and
// Felix's `cali:` hash, so a counter that moved during a probe maps back to the rule Felix wrote.
import type { FelixTables, RenderedRule, TableName } from './model.ts';

export interface SavedRule {
  table: string;
  chain: string;
  /** 1-based position in the chain, as `iptables -L --line-numbers` numbers it. */
  num: number;
  /** The rule as iptables-save prints it, without the counters: `-A <chain> …`. */
  text: string;
  packets: number;
  bytes: number;
  /** Felix's rule hash, from its `cali:` comment (felix/iptables/table.go:334 hashCommentRegexp). */
  hash?: string;
  /** The other comments, unquoted. */
  comments: string[];
}

export interface SavedChain {
  name: string;
  /** Kernel chains' policy (ACCEPT/DROP); undefined for user chains ("-"). */
  policy?: string;
  rules: SavedRule[];
}

/** Parsed iptables-save output: table name → chains in the order listed. */
export type SaveState = Record<string, SavedChain[]>;

const HASH = /--comment "?cali:([a-zA-Z0-9_-]+)"?/;
const COMMENTS = /--comment (?:"((?:[^"\\]|\\.)*)"|(\S+))/g;

function parseRule(table: string, line: string, chains: SavedChain[]): void {
  const counted = /^\[(\d+):(\d+)\]\s+(.*)$/.exec(line);
  const text = counted ? counted[3] : line;
  const chainName = text.split(/\s+/)[1];
  let chain = chains.find((c) => c.name === chainName);
  if (!chain) {
    chain = { name: chainName, rules: [] };
    chains.push(chain);
  }
  const hash = HASH.exec(text)?.[1];
  const comments = [...text.matchAll(COMMENTS)].map((x) => x[1] ?? x[2]).filter((c) => !c.startsWith('cali:'));
  chain.rules.push({
    table,
    chain: chainName,
    num: chain.rules.length + 1,
    text,
    packets: counted ? Number(counted[1]) : 0,
    bytes: counted ? Number(counted[2]) : 0,
    hash,
    comments,
  });
}

/** Parse `iptables-save [-c]` output (counters default to 0 without -c). */
export function parseSaveCounters(text: string): SaveState {
  const state: SaveState = {};
  let table = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('*')) {
      table = line.slice(1);
      state[table] ??= [];
    } else if (line.startsWith(':') && table) {
      const [name, policy] = line.slice(1).split(/\s+/);
      state[table].push({ name, policy: policy === '-' ? undefined : policy, rules: [] });
    } else if (table && /^(\[\d+:\d+\]\s+)?-A\s/.test(line)) parseRule(table, line, state[table]);
  }
  return state;
}

export interface CounterDelta {
  rule: SavedRule;
  packets: number;
  bytes: number;
  /** The rendered rule with the same table, chain and hash, when Felix's. */
  felix?: RenderedRule;
}

/** Find Felix's rule by table and hash (a hash is unique within a table in practice; chain narrows it). */
export function findRule(tables: FelixTables, table: string, hash: string, chain?: string): RenderedRule | undefined {
  const t = tables.tables[table as TableName];
  return t?.chains
    .filter((c) => !chain || c.name === chain)
    .flatMap((c) => c.rules)
    .find((r) => r.hash === hash);
}

/** Rules whose counters grew between two iptables-save -c snapshots, matched by table, chain and
 *  position (or hash, which survives a reordering), with Felix's rule when it is one of them. */
export function movedCounters(before: SaveState, after: SaveState, tables?: FelixTables): CounterDelta[] {
  const out: CounterDelta[] = [];
  for (const [table, chains] of Object.entries(after)) {
    for (const chain of chains) {
      const old = before[table]?.find((c) => c.name === chain.name)?.rules ?? [];
      for (const rule of chain.rules) {
        const prev = (rule.hash && old.find((r) => r.hash === rule.hash)) || old.find((r) => r.text === rule.text);
        const packets = rule.packets - (prev?.packets ?? 0);
        if (packets <= 0) continue;
        const felix = tables && rule.hash ? findRule(tables, table, rule.hash, chain.name) : undefined;
        out.push({ rule, packets, bytes: rule.bytes - (prev?.bytes ?? 0), felix });
      }
    }
  }
  return out;
}

function ownerText(r: RenderedRule): string {
  const o = r.owner;
  if (!o) return '';
  if (o.kind === 'policy') {
    const which = o.ruleIndex === undefined ? '' : ` rule ${o.ruleIndex + 1}`;
    return `${o.policyKind} ${o.name} (tier ${o.tier}) ${o.direction}${which}`;
  }
  if (o.kind === 'profile') return `profile ${o.name} ${o.direction}`;
  if (o.kind === 'policy-group') return `policy group ${o.policies.join(', ')} ${o.direction}`;
  const what = o.policy ? `, policy ${o.policy}` : o.profile ? `, profile ${o.profile}` : '';
  return `${o.direction} of ${o.ifname}${what}`;
}

/** One line for humans: `filter cali-tw-cali1234 #7 DROP "End of tier default. …" (ingress of cali1234)`.
 *  `num` is the saved rule's real position when given (kernel chains hold other programs' rules too). */
export function describeRule(rule: RenderedRule | SavedRule, tables?: FelixTables): string {
  const felix =
    'body' in rule ? rule : rule.hash && tables ? findRule(tables, rule.table, rule.hash, rule.chain) : undefined;
  const comments = (felix?.comments ?? rule.comments).map((c) => `"${c}"`).join(' ');
  const target = felix?.target ?? felix?.action?.toUpperCase() ?? '';
  const owner = felix ? ownerText(felix) : rule.hash ? 'unknown Felix rule' : 'not Felix';
  return [`${rule.table} ${rule.chain} #${rule.num}`, target, comments, owner && `(${owner})`]
    .filter((s) => s !== '')
    .join(' ');
}
