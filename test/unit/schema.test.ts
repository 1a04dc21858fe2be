// topologies/topology.schema.json is what editors check a topology against. It is generated from
// the declaration calilab validates with (src/topology/schema.ts), so it must not drift from it,
// and it must say yes to every shipped topology and no to broken ones, on its own (ajv).
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import test from 'ava';
import Ajv2020 from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { z } from 'zod';
import { topologyJsonSchema } from '../../src/topology/schema.ts';
import { validateTopology } from '../../src/topology/validate.ts';
import { minimal } from './helpers.ts';

const dir = resolve(import.meta.dirname, '../../topologies');
const checkedIn = readFileSync(join(dir, 'topology.schema.json'), 'utf8');
const topologies = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

// ajv is CommonJS: under NodeNext the default import is module.exports, whose .default is the class.
const ajv = new Ajv2020.default({ allErrors: true, formats: { ipv4: z.regexes.ipv4 } });
const validate = ajv.compile(JSON.parse(checkedIn));

test('topologies/topology.schema.json is what the declaration generates (run npm run schema)', (t) => {
  t.is(checkedIn, topologyJsonSchema());
});

test('every shipped topology names the schema on its first line, for yaml-language-server', (t) => {
  t.true(topologies.length >= 6);
  for (const f of topologies) {
    const first = readFileSync(join(dir, f), 'utf8').split('\n')[0];
    t.is(first, '# yaml-language-server: $schema=./topology.schema.json', f);
  }
});

test('the JSON Schema accepts every shipped topology (and so does calilab)', (t) => {
  for (const f of topologies) {
    const raw = parse(readFileSync(join(dir, f), 'utf8'));
    t.true(validate(raw), `${f}: ${ajv.errorsText(validate.errors)}`);
    t.notThrows(() => validateTopology(raw, f), f);
  }
});

test('the JSON Schema accepts the minimal topology, whose every default is left out', (t) => {
  t.true(validate(minimal()), ajv.errorsText(validate.errors));
});

const bad: [string, (o: Record<string, any>) => void, string][] = [
  ['an unknown top-level field', (o) => (o.ippools = []), 'must NOT have additional properties'],
  ['an unknown nested field', (o) => (o.nodes[0].adress = '10.0.0.12'), 'must NOT have additional properties'],
  ['a lowercase ipipMode', (o) => (o.ipPools[0].ipipMode = 'always'), 'must be equal to one of the allowed values'],
  ['an MTU written as a string', (o) => (o.underlay.mtu = '1500'), 'must be integer'],
  ['an MTU out of range', (o) => (o.underlay.mtu = 100), 'must be >= 1280'],
  ['a node without an ip', (o) => delete o.nodes[0].ip, "must have required property 'ip'"],
  ['no nodes', (o) => (o.nodes = []), 'must NOT have fewer than 1 items'],
  ['a lab name with a space', (o) => (o.name = 'my lab'), 'must match pattern'],
  ['a node ip that is not IPv4', (o) => (o.nodes[0].ip = '10.0.0.256'), 'must match'],
  ['a CIDR without a prefix', (o) => (o.ipPools[0].cidr = '192.168.0.0'), 'must match pattern'],
];

for (const [title, mutate, error] of bad) {
  test(`the JSON Schema rejects ${title}, as calilab does`, (t) => {
    const o = minimal();
    mutate(o);
    t.false(validate(o));
    t.true(ajv.errorsText(validate.errors).includes(error), ajv.errorsText(validate.errors));
    t.throws(() => validateTopology(o, 'bad.yaml'));
  });
}
