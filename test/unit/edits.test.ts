// The topology edits behind `calilab patch` and `calilab pod add|del`, on in-memory lab records:
// no kernel, no state directory.
import test from 'ava';
import { allocate } from '../../src/calico/ipam/ipam.ts';
import type { ExecutionContext } from 'ava';
import { patchedTopology, topologyWithoutPod, topologyWithPod } from '../../src/lab/edits.ts';
import type { LabRecord } from '../../src/lab/state.ts';
import { buildPlan } from '../../src/plan/plan.ts';
import type { Topology } from '../../src/topology/types.ts';
import { TopologyError, validateTopology } from '../../src/topology/validate.ts';
import { doc000, minimal } from './helpers.ts';

const record = (topo: Topology, topologyFile = 'lab.yaml'): LabRecord => ({
  lab: topo.name,
  topologyFile,
  createdAt: '2026-01-01T00:00:00Z',
  topology: topo,
  plan: buildPlan(topo),
  processes: [],
});
const docRec = () => record(doc000(), 'topologies/calico-ipip-3node.yaml');
const POOL = 'default-ipv4-ippool';

function fails(t: ExecutionContext, fn: () => unknown): TopologyError {
  return t.throws(fn, { instanceOf: TopologyError })!;
}
/** The TopologyError of patching doc 000's lab. */
const patchFails = (t: ExecutionContext, kind: string, name: string, patch: string) =>
  fails(t, () => patchedTopology(docRec(), kind, name, patch));
const problem = (field: string, message: string, fix: string) => ({ field, message, fix });
/** doc 000's topology as a live edit sees it: every block and pod address pinned where IPAM put them. */
function pinnedDoc000(file: string): Topology {
  const topo = doc000();
  const alloc = buildPlan(topo).allocation;
  for (const n of topo.nodes) n.blocks = alloc.nodes.find((a) => a.node === n.name)!.blocks.map((b) => b.cidr);
  for (const p of topo.pods) p.ip = alloc.pods.find((a) => a.name === p.name && a.namespace === p.namespace)!.ip;
  return { ...topo, file };
}

test('ippool ipipMode: only that field changes (blocks and pods pinned); the record is not touched', (t) => {
  const rec = docRec();
  const before = JSON.stringify(rec.topology);
  const topo = patchedTopology(rec, 'ippool', POOL, '{"spec":{"ipipMode":"Never"}}');
  t.is(topo.ipPools[0].ipipMode, 'Never');
  const expected = pinnedDoc000(`patch ippool ${POOL}`);
  t.deepEqual(topo, { ...expected, ipPools: [{ ...expected.ipPools[0], ipipMode: 'Never' }] });
  t.is(JSON.stringify(rec.topology), before);
});

test('ippool: switching to VXLAN in one patch, natOutgoing and disabled; "ippools" works too', (t) => {
  const rec = docRec();
  const vx = patchedTopology(rec, 'ippools', POOL, '{"spec":{"ipipMode":"Never","vxlanMode":"CrossSubnet"}}');
  t.deepEqual([vx.ipPools[0].ipipMode, vx.ipPools[0].vxlanMode], ['Never', 'CrossSubnet']);
  t.is(buildPlan(vx).felix[0].vxlan?.mtu, 1450);
  const off = patchedTopology(rec, 'ippool', POOL, '{"spec":{"natOutgoing":false,"disabled":true}}');
  t.deepEqual([off.ipPools[0].natOutgoing, off.ipPools[0].disabled], [false, true]);
  t.deepEqual(buildPlan(off).policy[0].input.masqPools, [], 'no pool left to masquerade from');
  const empty = patchedTopology(rec, 'ippool', POOL, '{"spec":{}}');
  t.is(empty.ipPools[0].ipipMode, 'Always', 'an empty spec changes nothing');
});

test('felixconfiguration default: wireguardEnabled sets wireguard; "felixconfigurations" works too', (t) => {
  const rec = docRec();
  const on = patchedTopology(rec, 'felixconfiguration', 'default', '{"spec":{"wireguardEnabled":true}}');
  t.true(on.wireguard);
  t.deepEqual({ ...on, wireguard: false }, pinnedDoc000('patch felixconfiguration default'));
  t.is(buildPlan(on).felix[0].wireguard?.mtu, 1440);
  const offRec = record(on);
  t.false(patchedTopology(offRec, 'felixconfigurations', 'default', '{"spec":{"wireguardEnabled":false}}').wireguard);
});

test('a patch that is not JSON names the flag and shows a quoted example', (t) => {
  const e = patchFails(t, 'ippool', POOL, "{spec:{ipipMode:'Never'}}");
  t.is(e.file, `patch ippool ${POOL}`);
  t.is(e.problems.length, 1);
  t.is(e.problems[0].field, '-p');
  t.regex(e.problems[0].message, /^is not JSON: /);
  t.is(e.problems[0].fix, `quote it for the shell: -p '{"spec":{"ipipMode":"Never"}}'`);
  t.regex(e.message, /^patch ippool default-ipv4-ippool: -p: is not JSON: .*; fix: quote it for the shell/);
});

test('a patch without a "spec" object is refused', (t) => {
  for (const patch of ['{"ipipMode":"Never"}', 'null', '{"spec":"Never"}', '{"spec":null}']) {
    const e = patchFails(t, 'ippool', POOL, patch);
    t.deepEqual(e.problems, [problem('-p', 'has no "spec" object', `write -p '{"spec":{...}}'`)], patch);
  }
});

test('an unknown pool is refused, listing the pools', (t) => {
  const e = patchFails(t, 'ippool', 'nope', '{"spec":{"ipipMode":"Never"}}');
  t.is(e.message, `patch ippool nope: name: no IPPool named nope; fix: use one of: ${POOL}`);
});

test('a pool field that cannot change on a running lab is refused, listing those that can', (t) => {
  const e = patchFails(t, 'ippool', POOL, '{"spec":{"ipipMode":"Never","cidr":"10.9.0.0/16"}}');
  t.deepEqual(e.problems, [
    problem(
      'spec.cidr',
      'cannot be changed on a running lab',
      'patch one of: ipipMode, vxlanMode, natOutgoing, disabled',
    ),
  ]);
  t.is(e.file, `patch ippool ${POOL}`);
});

test('felixconfiguration: only "default", and only wireguardEnabled and nftablesMode', (t) => {
  const named = patchFails(t, 'felixconfiguration', 'node.k8s-w1', '{"spec":{"wireguardEnabled":true}}');
  t.is(
    named.message,
    'patch felixconfiguration node.k8s-w1: name: no FelixConfiguration named node.k8s-w1; fix: use default',
  );
  const field = patchFails(t, 'felixconfiguration', 'default', '{"spec":{"bpfEnabled":true}}');
  t.deepEqual(field.problems, [
    problem('spec.bpfEnabled', 'is not supported', 'patch one of: wireguardEnabled, nftablesMode'),
  ]);
});

test('an unknown kind is refused, naming what can be patched', (t) => {
  const e = patchFails(t, 'bgpconfiguration', 'default', '{"spec":{"asNumber":65000}}');
  t.is(
    e.message,
    'patch bgpconfiguration default: kind: cannot patch bgpconfiguration; ' +
      'fix: patch ippool NAME or felixconfiguration default',
  );
});

test('both encapsulations on, or a bad value, fails validation with the field and the fix', (t) => {
  const both = patchFails(t, 'ippool', POOL, '{"spec":{"vxlanMode":"Always"}}');
  t.deepEqual(both.problems, [
    problem(
      'ipPools[0]',
      'ipipMode and vxlanMode are both enabled',
      'as in Calico, enable at most one: set the other to Never',
    ),
  ]);
  const mode = patchFails(t, 'ippool', POOL, '{"spec":{"ipipMode":"Sometimes"}}');
  t.deepEqual(mode.problems, [
    problem('ipPools[0].ipipMode', '"Sometimes" is not allowed', 'use one of Always, CrossSubnet, Never'),
  ]);
  const nat = patchFails(t, 'ippool', POOL, '{"spec":{"natOutgoing":"yes"}}');
  t.is(nat.problems[0].field, 'ipPools[0].natOutgoing');
  t.is(nat.problems[0].message, 'must be true or false, got string "yes"');
});

// edits.ts promises "a TopologyError naming the patch and the fix"; the errors found by
// validation name the lab's topology file instead (validateTopology(raw, rec.topologyFile)), so
// the user reads "topologies/calico-ipip-3node.yaml: ipPools[0]: ..." about a file that is fine.
test('a patch refused by validation names the patch, not the unchanged topology file', (t) => {
  const e = patchFails(t, 'ippool', POOL, '{"spec":{"vxlanMode":"Always"}}');
  t.is(e.file, `patch ippool ${POOL}`);
});

// minimal(): n1 (block 192.168.0.0/26, tunl0 .0) and n2 (192.168.0.64/26), nothing pinned.
const minRec = (fn: (o: Record<string, any>) => void = () => {}) => {
  const o = minimal();
  fn(o);
  return record(validateTopology(o, 'min.yaml'), 'min.yaml');
};
const ips = (topo: Topology) => buildPlan(topo).workloads.map((w) => `${w.pod}=${w.ip}`);

test('pod add: every running block and address is pinned; the new pod takes the next free address', (t) => {
  const rec = minRec();
  const topo = topologyWithPod(rec, { name: 'p3', namespace: 'default', node: 'n1' });
  t.is(topo.file, 'pod add p3');
  t.deepEqual(
    topo.nodes.map((n) => n.blocks),
    [['192.168.0.0/26'], ['192.168.0.64/26']],
  );
  t.deepEqual(
    topo.pods.map((p) => [p.name, p.ip]),
    [
      ['p1', '192.168.0.1'],
      ['p2', '192.168.0.65'],
      ['p3', undefined],
    ],
  );
  t.deepEqual(ips(topo), ['p1=192.168.0.1', 'p2=192.168.0.65', 'p3=192.168.0.2']);
});

test('pod add after a pod del: the freed address is reused and the others stay where they are', (t) => {
  const rec = minRec((o) => o.pods.unshift({ name: 'p0', node: 'n1' }));
  t.deepEqual(ips(rec.topology), ['p0=192.168.0.1', 'p1=192.168.0.2', 'p2=192.168.0.65']);
  const without = topologyWithoutPod(rec, 'default', 'p0');
  t.deepEqual(ips(without), ['p1=192.168.0.2', 'p2=192.168.0.65'], 'p1 does not move down to .1');
  const added = topologyWithPod(record(without), { name: 'p3', namespace: 'default', node: 'n1' });
  t.deepEqual(ips(added), ['p1=192.168.0.2', 'p2=192.168.0.65', 'p3=192.168.0.1']);
});

test("pod add with an IP outside the node's blocks claims that block; inside, nothing is claimed", (t) => {
  const rec = minRec();
  const far = topologyWithPod(rec, { name: 'p3', namespace: 'web', node: 'n1', ip: '192.168.5.7' });
  t.deepEqual(far.nodes[0].blocks, ['192.168.0.0/26', '192.168.5.0/26']);
  t.deepEqual(far.pods[2], {
    name: 'p3',
    namespace: 'web',
    node: 'n1',
    ip: '192.168.5.7',
    labels: {},
    serviceAccount: 'default',
    ports: [],
  });
  const plan = buildPlan(far);
  t.deepEqual(plan.nodes[0].blocks, ['192.168.0.0/26', '192.168.5.0/26']);
  t.is(plan.workloads.find((w) => w.pod === 'p3')!.ip, '192.168.5.7');
  const near = topologyWithPod(rec, { name: 'p3', namespace: 'default', node: 'n1', ip: '192.168.0.9' });
  t.deepEqual(near.nodes[0].blocks, ['192.168.0.0/26']);
  t.deepEqual(ips(near), ['p1=192.168.0.1', 'p2=192.168.0.65', 'p3=192.168.0.9']);
});

test('pod add: a pod that exists is an error; the same name in another namespace is not', (t) => {
  const rec = minRec();
  const e = fails(t, () => topologyWithPod(rec, { name: 'p1', namespace: 'default', node: 'n2' }));
  t.is(e.file, 'pod add p1');
  t.deepEqual(e.problems, [
    problem('name', 'pod default/p1 already exists', 'pick another name, or `calilab pod del` it first'),
  ]);
  const other = topologyWithPod(rec, { name: 'p1', namespace: 'kube-system', node: 'n2' });
  t.deepEqual(
    other.pods.map((p) => `${p.namespace}/${p.name}`),
    ['default/p1', 'default/p2', 'kube-system/p1'],
  );
});

test("pod add with an IP in another node's block: not claimed, and the plan refuses it naming the owner", (t) => {
  const topo = topologyWithPod(minRec(), { name: 'p3', namespace: 'default', node: 'n1', ip: '192.168.0.70' });
  t.deepEqual(
    topo.nodes.map((n) => n.blocks),
    [['192.168.0.0/26'], ['192.168.0.64/26']],
  );
  const e = fails(t, () => buildPlan(topo));
  t.is(
    e.message,
    "pod add p3: pods[2].ip: 192.168.0.70 is outside node n1's blocks " +
      '(block 192.168.0.64/26 belongs to node n2); ' +
      "fix: pick an address in n1's blocks, pin that block to n1, or omit ip",
  );
});

test('pod add: an unknown node or an address outside every pool fails validation, naming the pod', (t) => {
  const node = fails(t, () => topologyWithPod(minRec(), { name: 'p3', namespace: 'default', node: 'n9' }));
  t.is(node.message, 'pod add p3: pods[2].node: "n9" is not a node; fix: use one of: n1, n2');
  const spec = { name: 'p3', namespace: 'default', node: 'n1', ip: '10.99.0.1' };
  const ip = fails(t, () => topologyWithPod(minRec(), spec));
  t.deepEqual(ip.problems, [
    problem('pods[2].ip', '10.99.0.1 is outside every IPPool', 'pick an address in 192.168.0.0/16'),
  ]);
});

test('pod del removes the pod and pins the rest; an unknown pod is an error listing the pods', (t) => {
  const rec = minRec();
  const topo = topologyWithoutPod(rec, 'default', 'p1');
  t.is(topo.file, 'pod del p1');
  t.deepEqual(topo.pods, [
    {
      name: 'p2',
      namespace: 'default',
      node: 'n2',
      ip: '192.168.0.65',
      labels: {},
      serviceAccount: 'default',
      ports: [],
    },
  ]);
  t.deepEqual(
    topo.nodes.map((n) => n.blocks),
    [['192.168.0.0/26'], ['192.168.0.64/26']],
    'n1 keeps its block',
  );
  const e = fails(t, () => topologyWithoutPod(rec, 'kube-system', 'p1'));
  t.is(e.message, 'pod del p1: name: no pod kube-system/p1; fix: use one of: default/p1, default/p2');
});

test('disabling the pool running pods came from moves none of them; tunnel addresses move', (t) => {
  const two = minimal();
  two.ipPools.push({ name: 'second', cidr: '10.244.0.0/16' });
  const topo = validateTopology(two, 'two.yaml');
  const rec = record(topo);
  const off = patchedTopology(rec, 'ippool', topo.ipPools[0].name, '{"spec":{"disabled":true}}');
  const after = allocate(off, rec.plan.allocation);
  t.deepEqual(after.pods, rec.plan.allocation.pods);
  // allocateip.go:336-339: a tunnel address in a pool that no longer qualifies is released and
  // a new one assigned from an enabled pool, which claims each node a block there.
  t.deepEqual(
    after.nodes.map((n) => [n.ipipTunnelAddress, n.blocks.map((b) => b.cidr)]),
    [
      ['10.244.0.0', ['192.168.0.0/26', '10.244.0.0/26']],
      ['10.244.0.64', ['192.168.0.64/26', '10.244.0.64/26']],
    ],
  );
  t.deepEqual(after.blocks[0].unallocated.slice(-1), [0], "the released address goes to the back of n1's free list");
});
