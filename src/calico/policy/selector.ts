// Calico's selector language: the parser of libcalico-go/lib/selector/parser/parser.go and the
// nodes of parser/ast.go at v3.30.7. `canonical` is Selector.String() byte for byte (Felix hashes
// it into IP set names, ast.go updateFields): && and || always print in parentheses, ! prints
// bare before its operand, values are double-quoted unless they hold a double quote, set
// members are sorted (byte order) and de-duplicated (stringset.go ConvertToStringSetInPlace).
import { createHash } from 'node:crypto';
import { SelectorError, type Token, type TokenKind, tokenize } from './selector-tokens.ts';

export { SelectorError } from './selector-tokens.ts';

export type LabelOp = 'eq' | 'ne' | 'contains' | 'startswith' | 'endswith';

export type SelectorNode =
  | { type: 'all' }
  | { type: 'global' }
  | { type: 'has'; label: string }
  | { type: 'op'; op: LabelOp; label: string; value: string }
  | { type: 'in' | 'notin'; label: string; values: string[] }
  | { type: 'not'; operand: SelectorNode }
  | { type: 'and' | 'or'; operands: SelectorNode[] };

export interface Selector {
  /** The text as written. */
  readonly text: string;
  readonly root: SelectorNode;
  /** Calico's Selector.String(). */
  readonly canonical: string;
  /** Calico's Selector.UniqueID(): "s:" + base64url(SHA-224("s:" + canonical)) (hash/unique_id.go). */
  readonly uniqueId: string;
  matches(labels: Record<string, string>): boolean;
}

const OP_TEXT: Record<LabelOp, string> = {
  eq: ' == ',
  ne: ' != ',
  contains: ' contains ',
  startswith: ' starts with ',
  endswith: ' ends with ',
};

/** appendLabelOpAndQuotedString (ast.go): single quotes only when the value holds a double one. */
const quote = (s: string): string => (s.includes('"') ? `'${s}'` : `"${s}"`);

export function renderNode(node: SelectorNode): string {
  switch (node.type) {
    case 'all':
      return 'all()';
    case 'global':
      return 'global()';
    case 'has':
      return `has(${node.label})`;
    case 'op':
      return node.label + OP_TEXT[node.op] + quote(node.value);
    case 'in':
    case 'notin':
      return `${node.label} ${node.type === 'in' ? 'in' : 'not in'} {${node.values.map(quote).join(', ')}}`;
    case 'not':
      return `!${renderNode(node.operand)}`;
    default:
      return `(${node.operands.map(renderNode).join(node.type === 'and' ? ' && ' : ' || ')})`;
  }
}

/** Each node's Evaluate (ast.go): != and not-in match when the label is absent, the others don't. */
export function evaluateNode(node: SelectorNode, labels: Record<string, string>): boolean {
  switch (node.type) {
    case 'all':
    case 'global':
      return true;
    case 'has':
      return Object.hasOwn(labels, node.label);
    case 'op':
      return evalOp(node.op, Object.hasOwn(labels, node.label) ? labels[node.label] : undefined, node.value);
    case 'in':
      return Object.hasOwn(labels, node.label) && node.values.includes(labels[node.label]);
    case 'notin':
      return !Object.hasOwn(labels, node.label) || !node.values.includes(labels[node.label]);
    case 'not':
      return !evaluateNode(node.operand, labels);
    case 'and':
      return node.operands.every((o) => evaluateNode(o, labels));
    default:
      return node.operands.some((o) => evaluateNode(o, labels));
  }
}

function evalOp(op: LabelOp, actual: string | undefined, value: string): boolean {
  if (actual === undefined) return op === 'ne';
  if (op === 'eq') return actual === value;
  if (op === 'ne') return actual !== value;
  if (op === 'contains') return actual.includes(value);
  return op === 'startswith' ? actual.startsWith(value) : actual.endsWith(value);
}

/** Go's sort.Strings order (bytes of UTF-8), then de-duplicated. */
function stringSet(values: string[]): string[] {
  const sorted = [...values].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return sorted.filter((v, i) => i === 0 || v !== sorted[i - 1]);
}

function describe(t: Token): string {
  if (t.kind === 'eof') return 'the end of the selector';
  if (t.kind === 'label') return `label ${t.value}`;
  if (t.kind === 'string') return `string ${quote(t.value)}`;
  return `'${TOKEN_TEXT[t.kind]}'`;
}

const TOKEN_TEXT: Record<TokenKind, string> = {
  label: '',
  string: '',
  eof: '',
  lbrace: '{',
  rbrace: '}',
  comma: ',',
  eq: '==',
  ne: '!=',
  in: 'in',
  not: '!',
  notin: 'not in',
  contains: 'contains',
  startswith: 'starts with',
  endswith: 'ends with',
  all: 'all()',
  has: 'has()',
  lparen: '(',
  rparen: ')',
  and: '&&',
  or: '||',
  global: 'global()',
};

/** A recursive-descent parser over the tokens, in parser.go's structure. */
class Parser {
  i = 0;
  constructor(
    readonly text: string,
    readonly tokens: Token[],
  ) {}

  get peek(): Token {
    return this.tokens[this.i];
  }

  /** The next token's kind; a method, so TypeScript does not narrow it across consumption. */
  kind(): TokenKind {
    return this.tokens[this.i].kind;
  }

  fail(expected: string, at: Token = this.peek): never {
    throw new SelectorError(this.text, at.pos, expected, describe(at));
  }

  /** parseOrExpression: one or more && terms separated by ||. */
  or(): SelectorNode {
    const operands = [this.and()];
    while (this.kind() === 'or') {
      this.i++;
      operands.push(this.and());
    }
    return operands.length === 1 ? operands[0] : { type: 'or', operands };
  }

  /** parseAndExpression: one or more operations separated by &&. */
  and(): SelectorNode {
    const operands = [this.operation()];
    while (this.kind() === 'and') {
      this.i++;
      operands.push(this.operation());
    }
    return operands.length === 1 ? operands[0] : { type: 'and', operands };
  }

  /** parseOperation: leading !s collapse to one negation (or none). */
  operation(): SelectorNode {
    let negated = false;
    while (this.kind() === 'not') {
      negated = !negated;
      this.i++;
    }
    const node = this.operand();
    return negated ? { type: 'not', operand: node } : node;
  }

  operand(): SelectorNode {
    const t = this.tokens[this.i++];
    if (t.kind === 'has') return { type: 'has', label: t.value };
    if (t.kind === 'all' || t.kind === 'global') return { type: t.kind };
    if (t.kind === 'label') return this.labelOperation(t.value);
    if (t.kind === 'lparen') {
      const inner = this.or();
      if (this.kind() !== 'rparen') this.fail("')'");
      this.i++;
      return inner;
    }
    return this.fail('a label, has(), all(), global(), ! or (', t);
  }

  labelOperation(label: string): SelectorNode {
    const op = this.tokens[this.i++];
    if (op.kind === 'in' || op.kind === 'notin') return { type: op.kind, label, values: this.set() };
    if (!(op.kind in OP_TEXT))
      return this.fail(`an operator (==, !=, in, not in, contains, ...) after label ${label}`, op);
    const value = this.peek;
    if (value.kind !== 'string') this.fail(`a quoted string after ${TOKEN_TEXT[op.kind]}`);
    this.i++;
    return { type: 'op', op: op.kind as LabelOp, label, value: value.value };
  }

  /** A set literal: { "a", "b" }; a trailing comma and the empty set are allowed, as in parser.go. */
  set(): string[] {
    if (this.kind() !== 'lbrace') this.fail('a set literal like {"a", "b"}');
    this.i++;
    const values: string[] = [];
    while (this.kind() === 'string') {
      values.push(this.tokens[this.i++].value);
      if (this.kind() !== 'comma') break;
      this.i++;
    }
    if (this.kind() !== 'rbrace') this.fail("'}' or a quoted string");
    this.i++;
    return stringSet(values);
  }
}

/** parseRoot: the empty selector is all(); anything after a complete expression is an error. */
function parseRoot(text: string): SelectorNode {
  const tokens = tokenize(text);
  if (tokens[0].kind === 'eof') return { type: 'all' };
  const p = new Parser(text, tokens);
  const root = p.or();
  if (p.peek.kind !== 'eof') p.fail('&&, || or the end of the selector');
  return root;
}

export function uniqueId(canonical: string): string {
  return `s:${createHash('sha224').update(`s:${canonical}`).digest('base64url')}`;
}

export function fromNode(root: SelectorNode, text = renderNode(root)): Selector {
  const canonical = renderNode(root);
  return {
    text,
    root,
    canonical,
    uniqueId: uniqueId(canonical),
    matches: (labels) => evaluateNode(root, labels),
  };
}

const cache = new Map<string, Selector>();

/** Parses (and caches) a selector; throws SelectorError where Calico's parser would fail. */
export function parseSelector(text: string): Selector {
  let sel = cache.get(text);
  if (!sel) {
    sel = fromNode(parseRoot(text), text);
    if (cache.size > 10_000) cache.clear();
    cache.set(text, sel);
  }
  return sel;
}

/** Calico's selector.Normalise: trimmed, parsed and printed canonically; unparseable text as is. */
export function normalise(text: string): string {
  try {
    return parseSelector(text.trim()).canonical;
  } catch (e) {
    if (e instanceof SelectorError) return text.trim();
    throw e;
  }
}
