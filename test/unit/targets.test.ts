// resolveTarget: what the user names on the command line, resolved to the namespace that
// emulates it, on an in-memory lab record.
import test from 'ava';
import { LabStateError, type LabRecord } from '../../src/lab/state.ts';
import { resolveTarget } from '../../src/lab/targets.ts';
import { buildPlan } from '../../src/plan/plan.ts';
import { validateTopology } from '../../src/topology/validate.ts';
import { minimal } from './helpers.ts';

/** minimal() plus "web" in namespaces a and b, a pod named like node n1, and an outside host. */
function lab(): LabRecord {
  const o = minimal();
  o.pods.push(
    { name: 'web', namespace: 'a', node: 'n1' },
    { name: 'web', namespace: 'b', node: 'n2' },
    { name: 'n1', namespace: 'tricky', node: 'n2' },
  );
  o.outside = [{ name: 'internet', ip: '203.0.113.10' }];
  const topology = validateTopology(o, 'lab.yaml');
  return {
    lab: 'lab',
    topologyFile: 'lab.yaml',
    createdAt: '2026-01-01T00:00:00Z',
    topology,
    plan: buildPlan(topology),
    processes: [],
  };
}
const rec = lab();
// Addresses: n1 holds 192.168.0.0/26 (p1 .1, web a .2), n2 192.168.0.64/26 (p2 .65, web b .66, tricky/n1 .67).

test('a node by name and by IP', (t) => {
  t.deepEqual(resolveTarget(rec, 'n1'), { kind: 'node', name: 'n1', netns: 'lab-node-n1', ip: '10.0.0.10' });
  t.deepEqual(resolveTarget(rec, '10.0.0.11'), { kind: 'node', name: 'n2', netns: 'lab-node-n2', ip: '10.0.0.11' });
});

test('a pod by name, by namespace/name and by IP', (t) => {
  const p1 = { kind: 'pod', name: 'default/p1', netns: 'lab-pod-default.p1', ip: '192.168.0.1' };
  t.deepEqual(resolveTarget(rec, 'p1'), p1);
  t.deepEqual(resolveTarget(rec, 'default/p1'), p1);
  t.deepEqual(resolveTarget(rec, '192.168.0.1'), p1);
  t.deepEqual(resolveTarget(rec, '192.168.0.66'), {
    kind: 'pod',
    name: 'b/web',
    netns: 'lab-pod-b.web',
    ip: '192.168.0.66',
  });
});

test('a pod name used in two namespaces is ambiguous; namespace/name picks one', (t) => {
  const e = t.throws(() => resolveTarget(rec, 'web'), { instanceOf: LabStateError });
  t.is(e!.message, '"web" names several pods; write it as <namespace>/<pod>');
  t.deepEqual(resolveTarget(rec, 'a/web'), { kind: 'pod', name: 'a/web', netns: 'lab-pod-a.web', ip: '192.168.0.2' });
});

test('a node wins over a pod of the same name; namespace/name still reaches the pod', (t) => {
  t.is(resolveTarget(rec, 'n1').kind, 'node');
  t.deepEqual(resolveTarget(rec, 'tricky/n1'), {
    kind: 'pod',
    name: 'tricky/n1',
    netns: 'lab-pod-tricky.n1',
    ip: '192.168.0.67',
  });
});

test('the router has a namespace but no single address', (t) => {
  t.deepEqual(resolveTarget(rec, 'router'), { kind: 'router', name: 'router', netns: 'lab-router' });
});

test('an outside host by name and by IP', (t) => {
  const host = { kind: 'outside', name: 'internet', netns: 'lab-outside-internet', ip: '203.0.113.10' };
  t.deepEqual(resolveTarget(rec, 'internet'), host);
  t.deepEqual(resolveTarget(rec, '203.0.113.10'), host);
});

test('an unknown name is an error listing the nodes, pods, router and hosts', (t) => {
  for (const what of ['nope', '10.0.0.99', 'default/web', 'Router']) {
    const e = t.throws(() => resolveTarget(rec, what), { instanceOf: LabStateError });
    const [head, known] = e!.message.split('; known: ');
    t.is(head, `"${what}" is not a node, pod or host of lab lab`);
    // A pod whose bare name is taken (two namespaces, or a node's name) is listed as namespace/name.
    t.deepEqual(known.split(', '), ['n1', 'n2', 'p1', 'p2', 'a/web', 'b/web', 'tricky/n1', 'router', 'internet']);
  }
});
