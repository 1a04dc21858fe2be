// github.com/olekukonko/tablewriter v0.0.5 (calico go.mod:51 in v3.28.1) as calicoctl uses it:
// NewWriter, SetHeader, AppendBulk, Render, nothing else set. So its defaults apply (table.go:88-121):
// borders on every side, `+`/`-`/`|`, a rule under the header, no rule between rows, headers
// upper-cased by Title and centred, cells wrapped at 30 columns (MAX_ROW_WIDTH) when they hold
// spaces, and a cell that reads as a plain number right-aligned, any other left-aligned.
// Widths count code points (runewidth.StringWidth counts East Asian wide runes twice; calilab's
// tables are ASCII).

const MAX_ROW_WIDTH = 30; // table.go:20
/** table.go:39: what "a number" is for the default alignment (`percent` on :40 can never match). */
const DECIMAL = /^-?(?:\d{1,3}(?:,\d{3})*|\d+)(?:\.\d+)?$/;

const width = (s: string) => [...s].length;

/** util.go:36-59: `_` and `.` (except between digits or spaces) become spaces; trimmed; upper case. */
export function title(name: string): string {
  const rs = [...name];
  const numOrSpace = (r: string | undefined) => r !== undefined && /[0-9 ]/.test(r);
  const out = rs.map((r, i) => {
    if (r === '_') return ' ';
    if (r === '.' && ((i !== 0 && !numOrSpace(rs[i - 1])) || (i !== rs.length - 1 && !numOrSpace(rs[i + 1]))))
      return ' ';
    return r;
  });
  const trimmed = out.join('').trim();
  return (trimmed.length === 0 && name.length > 0 ? ' ' : trimmed).toUpperCase();
}

/** wrap.go:44-93 WrapWords: minimal raggedness, one space between words, 1e5 penalty per overlong line. */
function wrapWords(words: string[], lim: number): string[][] {
  const n = words.length;
  const len = (i: number, j: number) => words.slice(i, j + 1).reduce((a, w) => a + width(w), j - i);
  const nbrk: number[] = new Array(n).fill(0);
  const cost: number[] = new Array(n).fill(2 ** 31 - 1);
  for (let i = n - 1; i >= 0; i--) {
    if (len(i, n - 1) <= lim) {
      cost[i] = 0;
      nbrk[i] = n;
      continue;
    }
    for (let j = i + 1; j < n; j++) {
      const d = lim - len(i, j - 1);
      const c = d * d + cost[j] + (len(i, j - 1) > lim ? 1e5 : 0);
      if (c < cost[i]) {
        cost[i] = c;
        nbrk[i] = j;
      }
    }
  }
  const lines: string[][] = [];
  for (let i = 0; i < n; i = nbrk[i]) lines.push(words.slice(i, nbrk[i]));
  return lines;
}

/** wrap.go:26-41 WrapString: the limit grows to the longest word. */
function wrapString(s: string, lim: number): string[] {
  const words = s.replaceAll('\n', ' ').split(' ');
  const limit = Math.max(lim, ...words.map(width));
  return wrapWords(words, limit).map((l) => l.join(' '));
}

/** table.go:904-961 parseDimension: a cell's lines (reflowed and wrapped) and its width. */
function parseDimension(str: string): { lines: string[]; width: number } {
  let maxWidth = Math.min(Math.max(...str.split('\n').map(width)), MAX_ROW_WIDTH);
  const lines = wrapString(str.split('\n').join(' '), maxWidth);
  maxWidth = Math.max(maxWidth, ...lines.map(width));
  return { lines, width: maxWidth };
}

/** util.go:63-94: Pad (centre, the extra space on the right), PadRight, PadLeft. */
const padCentre = (s: string, w: number) => {
  const gap = w - width(s);
  if (gap <= 0) return s;
  const left = Math.floor(gap / 2);
  return ' '.repeat(left) + s + ' '.repeat(gap - left);
};
const padRight = (s: string, w: number) => s + ' '.repeat(Math.max(0, w - width(s)));
const padLeft = (s: string, w: number) => ' '.repeat(Math.max(0, w - width(s))) + s;

/** Renders a table exactly as tablewriter v0.0.5's Render does with its defaults (table.go:125-143). */
export function renderTablewriter(header: string[], rows: string[][]): string {
  const cs: number[] = [];
  const measure = (cells: string[]) =>
    cells.map((c, i) => {
      const d = parseDimension(c);
      cs[i] = Math.max(cs[i] ?? 0, d.width);
      return d.lines;
    });
  const head = measure(header);
  const body = rows.map(measure);
  const rule = '+' + cs.map((w) => '-'.repeat(w + 2)).join('+') + '+'; // printLine, table.go:311-326
  const out = [rule];
  // printHeading (table.go:444-512): every header line centred after Title.
  const headHeight = Math.max(...head.map((l) => l.length));
  for (let x = 0; x < headHeight; x++)
    out.push('|' + cs.map((w, y) => ` ${padCentre(title(head[y]?.[x] ?? ''), w)} |`).join(''));
  out.push(rule);
  // printRow (table.go:694-790): shorter cells padded with "  " lines; numbers right, others left.
  for (const cols of body) {
    const height = Math.max(...cols.map((l) => l.length));
    for (let x = 0; x < height; x++) {
      const cells = cols.map((lines, y) => {
        const str = lines[x] ?? '  ';
        return ` ${DECIMAL.test(str.trim()) ? padLeft(str, cs[y]) : padRight(str, cs[y])} `;
      });
      out.push('|' + cells.join('|') + '|');
    }
  }
  out.push(rule);
  return out.join('\n') + '\n';
}
