// How much of a document calilab reproduces: its captures and their lines counted by verdict,
// with every documented reason and how many lines it covers. Pure: built from compare.ts's results.
import type { CaptureResult, LineStatus } from './compare.ts';

/** reproduced: every line matches; known: the capture differs only as documented (lines known to
 *  differ, or lines calilab does not emulate beside matching ones); not-emulated: every line is one
 *  calilab does not emulate; differs: a line differs without a documented reason. */
export type CaptureVerdict = 'reproduced' | 'known' | 'not-emulated' | 'differs';

export interface ReasonCount {
  status: 'known' | 'host-only';
  why: string;
  lines: number;
  /** Golden ids whose lines it covers. */
  captures: string[];
}

export interface DocReport {
  doc: string;
  captures: Record<CaptureVerdict, number> & { total: number };
  lines: Record<LineStatus, number> & { total: number };
  reasons: ReasonCount[];
  /** Golden ids with a line that differs. */
  differing: string[];
}

export function verdictOf(r: CaptureResult): CaptureVerdict {
  if (r.lines.length && r.lines.every((l) => l.status === 'host-only')) return 'not-emulated';
  if (r.status === 'differs') return 'differs';
  return r.lines.every((l) => l.status === 'match') ? 'reproduced' : 'known';
}

export function docReport(doc: string, results: CaptureResult[]): DocReport {
  const captures = { reproduced: 0, known: 0, 'not-emulated': 0, differs: 0, total: results.length };
  const lines = { match: 0, known: 0, 'host-only': 0, differs: 0, total: 0 };
  const reasons = new Map<string, ReasonCount>();
  for (const r of results) {
    captures[verdictOf(r)]++;
    for (const l of r.lines) {
      lines[l.status]++;
      lines.total++;
      if (!l.why || (l.status !== 'known' && l.status !== 'host-only')) continue;
      const key = `${l.status}\n${l.why}`;
      const reason = reasons.get(key) ?? { status: l.status, why: l.why, lines: 0, captures: [] };
      reason.lines++;
      if (!reason.captures.includes(r.golden.id)) reason.captures.push(r.golden.id);
      reasons.set(key, reason);
    }
  }
  const differing = results.filter((r) => r.status === 'differs').map((r) => r.golden.id);
  return { doc, captures, lines, reasons: [...reasons.values()], differing };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
/** "1 differs", "2 differ". */
const differ = (n: number) => plural(n, 'differs', 'differ');

/** The report as `calilab doc` prints it after the captures. */
export function renderReport(r: DocReport): string {
  const c = r.captures;
  const l = r.lines;
  const out = [
    `doc ${r.doc}: ${plural(c.total, 'capture')}: ${c.reproduced} reproduced, ` +
      `${differ(c.known)} only as documented, ${c['not-emulated']} not emulated, ${differ(c.differs)}`,
    `  ${plural(l.total, 'line')}: ${plural(l.match, 'matches', 'match')}, ${plural(l.known, 'known difference')}, ` +
      `${l['host-only']} not emulated, ${differ(l.differs)}`,
  ];
  for (const [status, heading] of [
    ['known', 'documented differences (~)'],
    ['host-only', 'not emulated (-)'],
  ] as const) {
    const rs = r.reasons.filter((x) => x.status === status);
    if (!rs.length) continue;
    out.push(`  ${heading}:`);
    for (const x of rs) out.push(`    ${plural(x.lines, 'line')} (${x.captures.join(', ')}): ${x.why}`);
  }
  if (r.differing.length) out.push(`  differ: ${r.differing.join(', ')}`);
  return out.join('\n') + '\n';
}
