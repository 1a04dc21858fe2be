// Regenerates test/unit/fixtures/calicoctl-printers.json: a corpus of values (YAML quoting corner
// cases, key orders, nesting, long text, and every resource calilab shows for two topologies)
// with the real Go libraries' output for each, which test/unit/resources.test.ts compares
// calilab's printers against. Run: node --import=tsx scripts/goldens/calicoctl-printers.ts
// (needs Go and the libraries named in calicoctl-printers.go; GOPATH defaults to /tmp/gows plus
// Debian's /usr/share/gocode).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labResources } from '../../src/calico/calicoctl/resources.ts';
import { calicoctlJson } from '../../src/calico/calicoctl/printers.ts';
import { buildPlan } from '../../src/plan/plan.ts';
import { loadTopology } from '../../src/topology/load.ts';

const STRINGS = [
  ...['1234', '*', '66:0e:aa:bb:cc:dd', '66:12:34:55:10:20', '1:20', '1:2:3.5', '', 'y', 'Y', 'yes', 'no', 'n'],
  ...['on', 'Off', 'true', 'False', 'null', '~', 'Null', 'NULL', 'Yes', 'yES', 'NaN', 'nan', 'Inf', 'infinity'],
  ...['2025-06-01T12:00:00Z', '2025-06-01', '2025-6-1', '2025-13-01', '2025-02-30', '2025-06-01 12:00:00'],
  ...['2025-06-01t12:00:00.5+02:00', '2025-06-01T25:00:00Z', '2025-06-01 12:00:00.123 +0000 UTC'],
  ...['1e3', '1.5', '.5', '.5e3', '.inf', '-.Inf', '+.INF', '.nan', '0x1F', '0o17', '017', '08', '0b101'],
  ...['-0b101', '+12', '-12', '1_000', '9223372036854775807', '9223372036854775808', '18446744073709551615'],
  ...['18446744073709551616', '-9223372036854775809', '1e400', '1.', '+.5', '0', '-0', '00', '+0', '0.0'],
  ...['1e+21', '1E5', '1_0.5', '_1', '0x', '0xg', '0b2', 'true ', '<<', '=', 'y:', 'no:'],
  ...['-', '--', '---', '---x', '...', 'a...', '- a', '-a', '? x', '?x', ': x', ':x', 'a: b', 'a:b', 'a #b'],
  ...['a#b', '#a', '!a', '&a', '%a', '@a', '`a', '|a', '>a', "'a", '"a', 'a,b', '[a]', '{a}', 'a b', ' a'],
  ...['a ', "it's", 'a"b', 'a\\b', 'all()', "foo == 'bar'", "foo == 'bar' && has(x)", 'a <b> c'],
  ...['192.168.0.0/16', 'fd00::/64', 'fd00::1', '::', '::1', '10.0.0.1', 'host:node1'],
  ...['k8s-pod-network.default.pod1', 'tab\there', 'line1\nline2', 'line1\nline2\n', 'line1\n\nline2\n\n'],
  ...['\nlead', '  two\nlines', 'trail \nx', 'x\n y', 'é accent', '日本語', 'emoji 😀', '\u0085nel'],
  ...['a \u0085 b', 'a\u0085\u0085b', '\u2028ls', 'bell\u0007', '\ufeffbom', 'nbsp\u00a0x', 'cr\rx'],
  'a'.repeat(100),
  'word '.repeat(30).trim(),
  'word  '.repeat(20).trim(),
  `${"it's a long text with quotes ".repeat(4).trim()} 'q'`,
  `{"json":"${'x'.repeat(90)}","a b":"c d"}`,
  `"${'quoted text '.repeat(10)}"`,
  `x: ${'y '.repeat(50)}`,
  `1:20 ${'z '.repeat(45)}`,
  `${'w '.repeat(38)}\u0007 tail words here to wrap`,
];

const NUMBERS = [0, 1, -1, 64512, 4294967295, 1.5, -2.25, 1e21, 1e20, 1e19, 1234567.5, 0.0001, 0.00001, 123456.7];

const STRUCTURES: unknown[] = [
  null,
  'root',
  5,
  true,
  [],
  {},
  [[]],
  [{}],
  { a: [] },
  { a: {} },
  [1, [2, [3, {}]], { b: [4, 5] }],
  { list: [{ a: 1, b: ['x', { c: null }] }, ['y'], 'z'], m: { n: { o: { p: `deep ${'v '.repeat(45)}` } } } },
  { ['k'.repeat(129)]: 'long key', ['k'.repeat(128)]: 'exact', 'multi\nline key': 1 },
  { seq: ['a\nb', ' lead', 'trail ', '', '*'] },
  {
    nested: [
      [['a', 'b'], 'c'],
      [{ x: 1 }, { y: [] }],
    ],
  },
  ['top', { a: 1 }],
  { sequenceNumberForAllocation: { '0': 1, '1': 2, '10': 3, '2': 4, '100': 5 } },
  { labels: { 'a.b/c': 'x', 'a.b/C': 'y', 'a-b': 'z', a_b: 'w', A: 'v', ab2: 1, ab10: 2, 'ab 1': 3 } },
];

function labCorpus(): unknown[] {
  return ['topologies/kans-4node.yaml', 'topologies/kind-vxlan-3node.yaml', 'topologies/rr-4node.yaml'].map((f, i) => {
    const topology = { ...loadTopology(f), ...(i === 1 ? { wireguard: true } : {}) };
    const rec = {
      lab: topology.name,
      topologyFile: f,
      createdAt: '2025-06-01T12:00:00.123Z',
      topology,
      plan: buildPlan(topology),
      processes: [],
    };
    return labResources(rec, new Map([['pod-network-worker', 'qZ3m0a3G9Hk2t0d3sWlI2d2L3Ue1s0p8y1i3XkQ9qW0=']]));
  });
}

const TABLES: string[][][] = [
  [['NAME', 'CIDR', 'SELECTOR']],
  [
    ['NAME', 'CIDR', 'SELECTOR'],
    ['ippool-name1', '10.0.1.0/24', "foo == 'bar'"],
  ],
  [
    ['NAMESPACE', 'WORKLOAD', 'NODE', 'NETWORKS', 'INTERFACE'],
    ['default', 'nginx-7d9c5', 'node1', '192.168.1.5/32', 'cali1a2b3c4d5e6'],
    ['kube-system', 'coredns-abc', 'node2', '192.168.2.7/32,fd00::7/128', 'cali9f8e7d6c5b4'],
  ],
  [
    ['NAME', 'ASN', 'IPV4', 'IPV6'],
    ['node1', '(64512)', '10.0.0.11/24', ''],
    ['node3-vxlan-only', '', '', ''],
    ['ü-ñode', '', '', 'fd00::12/64'],
  ],
];

const yamlInputs = [
  ...STRINGS.map((v) => ({ v })),
  ...STRINGS.map((k) => ({ [k]: 1 })),
  ...NUMBERS.map((n) => ({ n })),
];
yamlInputs.push(...(STRUCTURES as any[]), ...(labCorpus() as any[]));
const jsonInputs = [STRINGS, ...STRUCTURES.slice(11)];

const dir = mkdtempSync(join(tmpdir(), 'goldens-'));
const gopath = process.env.GOPATH ?? '/tmp/gows:/usr/share/gocode';
const env = { ...process.env, GOPATH: gopath, GO111MODULE: 'off', GOFLAGS: '' };
execFileSync('go', ['build', '-o', join(dir, 'printers'), join(import.meta.dirname, 'calicoctl-printers.go')], { env });
// The YAML inputs go in as go-json would write them (U+2028 escaped, <>& escaped): the bytes
// calicoctl's yaml.v2 reads.
const yamlText = yamlInputs.map((v) => calicoctlJson(v)).join(',');
const input = `{"yaml":[${yamlText}],"json":${JSON.stringify(jsonInputs)},"tab":${JSON.stringify(TABLES)}}`;
const out = JSON.parse(execFileSync(join(dir, 'printers'), { input, maxBuffer: 1 << 28 }).toString());
const fixture = {
  generatedBy: 'scripts/goldens/calicoctl-printers.ts (Go: yaml.v2 v2.4.0, go-json 6219dc7, text/tabwriter)',
  yaml: yamlInputs.map((value, i) => ({ value, go: out.yaml[i] })),
  json: jsonInputs.map((value, i) => ({ value, go: out.json[i] })),
  tab: TABLES.map((rows, i) => ({ rows, go: out.tab[i] })),
};
mkdirSync('test/unit/fixtures', { recursive: true });
writeFileSync('test/unit/fixtures/calicoctl-printers.json', `${JSON.stringify(fixture)}\n`);
console.log(`${fixture.yaml.length} yaml, ${fixture.json.length} json, ${fixture.tab.length} tables`);
