// calicoctl's YAML: go-yaml-wrapper's Marshal is json.Marshal, then yaml.v2 Unmarshal into
// interface{} and yaml.v2 Marshal (go-yaml-wrapper yaml.go:15-27, 66-81; calicoctl
// commands/common/printer.go:67-81). This is a port of the part of gopkg.in/yaml.v2 v2.4.0 that
// path uses: the key order of sorter.go, the quoting of encode.go stringv and resolve.go, and
// emitterc.go's block emitter (2-space indent, sequences not indented inside a mapping, empty
// collections as [] and {}, plain and quoted scalars folded at column 80, literal blocks for
// multi-line strings). Checked byte for byte against the real Go libraries (test/unit/resources.test.ts).

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

const BEST_WIDTH = 80; // emitterc.go:286-288: best_width 0 -> 80
const BEST_INDENT = 2;

type Style = 'plain' | 'single' | 'double' | 'literal';

// ---- resolve.go: what a plain scalar would read back as -------------------------------------

const RESOLVE_MAP = new Set([
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'],
  ...['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'],
  ...['', '~', 'null', 'Null', 'NULL', '.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF'],
  ...['+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF', '<<'],
]);
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/; // resolve.go:85
/** encode.go isBase60Float: quoted on the way out although yaml.v2 reads them as strings. */
const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

/** Go's strconv.ParseInt (then ParseUint) with base 0: prefixes 0x, 0o, 0b, a leading 0 for octal. */
function goParsesInt(s: string): boolean {
  const sign = s[0] === '-' || s[0] === '+' ? s[0] : '';
  const body = s.slice(sign.length);
  // ParseInt takes -2^63..2^63-1; ParseUint, tried next, takes 0..2^64-1 but no sign.
  const limit = sign === '-' ? 2n ** 63n : sign === '+' ? 2n ** 63n - 1n : 2n ** 64n - 1n;
  let digits = body;
  let base = 10;
  if (/^0[xX]/.test(body)) [digits, base] = [body.slice(2), 16];
  else if (/^0[oO]/.test(body)) [digits, base] = [body.slice(2), 8];
  else if (/^0[bB]/.test(body)) [digits, base] = [body.slice(2), 2];
  else if (body.length > 1 && body[0] === '0') [digits, base] = [body.slice(1), 8];
  const alphabet = '0123456789abcdef'.slice(0, base);
  if (!digits || [...digits.toLowerCase()].some((c) => !alphabet.includes(c))) return false;
  const prefix = { 16: '0x', 8: '0o', 2: '0b', 10: '' }[base as 16 | 8 | 2 | 10];
  return BigInt(prefix + digits) <= limit;
}

/** resolve.go parseTimestamp: a YYYY- prefix and one of yaml.v2's allowed layouts. */
function looksLikeTimestamp(s: string): boolean {
  if (!/^\d{4}-/.test(s)) return false;
  const date = String.raw`\d{4}-\d{1,2}-\d{1,2}`;
  const time = String.raw`\d{1,2}:\d{1,2}:\d{1,2}(\.\d+)?`;
  const zone = String.raw`(Z|[-+]\d{2}:\d{2})`;
  const layouts = [`^${date}[Tt]${time}${zone}$`, `^${date} ${time}$`, `^${date}$`];
  if (!layouts.some((l) => new RegExp(l).test(s))) return false;
  // time.Parse also checks ranges: month 1-12, day valid for the month, hour < 24, minute and second < 60.
  const [y, mo, d] = s
    .slice(0, 10)
    .split(/[-Tt ]/)
    .map(Number);
  const hms = /[Tt ](\d{1,2}):(\d{1,2}):(\d{1,2})/.exec(s);
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  const timeOk = !hms || (Number(hms[1]) < 24 && Number(hms[2]) < 60 && Number(hms[3]) < 60);
  return mo >= 1 && mo <= 12 && d >= 1 && d <= days && timeOk;
}

/** True when yaml.v2 would read the unquoted text as something other than this string (resolve.go:87-190). */
function resolvesToNonString(s: string): boolean {
  const hint = s === '' ? 'N' : s[0];
  if (!/^[-+0-9yYnNtTfFoO~.]$/.test(hint)) return false; // resolveTable: no hint, a plain string
  if (RESOLVE_MAP.has(s)) return true;
  if (hint === '.') return /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(s); // strconv.ParseFloat
  if (!/^[-+0-9]$/.test(hint)) return false;
  if (looksLikeTimestamp(s)) return true;
  const plain = s.replaceAll('_', '');
  if (goParsesInt(plain)) return true;
  // ParseFloat fails on overflow (1e400): then the text stays a string.
  return YAML_STYLE_FLOAT.test(plain) && Number.isFinite(Number(plain));
}

/** encode.go stringv: literal for multi-line text, plain when it reads back as a string, else double-quoted. */
function requestedStyle(s: string): Style {
  if (s.includes('\n')) return 'literal';
  return !resolvesToNonString(s) && !BASE60_FLOAT.test(s) ? 'plain' : 'double';
}

// ---- emitterc.go --------------------------------------------------------------------------

const isBreak = (c: string | undefined) =>
  c === '\r' || c === '\n' || c === '\u0085' || c === '\u2028' || c === '\u2029';
const isBlank = (c: string | undefined) => c === ' ' || c === '\t';
const isBlankz = (c: string | undefined) => c === undefined || isBlank(c) || isBreak(c) || c === '\0';

/** yamlprivateh.go is_printable, on code points (0x0A, 0x20-0x7E, 0xA0-0xD7FF, 0xE000-0xFFFD but not a BOM). */
function isPrintable(c: string): boolean {
  const cp = c.codePointAt(0)!;
  return (
    cp === 0x0a ||
    (cp >= 0x20 && cp <= 0x7e) ||
    (cp >= 0xa0 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff)
  );
}

interface Analysis {
  chars: string[];
  bytes: number;
  multiline: boolean;
  flowPlain: boolean;
  blockPlain: boolean;
  singleQuoted: boolean;
  block: boolean;
}

interface Found {
  flowIndicators: boolean;
  blockIndicators: boolean;
  lineBreaks: boolean;
  special: boolean;
  leadingSpace: boolean;
  leadingBreak: boolean;
  trailingSpace: boolean;
  trailingBreak: boolean;
  breakSpace: boolean;
  spaceBreak: boolean;
}

/** The indicator half of yaml_emitter_analyze_scalar (emitterc.go:1024-1062). */
function indicatorsAt(chars: string[], i: number, precededByWhitespace: boolean, f: Found): void {
  const c = chars[i];
  const followedByWhitespace = i + 1 >= chars.length || isBlank(chars[i + 1]);
  const both = () => {
    f.flowIndicators = true;
    f.blockIndicators = true;
  };
  if (i === 0) {
    if ('#,[]{}&*!|>\'"%@`'.includes(c)) both();
    else if (c === '?' || c === ':') {
      f.flowIndicators = true;
      if (followedByWhitespace) f.blockIndicators = true;
    } else if (c === '-' && followedByWhitespace) both();
  } else if (',?[]{}'.includes(c)) {
    f.flowIndicators = true;
  } else if (c === ':') {
    f.flowIndicators = true;
    if (followedByWhitespace) f.blockIndicators = true;
  } else if (c === '#' && precededByWhitespace) both();
}

/** The whitespace half of yaml_emitter_analyze_scalar (emitterc.go:1064-1098). */
function scan(chars: string[]): Found {
  const f: Found = {
    flowIndicators: false,
    blockIndicators: false,
    lineBreaks: false,
    special: false,
    leadingSpace: false,
    leadingBreak: false,
    trailingSpace: false,
    trailingBreak: false,
    breakSpace: false,
    spaceBreak: false,
  };
  if (/^(---|\.\.\.)/.test(chars.slice(0, 3).join(''))) [f.flowIndicators, f.blockIndicators] = [true, true];
  let precededByWhitespace = true;
  let previousSpace = false;
  let previousBreak = false;
  const last = chars.length - 1;
  chars.forEach((c, i) => {
    indicatorsAt(chars, i, precededByWhitespace, f);
    if (!isPrintable(c)) f.special = true;
    if (c === ' ') {
      if (i === 0) f.leadingSpace = true;
      if (i === last) f.trailingSpace = true;
      if (previousBreak) f.breakSpace = true;
      [previousSpace, previousBreak] = [true, false];
    } else if (isBreak(c)) {
      f.lineBreaks = true;
      if (i === 0) f.leadingBreak = true;
      if (i === last) f.trailingBreak = true;
      if (previousSpace) f.spaceBreak = true;
      [previousSpace, previousBreak] = [false, true];
    } else {
      [previousSpace, previousBreak] = [false, false];
    }
    precededByWhitespace = isBlankz(c);
  });
  return f;
}

/** yaml_emitter_analyze_scalar (emitterc.go:984-1131): which styles can carry the text. */
function analyze(value: string): Analysis {
  const chars = [...value];
  const bytes = Buffer.byteLength(value);
  if (!chars.length) {
    return { chars, bytes, multiline: false, flowPlain: false, blockPlain: true, singleQuoted: true, block: false };
  }
  const f = scan(chars);
  const a: Analysis = {
    chars,
    bytes,
    multiline: f.lineBreaks,
    flowPlain: true,
    blockPlain: true,
    singleQuoted: true,
    block: true,
  };
  if (f.leadingSpace || f.leadingBreak || f.trailingSpace || f.trailingBreak)
    [a.flowPlain, a.blockPlain] = [false, false];
  if (f.trailingSpace) a.block = false;
  if (f.breakSpace) [a.flowPlain, a.blockPlain, a.singleQuoted] = [false, false, false];
  if (f.spaceBreak || f.special) [a.flowPlain, a.blockPlain, a.singleQuoted, a.block] = [false, false, false, false];
  if (f.lineBreaks) [a.flowPlain, a.blockPlain] = [false, false];
  if (f.flowIndicators) a.flowPlain = false;
  if (f.blockIndicators) a.blockPlain = false;
  return a;
}

/** Go's strconv.FormatFloat(f, 'g', -1, 64), as yaml.v2's floatv writes a float. */
export function goFloat(n: number): string {
  if (Number.isNaN(n)) return '.nan';
  if (!Number.isFinite(n)) return n > 0 ? '.inf' : '-.inf';
  const [mant, expText] = n.toExponential().split('e');
  const exp = Number(expText);
  // ftoa.go: %e when the exponent is < -4 or >= 6 for the shortest representation.
  if (exp < -4 || exp >= 6) {
    const e = Math.abs(exp);
    return `${mant}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  return String(n);
}

/** How yaml.v2 writes a JSON number it read back: an int when it fits int64/uint64, else a float. */
function numberText(n: number): string {
  if (Number.isInteger(n) && n >= -(2 ** 63) && n < 2 ** 64) return BigInt(n).toString();
  return goFloat(n);
}

/** sorter.go keyList.Less for string keys: letters after other runes, digit runs compared as numbers. */
export function yamlKeyLess(a: string, b: string): boolean {
  const ar = [...a];
  const br = [...b];
  const letter = (c: string) => /\p{L}/u.test(c);
  const digit = (c: string | undefined) => c !== undefined && /\p{Nd}/u.test(c);
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = letter(ar[i]);
    const bl = letter(br[i]);
    if (al && bl) return ar[i] < br[i];
    if (al || bl) return bl;
    let an = 0n;
    let bn = 0n;
    if (ar[i] === '0' || br[i] === '0') {
      for (let j = i - 1; j >= 0 && digit(ar[j]); j--) {
        if (ar[j] !== '0') {
          [an, bn] = [1n, 1n];
          break;
        }
      }
    }
    let ai = i;
    let bi = i;
    for (; ai < ar.length && digit(ar[ai]); ai++) an = an * 10n + BigInt(ar[ai].codePointAt(0)! - 48);
    for (; bi < br.length && digit(br[bi]); bi++) bn = bn * 10n + BigInt(br[bi].codePointAt(0)! - 48);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i] < br[i];
  }
  return ar.length < br.length;
}

export const yamlKeyOrder = (keys: string[]) =>
  [...keys].sort((x, y) => (yamlKeyLess(x, y) ? -1 : yamlKeyLess(y, x) ? 1 : 0));

interface Context {
  root: boolean;
  sequence: boolean;
  mapping: boolean;
  simpleKey: boolean;
}

const NODE: Context = { root: false, sequence: false, mapping: false, simpleKey: false };

class Emitter {
  out: string[] = [];
  column = 0;
  indent = -1;
  indents: number[] = [];
  whitespace = true;
  indention = true;
  /** Always 0: only empty collections are flow collections here, and they hold nothing. */
  flowLevel = 0;
  ctx: Context = NODE;

  put(c: string): void {
    this.out.push(c);
    this.column++;
  }

  putBreak(): void {
    this.out.push('\n');
    this.column = 0;
  }

  writeBreak(c: string): void {
    if (c === '\n') this.putBreak();
    else {
      this.put(c);
      this.column = 0;
    }
  }

  increaseIndent(flow: boolean, indentless: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) this.indent = flow ? BEST_INDENT : 0;
    else if (!indentless) this.indent += BEST_INDENT;
  }

  popIndent(): void {
    this.indent = this.indents.pop()!;
  }

  writeIndent(): void {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.putBreak();
    while (this.column < indent) this.put(' ');
    this.whitespace = true;
    this.indention = true;
  }

  writeIndicator(indicator: string, needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean): void {
    if (needWhitespace && !this.whitespace) this.put(' ');
    for (const c of indicator) this.put(c);
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
  }

  node(v: JsonValue, ctx: Context): void {
    this.ctx = ctx;
    if (Array.isArray(v)) {
      if (this.flowLevel > 0 || !v.length) this.emptyFlow('[', ']');
      else this.blockSequence(v);
    } else if (v !== null && typeof v === 'object') {
      const keys = yamlKeyOrder(Object.keys(v));
      if (this.flowLevel > 0 || !keys.length) this.emptyFlow('{', '}');
      else this.blockMapping(v, keys);
    } else if (typeof v === 'string') {
      this.scalar(v, requestedStyle(v));
    } else {
      this.scalar(v === null ? 'null' : typeof v === 'number' ? numberText(v) : String(v), 'plain');
    }
  }

  /** Only empty collections reach flow style in what the encoder produces (emitterc.go:457-577). */
  emptyFlow(open: string, close: string): void {
    // The first item's state opens the collection and raises the indent and flow level; the end
    // event, next, lowers them again and closes it.
    this.writeIndicator(open, true, true, false);
    this.writeIndicator(close, false, false, false);
  }

  blockSequence(items: JsonValue[]): void {
    this.increaseIndent(false, this.ctx.mapping && !this.indention); // emitterc.go:579-600
    for (const item of items) {
      this.writeIndent();
      this.writeIndicator('-', true, false, true);
      this.node(item, { ...NODE, sequence: true });
    }
    this.popIndent();
  }

  blockMapping(m: { [key: string]: JsonValue }, keys: string[]): void {
    this.increaseIndent(false, false); // emitterc.go:603-647
    for (const k of keys) {
      this.writeIndent();
      const a = analyze(k);
      if (!a.multiline && a.bytes <= 128) {
        this.node(k, { ...NODE, mapping: true, simpleKey: true });
        this.writeIndicator(':', false, false, false);
      } else {
        this.writeIndicator('?', true, false, true);
        this.node(k, { ...NODE, mapping: true });
        this.writeIndent();
        this.writeIndicator(':', true, false, true);
      }
      this.node(m[k], { ...NODE, mapping: true });
    }
    this.popIndent();
  }

  /** yaml_emitter_select_scalar_style (emitterc.go:798-845). */
  style(a: Analysis, requested: Style): Style {
    let style = requested;
    if (this.ctx.simpleKey && a.multiline) style = 'double';
    if (style === 'plain') {
      if ((this.flowLevel > 0 && !a.flowPlain) || (this.flowLevel === 0 && !a.blockPlain)) style = 'single';
      if (!a.chars.length && (this.flowLevel > 0 || this.ctx.simpleKey)) style = 'single';
    }
    if (style === 'single' && !a.singleQuoted) style = 'double';
    if (style === 'literal' && (!a.block || this.flowLevel > 0 || this.ctx.simpleKey)) style = 'double';
    return style;
  }

  scalar(text: string, requested: Style): void {
    const a = analyze(text);
    const style = this.style(a, requested);
    this.increaseIndent(true, false);
    const allowBreaks = !this.ctx.simpleKey;
    if (style === 'plain') this.plain(a.chars, allowBreaks);
    else if (style === 'single') this.singleQuoted(a.chars, allowBreaks);
    else if (style === 'double') this.doubleQuoted(a.chars, allowBreaks);
    else this.literal(a.chars);
    this.popIndent();
  }

  /** emitterc.go:1313-1368 (a plain scalar never holds a line break). */
  plain(chars: string[], allowBreaks: boolean): void {
    if (!this.whitespace) this.put(' ');
    let spaces = false;
    chars.forEach((c, i) => {
      if (c === ' ') {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && chars[i + 1] !== ' ') this.writeIndent();
        else this.put(c);
        spaces = true;
      } else {
        this.put(c);
        this.indention = false;
        spaces = false;
      }
    });
    this.whitespace = false;
    this.indention = false;
  }

  /** emitterc.go:1370-1427. */
  singleQuoted(chars: string[], allowBreaks: boolean): void {
    this.writeIndicator("'", true, false, false);
    let spaces = false;
    let breaks = false;
    chars.forEach((c, i) => {
      if (c === ' ') {
        const fold = allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < chars.length - 1;
        if (fold && chars[i + 1] !== ' ') this.writeIndent();
        else this.put(c);
        spaces = true;
      } else if (isBreak(c)) {
        if (!breaks && c === '\n') this.putBreak();
        this.writeBreak(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        if (c === "'") this.put("'");
        this.put(c);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    });
    this.writeIndicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  /** emitterc.go:1429-1548. */
  doubleQuoted(chars: string[], allowBreaks: boolean): void {
    this.writeIndicator('"', true, false, false);
    const bom = chars[0] === '\ufeff'; // is_bom looks at the value's start, whatever i is
    let spaces = false;
    chars.forEach((c, i) => {
      if (!isPrintable(c) || bom || isBreak(c) || c === '"' || c === '\\') {
        for (const e of escapeChar(c)) this.put(e);
        spaces = false;
      } else if (c === ' ') {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < chars.length - 1) {
          this.writeIndent();
          if (chars[i + 1] === ' ') this.put('\\');
        } else this.put(c);
        spaces = true;
      } else {
        this.put(c);
        spaces = false;
      }
    });
    this.writeIndicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  /** emitterc.go:1550-1627. */
  literal(chars: string[]): void {
    this.writeIndicator('|', true, false, false);
    if (chars[0] === ' ' || isBreak(chars[0])) this.writeIndicator(String(BEST_INDENT), false, false, false);
    const last = chars.length - 1;
    let chomp = '';
    if (!isBreak(chars[last])) chomp = '-';
    else if (last === 0 || isBreak(chars[last - 1])) chomp = '+';
    if (chomp) this.writeIndicator(chomp, false, false, false);
    this.putBreak();
    this.indention = true;
    this.whitespace = true;
    let breaks = true;
    for (const c of chars) {
      if (isBreak(c)) {
        this.writeBreak(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.put(c);
        this.indention = false;
        breaks = false;
      }
    }
  }
}

const SHORT_ESCAPES = new Map<number, string>([
  [0x00, '0'],
  [0x07, 'a'],
  [0x08, 'b'],
  [0x09, 't'],
  [0x0a, 'n'],
  [0x0b, 'v'],
  [0x0c, 'f'],
  [0x0d, 'r'],
  [0x1b, 'e'],
  [0x22, '"'],
  [0x5c, '\\'],
  [0x85, 'N'],
  [0xa0, '_'],
  [0x2028, 'L'],
  [0x2029, 'P'],
]);

/** A double-quoted escape: the short forms, else \xXX, \uXXXX or \UXXXXXXXX in upper-case hex. */
function escapeChar(c: string): string[] {
  const v = c.codePointAt(0)!;
  const short = SHORT_ESCAPES.get(v);
  if (short !== undefined) return ['\\', short];
  const [letter, width] = v <= 0xff ? ['x', 2] : v <= 0xffff ? ['u', 4] : ['U', 8];
  return ['\\', letter, ...v.toString(16).toUpperCase().padStart(width, '0')];
}

/** go-json writes U+0085 (NEL) raw, and yaml.v2's reader folds it as a line break inside the
 *  double-quoted JSON string: one break and the spaces around it become a space, n breaks n-1
 *  newlines. (Other raw C1 controls and DEL make yaml.v2 fail: "control characters are not allowed".) */
const foldNel = (s: string) =>
  s.replace(/ *\u0085(?: *\u0085)* */g, (m) => {
    const n = m.split('\u0085').length - 1;
    return n === 1 ? ' ' : '\n'.repeat(n - 1);
  });

function readBack(v: JsonValue): JsonValue {
  if (typeof v === 'string') return v.includes('\u0085') ? foldNel(v) : v;
  if (Array.isArray(v)) return v.map(readBack);
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [foldNel(k), readBack(x)]));
  return v;
}

/** yaml.v2's Marshal of a value that went through JSON: the text calicoctl prints. */
export function yamlV2(value: JsonValue): string {
  const e = new Emitter();
  e.node(readBack(value), { ...NODE, root: true });
  // emitterc.go:432-455, document end: an implicit end only breaks the last line.
  e.indent = -1;
  e.writeIndent();
  return e.out.join('');
}
