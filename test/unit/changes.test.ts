// calicoctl apply | create | replace | delete as topology edits (src/calico/calicoctl/changes.ts),
// on an in-memory lab record: no kernel.
import test from 'ava';
import {
  bumpedVersions,
  type LabResource,
  type ResourceDoc,
  ResourceError,
  resourceChanges,
} from '../../src/calico/calicoctl/changes.ts';
import type { LabRecord } from '../../src/lab/state.ts';
import { buildPlan } from '../../src/plan/plan.ts';
import { TopologyError } from '../../src/topology/validate.ts';
import { doc000 } from './helpers.ts';

const rec = (): LabRecord => {
  const topo = doc000();
  return {
    lab: topo.name,
    topologyFile: 'x.yaml',
    createdAt: '2026-01-01T00:00:00Z',
    topology: topo,
    plan: buildPlan(topo),
    processes: [],
  };
};
const POOL_SPEC = {
  allowedUses: ['Workload', 'Tunnel'],
  assignmentMode: 'Automatic',
  blockSize: 26,
  cidr: '10.8.0.0/16',
  ipipMode: 'Always',
  natOutgoing: true,
  nodeSelector: 'all()',
  vxlanMode: 'Never',
};
const current: LabResource[] = [
  { kind: 'IPPool', metadata: { name: 'default-ipv4-ippool', resourceVersion: '1' }, spec: POOL_SPEC },
  { kind: 'FelixConfiguration', metadata: { name: 'default' }, spec: { bpfEnabled: false, logSeverityScreen: 'Info' } },
  { kind: 'BGPConfiguration', metadata: { name: 'default' }, spec: { asNumber: 64512, nodeToNodeMeshEnabled: true } },
  { kind: 'Node', metadata: { name: 'k8s-w1' }, spec: { bgp: { ipv4Address: '10.10.20.4/22' } } },
  { kind: 'WorkloadEndpoint', metadata: { name: 'w', namespace: 'default' }, spec: {} },
];
const doc = (kind: string, name: string, spec: Record<string, unknown>, metadata = {}): ResourceDoc => ({
  kind,
  name,
  object: { apiVersion: 'projectcalico.org/v3', kind, metadata: { name, ...metadata }, spec },
  doc: 1,
});

test("doc 003's line: the pool as get printed it, ipipMode Never, applies as one change", (t) => {
  const r = resourceChanges(
    rec(),
    current,
    [doc('IPPool', 'default-ipv4-ippool', { ...POOL_SPEC, ipipMode: 'Never' }, { resourceVersion: '1', uid: 'x' })],
    'apply',
    '-',
  );
  t.is(r.topology.ipPools[0].ipipMode, 'Never');
  t.is(r.message, "Successfully applied 1 'IPPool' resource(s)");
  t.deepEqual(r.changed, ['IPPool(default-ipv4-ippool)']);
  t.deepEqual(
    r.topology.pods.map((p) => p.ip),
    ['10.8.170.65', '10.8.170.66', '10.8.170.67', '10.8.247.196', '10.8.94.70'],
  );
});

test('applying what is there changes nothing; fields left out take Calico defaults', (t) => {
  const same = resourceChanges(rec(), current, [doc('IPPool', 'default-ipv4-ippool', POOL_SPEC)], 'apply', 'f');
  t.deepEqual(same.changed, []);
  const minimal = { cidr: '10.8.0.0/16', ipipMode: 'Always' }; // natOutgoing left out: false
  const r = resourceChanges(rec(), current, [doc('IPPool', 'default-ipv4-ippool', minimal)], 'apply', 'f');
  t.false(r.topology.ipPools[0].natOutgoing);
});

test('a field a running lab cannot follow is refused, naming the document, the field and the fix', (t) => {
  const e = t.throws(
    () =>
      resourceChanges(
        rec(),
        current,
        [doc('IPPool', 'default-ipv4-ippool', { ...POOL_SPEC, cidr: '10.9.0.0/16' })],
        'apply',
        'pool.yaml',
      ),
    { instanceOf: TopologyError },
  )!;
  t.regex(
    e.message,
    new RegExp(
      /^pool\.yaml: document 1 \(IPPool default-ipv4-ippool\): spec\.cidr: cannot be changed on a running lab /.source +
        /\(IPPool CIDR cannot be modified\); fix: change only ipipMode/.source,
    ),
  );
});

test('create: an existing resource, or one carrying a resourceVersion, fails as calicoctl says', (t) => {
  const e = t.throws(
    () => resourceChanges(rec(), current, [doc('IPPool', 'default-ipv4-ippool', POOL_SPEC)], 'create', '-'),
    {
      instanceOf: ResourceError,
    },
  )!;
  t.is(e.message, "Failed to create 'IPPool' resource: [resource already exists: IPPool(default-ipv4-ippool)]");
  const rv = t.throws(
    () =>
      resourceChanges(
        rec(),
        current,
        [doc('IPPool', 'new', { cidr: '10.9.0.0/16' }, { resourceVersion: '5' })],
        'create',
        '-',
      ),
    { instanceOf: ResourceError },
  )!;
  t.regex(rv.message, /field must not be set for a Create request/);
});

test('a new pool is created; an unused pool deleted; a pool in use is refused', (t) => {
  const r = resourceChanges(
    rec(),
    current,
    [doc('IPPool', 'extra', { cidr: '10.9.0.0/16', vxlanMode: 'Always' })],
    'create',
    '-',
  );
  t.deepEqual(
    r.topology.ipPools.map((p) => [p.name, p.ipipMode, p.vxlanMode]),
    [
      ['default-ipv4-ippool', 'Always', 'Never'],
      ['extra', 'Never', 'Always'],
    ],
  );
  const e = t.throws(() => resourceChanges(rec(), current, [doc('IPPool', 'default-ipv4-ippool', {})], 'delete', '-'), {
    instanceOf: TopologyError,
  })!;
  t.regex(e.message, /has addresses in use in 10\.8\.170\.64\/26/);
});

test('replace or delete of a missing resource, and a stale resourceVersion, fail as calicoctl says', (t) => {
  t.throws(() => resourceChanges(rec(), current, [doc('IPPool', 'nope', { cidr: '10.9.0.0/16' })], 'replace', '-'), {
    message:
      "Failed to replace 'IPPool' resource: " +
      '[resource does not exist: IPPool(nope) with error: ippools "nope" not found]',
  });
  t.throws(
    () =>
      resourceChanges(
        rec(),
        current,
        [doc('IPPool', 'default-ipv4-ippool', POOL_SPEC, { resourceVersion: '0' })],
        'apply',
        '-',
      ),
    { message: "Failed to apply 'IPPool' resource: [update conflict: IPPool(default-ipv4-ippool)]" },
  );
});

test('FelixConfiguration wireguardEnabled and BGPConfiguration nodeToNodeMeshEnabled follow live', (t) => {
  const r = resourceChanges(
    rec(),
    current,
    [
      doc('FelixConfiguration', 'default', { bpfEnabled: false, logSeverityScreen: 'Info', wireguardEnabled: true }),
      doc('BGPConfiguration', 'default', { asNumber: 64512, nodeToNodeMeshEnabled: false }),
    ],
    'apply',
    '-',
  );
  t.true(r.topology.wireguard);
  t.false(r.topology.bgp.nodeToNodeMesh);
  t.is(r.message, 'Successfully applied 2 resource(s)');
  t.throws(() => resourceChanges(rec(), current, [doc('FelixConfiguration', 'node.k8s-w1', {})], 'apply', '-'), {
    message: /calilab runs one FelixConfiguration, "default"/,
  });
});

test('resources Calico writes itself apply only unchanged; a WorkloadEndpoint points to pod add|del', (t) => {
  const node = doc('Node', 'k8s-w1', { bgp: { ipv4Address: '10.10.20.4/22' } });
  t.deepEqual(resourceChanges(rec(), current, [node], 'apply', '-').changed, []);
  const moved = doc('Node', 'k8s-w1', { bgp: { ipv4Address: '10.10.20.9/22' } });
  t.throws(() => resourceChanges(rec(), current, [moved], 'apply', '-'), {
    message: /spec\.bgp: cannot be changed .*calico-node writes it/,
  });
  t.throws(() => resourceChanges(rec(), current, [doc('WorkloadEndpoint', 'w', {})], 'delete', '-'), {
    message: /pod add \| pod del/,
  });
});

test('bumpedVersions: every changed resource gets the next revision', (t) => {
  const r = { ...rec(), resourceVersions: { 'IPPool/a': '3' } };
  t.deepEqual(bumpedVersions(r, ['IPPool(default-ipv4-ippool)']), {
    'IPPool/a': '3',
    'IPPool/default-ipv4-ippool': '4',
  });
});
