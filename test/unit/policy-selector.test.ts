// Calico's selector language against the tables of libcalico-go/lib/selector/parser/parser_test.go
// (v3.30.7): selectorTests (matches / non-matches), badSelectors, canonicalisationTests (String()
// and UniqueID()) and the PrefixVisitor table (through scope.ts prefixSelector).
import test from 'ava';
import { prefixSelector } from '../../src/calico/policy/scope.ts';
import { normalise, parseSelector, SelectorError } from '../../src/calico/policy/selector.ts';

type L = Record<string, string>;
const selectorTests: [string, L[], L[]][] = [
  ['a == "b"', [{ a: 'b' }, { a: 'b', c: 'd' }], [{}, { a: 'c' }, { c: 'd' }]],
  ['a == "b" && c == "d"', [{ a: 'b', c: 'd' }], [{}, { a: 'b', c: 'e' }, { a: 'c', c: 'd' }, { c: 'd' }, { a: 'b' }]],
  [
    'a == "b" || c == "d"',
    [{ a: 'b', c: 'd' }, { a: 'b' }, { c: 'd' }],
    [{}, { a: 'e', c: 'e' }, { c: 'e' }, { a: 'e' }],
  ],
  [`a in {"'", '"', "c"}`, [{ a: 'c' }, { a: '"' }, { a: "'" }], [{}, { a: 'e' }]],
  [`a not in {"'", '"', "c"}`, [{}, { a: 'e' }], [{ a: 'c' }, { a: '"' }, { a: "'" }]],
  ["a == 'a'", [{ a: 'a' }], []],
  ['a == "a"', [{ a: 'a' }], []],
  ['a != "b"', [{ a: 'a' }], []],
  ['a != "a"', [{}], []],
  ['a contains "a"', [{ a: 'a' }, { a: 'bab' }, { a: 'aaa', b: 'c' }], [{}, { a: 'b' }, { b: 'aaa' }]],
  ['a starts with "a"', [{ a: 'a' }, { a: 'abb' }, { a: 'aaa', b: 'c' }], [{}, { a: 'b' }, { a: 'baa' }, { b: 'aaa' }]],
  ['a ends with "a"', [{ a: 'a' }, { a: 'bba' }, { a: 'aaa', b: 'c' }], [{}, { a: 'b' }, { a: 'aab' }, { b: 'aaa' }]],
  ['a in {"a"}', [{ a: 'a' }], []],
  ['!a in {"a"}', [{ a: 'b' }], []],
  ['a in {"a", "b"}', [{ a: 'a' }, { a: 'b' }], []],
  ['a not in {"d", "e"}', [{ a: 'a' }], []],
  ['has(a)', [{ a: 'b' }], []],
  ['!has(a)', [{ b: 'b' }], []],
  ['', [{}, { a: 'b' }], []],
  [' ', [{}], []],
  ['all()', [{}], []],
  [' all()', [{}, { a: 'b' }], []],
  ['global()', [{}], []],
  [' global()', [{}, { a: 'b' }], []],
  ["a == 'a'", [], [{ a: 'b' }, {}]],
  ['a != "a"', [], [{ a: 'a' }]],
  ["a != 'a'", [], [{ a: 'a' }]],
  ['a in {"a"}', [], [{ a: 'b' }]],
  ['a not in {"a"}', [], [{ a: 'a' }]],
  ['a in {"a", "b"}', [], [{ a: 'c' }]],
  ['has(b)', [], [{ a: 'b' }]],
  ['!!has(b)', [], [{ a: 'b' }]],
  ['! has(a)', [], [{ a: 'b' }]],
  ['!has(a)', [], [{ a: 'b' }]],
  ['!!! has(a)', [], [{ a: 'b' }]],
  ['!!!has(a)', [], [{ a: 'b' }]],
  ['!! ! has(a)', [], [{ a: 'b' }]],
  ['! !!has(a)', [], [{ a: 'b' }]],
  ["a == 'a1' && b == 'b1'", [{ a: 'a1', b: 'b1' }], []],
  ["a == 'a1' && b != 'b1'", [], [{ a: 'a1', b: 'b1' }]],
  ["a != 'a1' && b == 'b1'", [], [{ a: 'a1', b: 'b1' }]],
  ["a != 'a1' && b != 'b1'", [], [{ a: 'a1', b: 'b1' }]],
  ["a != 'a1' && !b == 'b1'", [], [{ a: 'a1', b: 'b1' }]],
  ["!a == 'a1' && b == 'b1'", [], [{ a: 'a1', b: 'b1' }]],
  ['has(a) && !has(b)', [{ a: 'a' }], []],
  ['!has(b) && has(a)', [{ a: 'a' }], []],
  ['!(!has(a) || has(b))', [{ a: 'a' }], []],
  ['!(has(b) || !has(a))', [{ a: 'a' }], []],
  ["a == 'a1' || b == 'b1'", [{ a: 'a1', b: 'b1' }], []],
  ["a == 'a1' || b != 'b1'", [{ a: 'a1', b: 'b1' }], []],
  ["a != 'a1' || b == 'b1'", [{ a: 'a1', b: 'b1' }], []],
  ["a != 'a1' || b != 'b1'", [], [{ a: 'a1', b: 'b1' }]],
  ["! a == 'a1' || ! b == 'b1'", [], [{ a: 'a1', b: 'b1' }]],
];

test('parser_test.go selectorTests: matches and non-matches, also after canonicalising', (t) => {
  for (const [sel, yes, no] of selectorTests) {
    for (const s of [parseSelector(sel), parseSelector(parseSelector(sel).canonical)]) {
      for (const labels of yes) t.true(s.matches(labels), `${sel} should match ${JSON.stringify(labels)}`);
      for (const labels of no) t.false(s.matches(labels), `${sel} should not match ${JSON.stringify(labels)}`);
    }
  }
});

const badSelectors = [
  'b == b',
  'b contains b',
  'b starts with b',
  'b ends with b',
  "'b1' == b",
  'b',
  'a b',
  '!',
  'foo == "bar" &',
  'foo == "bar" |',
  'foo != ||',
  'foo in {"", ||',
  'foo in ""',
  '"FOO',
  `"FOO'`,
  "'FOO",
  '(',
  '(a == "foo"',
  ')',
  '()',
  '%',
  'a == "b" && %',
  'a == "b" || %',
  'a ',
  'has(foo) &&',
];

test('parser_test.go badSelectors are all rejected with a SelectorError', (t) => {
  for (const sel of badSelectors) t.throws(() => parseSelector(sel), { instanceOf: SelectorError }, sel);
});

const canonicalisationTests: [string, string, string][] = [
  ['', 'all()', 's:5y5I3VdRZfDU01O--xXAPx2yxCQQqMf0M6IWug'],
  [' all() ', 'all()', 's:5y5I3VdRZfDU01O--xXAPx2yxCQQqMf0M6IWug'],
  [' (all() )', 'all()', 's:5y5I3VdRZfDU01O--xXAPx2yxCQQqMf0M6IWug'],
  ['! (has( b)||! has(a ))', '!(has(b) || !has(a))', 's:Iss0uCleLYv1GSv_pNm7hAO58kE9jAx1NKyG3Q'],
  ['! (a == "b"&&! c != "d")', '!(a == "b" && !c != "d")', 's:lh3haoY1ikTRkd4UZu0nWSaIBknYLPJLX16d-w'],
  [`a == "'"`, `a == "'"`, ''],
  [`a == '"'`, `a == '"'`, ''],
  [`a contains '"'`, `a contains '"'`, ''],
  [`a contains "'"`, `a contains "'"`, ''],
  [`a startswith '"'`, `a starts with '"'`, ''],
  [`a endswith "'"`, `a ends with "'"`, ''],
  [`a!='"'`, `a != '"'`, ''],
  ['a in {"d"}', 'a in {"d"}', ''],
  ['a in {"a", "b"}', 'a in {"a", "b"}', ''],
  ['a in {"d", "a", "b"}', 'a in {"a", "b", "d"}', ''],
  ['a in {"z", "x", "y", "a"}', 'a in {"a", "x", "y", "z"}', ''],
  ['a in {"z", "z", "x", "y", "x", "a"}', 'a in {"a", "x", "y", "z"}', ''],
];

test('parser_test.go canonicalisationTests: String(), round trip and UniqueID()', (t) => {
  for (const [input, expected, uid] of canonicalisationTests) {
    const sel = parseSelector(input);
    t.is(sel.canonical, expected, input);
    t.is(parseSelector(sel.canonical).canonical, expected);
    t.is(parseSelector(sel.canonical).uniqueId, sel.uniqueId);
    if (uid) t.is(sel.uniqueId, uid, input);
  }
});

test('canonical forms of && and || (always parenthesised, never flattened) and k8s-style input', (t) => {
  const c = (s: string) => parseSelector(s).canonical;
  t.is(
    c("projectcalico.org/orchestrator == 'k8s' && app == 'db'"),
    '(projectcalico.org/orchestrator == "k8s" && app == "db")',
  );
  t.is(c('(a == "1" && b == "2") && c == "3"'), '((a == "1" && b == "2") && c == "3")');
  t.is(c('a == "1" || b == "2" && c == "3"'), '(a == "1" || (b == "2" && c == "3"))');
  t.is(c("k in { 'v1', 'v2' }"), 'k in {"v1", "v2"}');
  t.is(c('k in {"a",}'), 'k in {"a"}');
  t.is(c('k notin {}'), 'k not in {}');
  t.is(c('!(k == "v")'), '!k == "v"');
  t.is(c('global()'), 'global()');
  t.is(normalise('  has(x)  '), 'has(x)');
  t.is(normalise('not a selector ('), 'not a selector (');
});

const visitorTests: [string, string][] = [
  ["k == 'v'", 'visited/k == "v"'],
  ["k != 'v'", 'visited/k != "v"'],
  ["k contains 'v'", 'visited/k contains "v"'],
  ["k starts with 'v'", 'visited/k starts with "v"'],
  ["k ends with 'v'", 'visited/k ends with "v"'],
  ["k == 'v' && x == 'y'", '(visited/k == "v" && visited/x == "y")'],
  ["k == 'v' || has(x)", '(visited/k == "v" || has(visited/x))'],
  ["!(k == 'v')", '!visited/k == "v"'],
  ["k in {'v'}", 'visited/k in {"v"}'],
  ["k not in {'v'}", 'visited/k not in {"v"}'],
  [
    "!(!(k == 'v' && has(t) || all()) && (a in {'b', 'c'}))",
    '!(!((visited/k == "v" && has(visited/t)) || all()) && visited/a in {"b", "c"})',
  ],
];

test('parser_test.go Visitor table (PrefixVisitor "visited/")', (t) => {
  for (const [input, output] of visitorTests) t.is(prefixSelector(input, 'visited/'), output);
});

test('errors say where and what was expected', (t) => {
  const err = (s: string) => t.throws(() => parseSelector(s), { instanceOf: SelectorError })!;
  let e = err('app == db');
  t.is(e.position, 7);
  t.is(e.message, 'expected a quoted string after == at position 7, found label db');
  e = err('app = "db"');
  t.is(e.position, 5);
  t.regex(e.message, /expected == at position 5/);
  e = err('app == "db" && ');
  t.is(e.message, 'expected a label, has(), all(), global(), ! or ( at position 15, found the end of the selector');
  e = err('app is "db"');
  t.regex(e.message, /operator .* after label app at position 4, found 'is'/);
  e = err('app == "db');
  t.regex(e.message, /closing " for the string opened at position 7/);
  e = err('app == "db"\n');
  t.regex(e.message, /line break/);
  e = err('has(a) has(b)');
  t.regex(e.message, /expected &&, \|\| or the end of the selector at position 7/);
  e = err('a in {"x" "y"}');
  t.regex(e.message, /'}' or a quoted string at position 10/);
});
