// One rule of the iptables model as Felix's nftables renderer writes it: its match clauses, then
// `counter` and the action (felix/nftables/renderer.go:62 renderRule), or `continue` when the rule
// has neither (an empty policy chain's comment-only rule).
import type { ActionKind } from '../iptables/index.ts';
import { type ActionOpts, translateAction } from './actions.ts';
import { Cursor } from './cursor.ts';
import { type MatchState, matchClause } from './matches.ts';

export interface TranslatedRule {
  /** Felix's rule text: what its hash covers. */
  hashed: string;
  /** The text the script loads; differs from `hashed` only where nft rejects Felix's spelling. */
  loadable: string;
  kind?: ActionKind;
  target?: string;
}

/** Felix writes `icmp type T code C` (match_builder.go:507-515), which nft 1.0.6 rejects ("No symbol
 *  type information" at `code`). Load the equivalent that nft accepts: `icmp type T icmp code C`,
 *  and for the negation Calico's meaning, "not this type and code", as a concatenation lookup. */
export function loadable(text: string): string {
  return text
    .replace(/icmp type != (\d+) code != (\d+)/g, 'icmp type . icmp code != { $1 . $2 }')
    .replace(/icmp type (\d+) code (\d+)/g, 'icmp type $1 icmp code $2');
}

const isAction = (word: string | undefined) => word === '--jump' || word === '--goto';

/** Translate an iptables-model rule body (comments, matches, action). */
export function translateRule(body: string, opts: ActionOpts): TranslatedRule {
  const c = new Cursor(body);
  const st: MatchState = {};
  const clauses: string[] = [];
  while (!c.done() && !isAction(c.peek())) {
    const clause = matchClause(c, st);
    if (clause) clauses.push(clause);
  }
  const action = c.done() ? undefined : translateAction(c, opts);
  if (!c.done()) c.fail('words after the action');
  const parts = action ? [...clauses, 'counter', action.text] : clauses;
  const hashed = parts.length ? parts.join(' ') : 'continue';
  return { hashed, loadable: loadable(hashed), kind: action?.kind, target: action?.target };
}
