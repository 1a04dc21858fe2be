// Compares a document's capture with calilab's live output, line by line, after a normalisation
// that removes only what legitimately differs between two machines:
//   - interface indexes ("7: tunl0", "eth0@if8"), which depend on creation order;
//   - MAC addresses other than Calico's ee:ee:ee:ee:ee:ee, and the IPv6 link-local address
//     the kernel derives from them;
//   - the peer namespace reference (link-netns cni-…, link-netnsid N);
//   - qdisc names, which follow the host's default (fq_codel, mq, noqueue);
//   - iproute2/kernel version words: "proto kernel_ll" on link-local addresses; iptables 1.8.9's
//     numeric `0` for the protocol "all" under -n;
//   - times of day (calicoctl's SINCE), and runs of spaces (column widths follow the content);
//   - WireGuard keys (32 bytes in base64: 43 characters and "="), which every lab generates afresh;
//   - trailing spaces; names that `route` resolved (the document's own hosts) back to addresses.
// Pure: no kernel, no files.
import type { Golden } from './goldens.ts';

export function normalise(line: string, names: Record<string, string> = {}): string {
  let s = line.replace(/\s+$/, '');
  s = s.replace(/^\d+: /, 'N: ').replace(/@if\d+/g, '@ifN');
  s = s.replace(/link\/ether (?!ee:ee:ee:ee:ee:ee)[0-9a-f]{2}(:[0-9a-f]{2}){5}/, 'link/ether <mac>');
  s = s.replace(/inet6 fe80::(?!ecee:eeff:feee:eeee\/)[0-9a-f:]+\/64/, 'inet6 fe80::<from mac>/64');
  s = s.replace(/ link-netns \S+| link-netnsid \d+/, ' link-netns <peer>');
  s = s.replace(/ qdisc \S+/, ' qdisc <q>');
  s = s.replace(/ proto kernel_ll/, '');
  s = s.replace(/\b\d\d:\d\d:\d\d\b/g, 'hh:mm:ss');
  s = s.replace(/(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=(?![A-Za-z0-9+/=])/g, '<wg key>');
  for (const [name, ip] of Object.entries(names))
    s = s.replace(new RegExp(`(^|\\s)${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=\\s)`), `$1${ip}`);
  s = s.replace(/ {2,}/g, ' ').trim();
  // iptables 1.8.9 -n prints the protocol "all" as 0 where older releases print "all".
  return s.replace(/^((?:\S+ ){0,2}[A-Za-z][\w-]*) 0 -- /, '$1 all -- ');
}

/** Every line of the capture is one calilab does not emulate (hostOnly): there is nothing to run. */
export const notEmulated = (g: Golden): boolean =>
  g.expected
    .split('\n')
    .filter((l) => l.trim() !== '')
    .every((l) => g.hostOnly?.some((n) => new RegExp(n.pattern).test(normalise(l, g.names))));

/** The live lines a capture looks at: one `ip addr` block, or grepped lines, or all. */
/** The first `n` columns of a table row, as a transcription that kept only those shows it;
 *  `Chain …` headers of iptables -L stay whole. */
export function cutColumns(line: string, n: number): string {
  if (/^Chain /.test(line)) return line;
  return line.trim().split(/\s+/).slice(0, n).join('  ');
}

export function selectLive(g: Golden, live: string): string[] {
  let lines = live.split('\n');
  if (g.block) {
    const start = lines.findIndex((l) => /^\d+: /.test(l) && l.includes(g.block!));
    if (start < 0) return [];
    const end = lines.findIndex((l, i) => i > start && /^\d+: /.test(l));
    lines = lines.slice(start, end < 0 ? undefined : end);
  }
  if (g.grep) lines = lines.filter((l) => new RegExp(g.grep!).test(l));
  if (g.columns) lines = lines.map((l) => cutColumns(l, g.columns!));
  return lines.filter((l) => l.trim() !== '');
}

export type LineStatus = 'match' | 'differs' | 'host-only' | 'known';

export interface LineResult {
  doc: string;
  live?: string;
  status: LineStatus;
  why?: string;
}

export interface CaptureResult {
  golden: Golden;
  /** match: every comparable line is in the live output; known: only documented differences. */
  status: 'match' | 'known' | 'differs';
  lines: LineResult[];
  live: string[];
}

const firstWord = (s: string) => s.split(' ').slice(0, 2).join(' ');
const commonStart = (a: string, b: string) => {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return i;
};

export function compareCapture(g: Golden, liveText: string): CaptureResult {
  const live = selectLive(g, liveText);
  // iptables -v counters depend on the traffic a cluster had seen by then, not on the rule.
  const norm = (l: string) => {
    const n = normalise(l, g.names);
    return g.counters ? n.replace(/^\d+[KMG]? \d+[KMG]? /, '<pkts> <bytes> ') : n;
  };
  const liveNorm = live.map(norm);
  const lines: LineResult[] = [];
  for (const raw of g.expected.split('\n').filter((l) => l.trim() !== '')) {
    const doc = norm(raw);
    const hostOnly = g.hostOnly?.find((n) => new RegExp(n.pattern).test(doc));
    if (hostOnly) {
      lines.push({ doc, status: 'host-only', why: hostOnly.why });
      continue;
    }
    const i = liveNorm.indexOf(doc);
    if (i >= 0) {
      lines.push({ doc, live: liveNorm[i], status: 'match' });
      continue;
    }
    // Nearest live line for the side-by-side view: same leading words (the longest common start
    // among several), else the same position.
    const same = liveNorm.filter((l) => firstWord(l) === firstWord(doc));
    const near = same.length
      ? same.reduce((a, b) => (commonStart(b, doc) > commonStart(a, doc) ? b : a))
      : liveNorm[lines.length];
    const known = g.known?.find((n) => new RegExp(n.pattern).test(doc));
    lines.push({ doc, live: near, status: known ? 'known' : 'differs', why: known?.why });
  }
  const status = lines.some((l) => l.status === 'differs')
    ? 'differs'
    : lines.some((l) => l.status === 'known')
      ? 'known'
      : 'match';
  return { golden: g, status, lines, live };
}

/** Side by side: document | calilab, one mark per line (= same, ~ known difference, ! differs, - not emulated). */
export function renderSideBySide(r: CaptureResult, width = 70): string {
  const mark: Record<LineStatus, string> = { match: '=', known: '~', differs: '!', 'host-only': '-' };
  const cut = (s: string) => (s.length > width ? s.slice(0, width - 1) + '…' : s.padEnd(width));
  const g = r.golden;
  const verdict = r.status === 'match' ? 'match' : r.status === 'known' ? 'known differences' : 'DIFFERS';
  const command = g.argv ? g.argv.join(' ') : `calicoctl view ${g.view}`;
  const out = [
    `[${verdict}] doc ${g.doc} ${g.title}  (${g.source}; ${command} in ${g.target}` +
      `${g.state ? `, lab state ${g.state}` : ''})`,
    `  ${'document'.padEnd(width)}   calilab`,
  ];
  for (const l of r.lines)
    out.push(
      `${mark[l.status]} ${cut(l.doc)} | ${l.status === 'host-only' ? '(not emulated)' : (l.live ?? '(no line)')}`,
    );
  const whys = [...new Set(r.lines.filter((l) => l.why).map((l) => `${mark[l.status]} ${l.why}`))];
  return [...out, ...whys.map((w) => `  ${w}`)].join('\n') + '\n';
}
