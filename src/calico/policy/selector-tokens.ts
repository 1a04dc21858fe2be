// Calico's selector tokenizer, a port of libcalico-go/lib/selector/tokenizer/tokenizer.go
// (AppendTokens) at v3.30.7. Quirks kept on purpose, because Calico accepts or rejects exactly
// these inputs: only spaces and tabs are whitespace (a newline is an error), strings have no
// escapes, operators after a label may be glued ("startswith", "notin"), and `has(`, `all(`,
// `global(` are recognised only where a label could start.

export type TokenKind =
  | 'label'
  | 'string'
  | 'lbrace'
  | 'rbrace'
  | 'comma'
  | 'eq'
  | 'ne'
  | 'in'
  | 'not'
  | 'notin'
  | 'contains'
  | 'startswith'
  | 'endswith'
  | 'all'
  | 'has'
  | 'lparen'
  | 'rparen'
  | 'and'
  | 'or'
  | 'global'
  | 'eof';

export interface Token {
  kind: TokenKind;
  value: string;
  /** Offset of the token's first character in the selector text. */
  pos: number;
}

/** tokenizer.go MaxLabelLength. */
export const MAX_LABEL_LENGTH = 512;

/** A selector Calico would reject: where, what it expected there and what it found. */
export class SelectorError extends Error {
  constructor(
    readonly selector: string,
    readonly position: number,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`expected ${expected} at position ${position}, found ${found}`);
    this.name = 'SelectorError';
  }
}

/** identifierChar (tokenizer.go). */
const isIdentChar = (c: string | undefined): boolean => c !== undefined && /[a-zA-Z0-9_./-]/.test(c);

const SINGLE: Record<string, TokenKind> = { '(': 'lparen', ')': 'rparen', '{': 'lbrace', '}': 'rbrace', ',': 'comma' };
const DOUBLE: Record<string, [string, TokenKind, string]> = {
  '=': ['==', 'eq', '=='],
  '&': ['&&', 'and', '&&'],
  '|': ['||', 'or', '||'],
};
const FUNCTIONS: [string, TokenKind][] = [
  ['all(', 'all'],
  ['global(', 'global'],
];
/** Operators after a label, in tokenizer.go's order ("not in" before "in"). */
const OPERATORS: [string[], TokenKind][] = [
  [['contains'], 'contains'],
  [['starts', 'with'], 'startswith'],
  [['ends', 'with'], 'endswith'],
  [['not', 'in'], 'notin'],
  [['in'], 'in'],
];

/** Scans one selector; `i` is the read offset into `text`. */
class Scanner {
  i = 0;
  readonly tokens: Token[] = [];
  constructor(readonly text: string) {}

  fail(expected: string, found?: string, at = this.i): never {
    throw new SelectorError(this.text, at, expected, found ?? describeChar(this.text[at]));
  }

  skipSpace(): void {
    while (this.text[this.i] === ' ' || this.text[this.i] === '\t') this.i++;
  }

  push(kind: TokenKind, pos: number, value = ''): Token {
    const t = { kind, value, pos };
    this.tokens.push(t);
    return t;
  }

  /** cutIdentifier: the longest run of label characters, at least one, at most 512. */
  identifier(): string {
    const start = this.i;
    while (isIdentChar(this.text[this.i])) this.i++;
    const ident = this.text.slice(start, this.i);
    if (!ident) this.fail('a label name', undefined, start);
    if (ident.length > MAX_LABEL_LENGTH)
      this.fail(`a label of at most ${MAX_LABEL_LENGTH} characters`, 'a longer one', start);
    return ident;
  }

  /** cutPrefixCheckBreak / cutMultiWordPrefixCheckBreak: words, spaces between them optional,
   *  and a word boundary after the last. Returns the offset after the match, or -1. */
  words(words: string[]): number {
    let j = this.i;
    for (const w of words) {
      if (!this.text.startsWith(w, j)) return -1;
      j += w.length;
      if (words.length > 1) while (this.text[j] === ' ' || this.text[j] === '\t') j++;
    }
    return isIdentChar(this.text[j]) ? -1 : j;
  }
}

function describeChar(c: string | undefined): string {
  if (c === undefined) return 'the end of the selector';
  if (c === '\n' || c === '\r') return 'a line break (Calico allows only spaces and tabs between tokens)';
  return `'${c}'`;
}

export function tokenize(text: string): Token[] {
  const s = new Scanner(text);
  for (;;) {
    s.skipSpace();
    if (s.i >= text.length) {
      s.push('eof', s.i);
      return s.tokens;
    }
    scanOne(s);
  }
}

function scanOne(s: Scanner): Token {
  const c = s.text[s.i];
  const start = s.i;
  if (SINGLE[c]) {
    s.i++;
    return s.push(SINGLE[c], start);
  }
  if (c === '"' || c === "'") return scanString(s, c);
  if (c === '!') {
    const ne = s.text.startsWith('!=', s.i);
    s.i += ne ? 2 : 1;
    return s.push(ne ? 'ne' : 'not', start);
  }
  if (DOUBLE[c]) {
    const [op, kind] = DOUBLE[c];
    if (!s.text.startsWith(op, s.i)) s.fail(op, describeChar(s.text[s.i + 1]), s.i + 1);
    s.i += 2;
    return s.push(kind, start);
  }
  if (s.tokens.at(-1)?.kind === 'label') return scanOperator(s);
  return scanOperand(s);
}

function scanString(s: Scanner, quote: string): Token {
  const start = s.i;
  const end = s.text.indexOf(quote, start + 1);
  if (end < 0) s.fail(`a closing ${quote} for the string opened at position ${start}`, undefined, s.text.length);
  s.i = end + 1;
  return s.push('string', start, s.text.slice(start + 1, end));
}

function scanOperator(s: Scanner): Token {
  for (const [words, kind] of OPERATORS) {
    const end = s.words(words);
    if (end >= 0) {
      const t = s.push(kind, s.i);
      s.i = end;
      return t;
    }
  }
  const label = s.tokens.at(-1)!.value;
  const word = /^[^ \t]*/.exec(s.text.slice(s.i))![0];
  return s.fail(`an operator (==, !=, in, not in, contains, starts with, ends with) after label ${label}`, `'${word}'`);
}

function scanOperand(s: Scanner): Token {
  const start = s.i;
  if (s.text.startsWith('has(', s.i)) {
    s.i += 4;
    s.skipSpace();
    const ident = s.identifier();
    s.skipSpace();
    if (s.text[s.i] !== ')') s.fail("')' to close has(");
    s.i++;
    return s.push('has', start, ident);
  }
  for (const [prefix, kind] of FUNCTIONS) {
    if (!s.text.startsWith(prefix, s.i)) continue;
    s.i += prefix.length;
    s.skipSpace();
    if (s.text[s.i] !== ')') s.fail(`')' to close ${prefix}`);
    s.i++;
    return s.push(kind, start);
  }
  if (!isIdentChar(s.text[s.i])) s.fail('a label, has(), all(), global(), ! or (');
  return s.push('label', start, s.identifier());
}
