// `calilab get` and `calilab apply` as a user runs them, on a lab record in a throwaway state
// root (no kernel): calicoctl's outputs, doc 003's get | sed | apply line where nothing has to
// change in the kernel, and bad input with the file, document, field and fix.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { execa } from 'execa';
import { buildPlan } from '../../src/plan/plan.ts';
import { loadTopology } from '../../src/topology/load.ts';

const root = mkdtempSync(join(tmpdir(), 'calilab-res-'));
const topology = loadTopology('topologies/kans-4node.yaml');
const plan = { ...buildPlan(topology), stateDir: join(root, topology.name) };
mkdirSync(plan.stateDir, { recursive: true });
const record = {
  lab: topology.name,
  topologyFile: 'topologies/kans-4node.yaml',
  createdAt: '2026-11-26T00:00:00.000Z',
};
writeFileSync(join(plan.stateDir, 'lab.json'), JSON.stringify({ ...record, topology, plan, processes: [] }));

const calilab = (args: string[], input?: string) =>
  execa('node', ['bin/calilab.js', ...args], {
    reject: false,
    input,
    env: { NO_COLOR: '1', CALILAB_STATE_ROOT: root },
  });

test('get ippool -o wide: calicoctl 3.28 columns, every cell padded, a blank line after the table', async (t) => {
  const r = await calilab(['get', 'ippool', '-o', 'wide']);
  t.is(r.exitCode, 0, r.stderr);
  t.is(
    r.stdout.replace(/ +$/gm, ''),
    'NAME                  CIDR            NAT    IPIPMODE   VXLANMODE   DISABLED   DISABLEBGPEXPORT   SELECTOR\n' +
      'default-ipv4-ippool   172.16.0.0/16   true   Always     Never       false      false              all()\n',
  );
  t.regex(r.stdout, /all\(\) {6}\n?$/, 'the last cell padded too (execa strips the final newline)');
});

test('get nodes -o wide and get wep -A, in calicoctl layout', async (t) => {
  const nodes = await calilab(['get', 'nodes', '-o', 'wide']);
  t.regex(nodes.stdout, /^NAME {5}ASN {7}IPV4 {16}IPV6 {3}\n/);
  t.regex(nodes.stdout, /^k8s-w1 {3}\(64512\) {3}192\.168\.10\.101\/24 {3}/m);
  const weps = await calilab(['get', 'wep', '-A']);
  t.regex(weps.stdout, /^NAMESPACE {3}WORKLOAD {3}NODE {5}NETWORKS {10}INTERFACE {9}\n/);
  t.regex(weps.stdout, /^default {5}pod1 {7}k8s-w1 {3}172\.16\.158\.3\/32 {3}calice0906292e2 {3}$/m);
});

test('get ippool NAME -o yaml prints the resource bare; a missing name prints null and exits 1', async (t) => {
  const r = await calilab(['get', 'ippool', 'default-ipv4-ippool', '-o', 'yaml']);
  t.regex(
    r.stdout,
    /^apiVersion: projectcalico\.org\/v3\nkind: IPPool\nmetadata:\n {2}creationTimestamp: "2026-11-26T00:00:00Z"\n/,
  );
  t.regex(r.stdout, /\n {2}ipipMode: Always\n/);
  const missing = await calilab(['get', 'ippool', 'nope', '-o', 'yaml']);
  t.is(missing.stdout, 'null');
  t.is(missing.exitCode, 1);
  t.regex(missing.stderr, /resource does not exist: IPPool\(nope\)/);
});

test("doc 003's line verbatim, with nothing to change: get | sed | apply -f - succeeds as calicoctl", async (t) => {
  const yaml = (await calilab(['get', 'ippool', 'default-ipv4-ippool', '-o', 'yaml'])).stdout;
  const r = await calilab(['apply', '-f', '-'], yaml.replace('ipipMode: Always', 'ipipMode: Always'));
  t.is(r.exitCode, 0, r.stderr);
  t.is(r.stdout, "Successfully applied 1 'IPPool' resource(s)");
});

test('bad resources exit 2 naming the input, the document, the field and the fix; the lab is untouched', async (t) => {
  const yaml = (await calilab(['get', 'ippool', 'default-ipv4-ippool', '-o', 'yaml'])).stdout;
  const bad = await calilab(['apply', '-f', '-'], yaml.replace('ipipMode: Always', 'ipipMode: Sometimes'));
  t.is(bad.exitCode, 2);
  t.regex(bad.stderr, /-: document 1 \(IPPool default-ipv4-ippool\): spec\.ipipMode: .*Sometimes.*; fix: /);
  const cidr = await calilab(['apply', '-f', '-'], yaml.replace('cidr: 172.16.0.0/16', 'cidr: 172.17.0.0/16'));
  t.is(cidr.exitCode, 2);
  t.regex(cidr.stderr, /spec\.cidr/);
  const unknown = await calilab(
    ['apply', '-f', '-'],
    'apiVersion: projectcalico.org/v3\nkind: Foo\nmetadata: {name: x}\n',
  );
  t.is(unknown.exitCode, 2);
  t.regex(unknown.stderr, /Unknown resource type \(Foo\) and\/or version \(projectcalico\.org\/v3\)/);
  const create = await calilab(['create', '-f', '-'], yaml.replace(/ {2}resourceVersion: .*\n/, ''));
  t.is(create.exitCode, 1);
  t.regex(
    create.stderr,
    /Failed to create 'IPPool' resource: \[resource already exists: IPPool\(default-ipv4-ippool\)\]/,
  );
});

// A second lab, in its own state root: policy-4node, for the policy commands.
const policyRoot = mkdtempSync(join(tmpdir(), 'calilab-pol-'));
const policyTopology = loadTopology('topologies/policy-4node.yaml');
const policyPlan = { ...buildPlan(policyTopology), stateDir: join(policyRoot, policyTopology.name) };
mkdirSync(policyPlan.stateDir, { recursive: true });
writeFileSync(
  join(policyPlan.stateDir, 'lab.json'),
  JSON.stringify({ ...record, lab: policyTopology.name, topology: policyTopology, plan: policyPlan, processes: [] }),
);
const policyCli = (args: string[], input?: string) =>
  execa('node', ['bin/calilab.js', ...args], {
    reject: false,
    input,
    env: { NO_COLOR: '1', CALILAB_STATE_ROOT: policyRoot },
  });

test('get networkpolicy -A -o wide and get gnp: calicoctl 3.30 columns, Kubernetes ones as knp.default.', async (t) => {
  const np = await policyCli(['get', 'networkpolicy', '-A', '-o', 'wide']);
  t.is(np.exitCode, 0, np.stderr);
  t.regex(np.stdout, /^NAMESPACE +NAME +TIER +ORDER +SELECTOR +\n/);
  t.regex(np.stdout, /^data +knp\.default\.allow-api-to-db +default +1000 +projectcalico\.org\/orchestrator == 'k8s'/m);
  const gnp = await policyCli(['get', 'gnp', 'backend-no-icmp', '-o', 'yaml']);
  t.regex(gnp.stdout, /^kind: GlobalNetworkPolicy\n/m);
  t.regex(gnp.stdout, /\n {2}order: 10\n/);
});

test('apply -f - of a bad policy: document, field and fix (exit 2); deleting a missing one: NotFound', async (t) => {
  const bad = [
    'apiVersion: networking.k8s.io/v1',
    'kind: NetworkPolicy',
    'metadata: {name: x, namespace: data}',
    'spec: {podSelector: {}, ingress: [{ports: [{port: 0}]}]}',
  ].join('\n');
  const r = await policyCli(['apply', '-f', '-'], bad);
  t.is(r.exitCode, 2, r.stderr);
  t.regex(r.stderr, /^calilab: - document 1: spec\.ingress\[0\]\.ports\[0\]\.port: 0 is not a port; write /);
  const gone = await policyCli(['delete', '-f', '-'], bad.replace('port: 0', 'port: 80'));
  t.is(gone.exitCode, 1);
  t.regex(gone.stderr, /Error from server \(NotFound\): networkpolicies\.networking\.k8s\.io "x" not found/);
  const named = await policyCli(['delete', 'networkpolicy', 'nope', '-n', 'data']);
  t.is(named.exitCode, 1);
  t.regex(named.stderr, /resource does not exist: NetworkPolicy\(data\/nope\)/);
});
