// calicoctl's projectcalico.org/v3 resources as a lab shows them (src/calico/calicoctl/resources.ts),
// their printers (printers.ts, yaml-v2.ts: checked against the real Go libraries' output stored in
// fixtures/calicoctl-printers.json), their CRD validation (crd.ts) and `apply -f` input (input.ts).
import { readFileSync } from 'node:fs';
import test from 'ava';
import { caseFold, isCidr, validateResource } from '../../src/calico/calicoctl/crd.ts';
import {
  MAX_DOCUMENT_BYTES,
  parseResourceDocuments,
  ResourceInputError,
  splitDocuments,
  unknownFieldsMessage,
} from '../../src/calico/calicoctl/input.ts';
import {
  calicoctlJson,
  calicoctlYaml,
  configAsNumber,
  listResource,
  resourceTable,
  TableError,
  tabwriter,
} from '../../src/calico/calicoctl/printers.ts';
import {
  type CalicoResource,
  cidrToName,
  findResource,
  KIND_ALIASES,
  labResources,
  RESOURCE_KINDS,
  resolveKind,
  resourceUid,
  workloadEndpointName,
} from '../../src/calico/calicoctl/resources.ts';
import type { LabRecord } from '../../src/lab/state.ts';
import { buildPlan } from '../../src/plan/plan.ts';
import { loadTopology, parseTopology } from '../../src/topology/load.ts';
import type { Topology } from '../../src/topology/types.ts';
import { labRecord } from './lab-record.ts';

const record = (topology: Topology, extra: Partial<LabRecord> = {}): LabRecord => ({
  lab: topology.name,
  topologyFile: topology.file,
  createdAt: '2025-06-01T12:00:00.123Z',
  topology,
  plan: buildPlan(topology),
  processes: [],
  ...extra,
});

const kans = () => record(loadTopology('topologies/kans-4node.yaml'));
const kindWireguard = () => record({ ...loadTopology('topologies/kind-vxlan-3node.yaml'), wireguard: true });
const KEY = 'qZ3m0a3G9Hk2t0d3sWlI2d2L3Ue1s0p8y1i3XkQ9qW0=';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/calicoctl-printers.json', import.meta.url), 'utf8'));

// ---- printers against the real Go libraries -------------------------------------------------

test('calicoctlYaml is byte-identical to go-yaml-wrapper + yaml.v2 on the whole corpus', (t) => {
  const cases = (fixture.yaml as { value: unknown; go: string }[]).filter((c) => !c.go.startsWith('ERR'));
  t.true(cases.length > 300);
  const wrong = cases.filter((c) => calicoctlYaml(c.value) !== c.go);
  t.deepEqual(
    wrong.map((c) => ({ value: c.value, go: c.go, ts: calicoctlYaml(c.value) })),
    [],
  );
});

test('the yaml.v2 quoting corpus: what reads as another type is quoted, the rest stays plain', (t) => {
  const line = (v: string) => calicoctlYaml({ v }).slice(3, -1);
  for (const s of ['1234', '1.5', 'true', 'no', 'y', 'Off', '~', 'null', '', '2025-06-01T12:00:00Z', '1:20', '0x1F'])
    t.is(line(s), JSON.stringify(s), s);
  t.is(line('*'), "'*'");
  t.is(line('- a'), "'- a'");
  t.is(line('a: b'), "'a: b'");
  for (const s of ['all()', "foo == 'bar'", '192.168.0.0/16', 'fd00::/64', '66:0e:aa:bb:cc:dd', 'host:k8s-w1', 'a:b'])
    t.is(line(s), s, s);
  t.is(line('66:12:34:55:10:20'), '"66:12:34:55:10:20"'); // reads as a base-60 float
  t.is(calicoctlYaml({ v: 'a\nb' }), 'v: |-\n  a\n  b\n');
  t.is(
    calicoctlYaml({ allowedUses: ['Workload', 'Tunnel'], e: [], m: {} }),
    'allowedUses:\n- Workload\n- Tunnel\ne: []\nm: {}\n',
  );
});

test('calicoctlJson escapes as go-json does (<, >, &, U+2028, \\b, \\f)', (t) => {
  const goOrder = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(goOrder)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
              .map((k) => [k, goOrder((v as any)[k])]),
          )
        : v;
  for (const c of fixture.json as { value: unknown; go: string }[]) t.is(calicoctlJson(goOrder(c.value)), c.go);
});

test('tabwriter lays out cells as text/tabwriter (5, 1, 3, " ", 0) with every cell padded', (t) => {
  for (const c of fixture.tab as { rows: string[][]; go: string }[]) t.is(tabwriter(c.rows), c.go);
  t.is(
    tabwriter([
      ['NAME', 'CIDR', 'SELECTOR'],
      ['ippool-name1', '10.0.1.0/24', "foo == 'bar'"],
    ]),
    "NAME           CIDR          SELECTOR       \nippool-name1   10.0.1.0/24   foo == 'bar'   \n\n",
  );
  t.is(tabwriter([['NAME', 'CIDR', 'SELECTOR']]), 'NAME   CIDR   SELECTOR   \n\n');
});

// ---- the IPPool sample of the research notes -------------------------------------------------

const SAMPLE_TOPOLOGY = `
name: sample
underlay: {subnets: [{cidr: 10.0.0.0/24, gateway: 10.0.0.1}]}
nodes: [{name: node1, ip: 10.0.0.11}]
ipPools: [{cidr: 192.168.0.0/16, ipipMode: Always, natOutgoing: true}]
`;

function samplePool(version = '3.30'): CalicoResource {
  const topology = { ...parseTopology(SAMPLE_TOPOLOGY, 'sample.yaml'), calicoVersion: version as '3.30' };
  const rec = record(topology, { resourceVersions: { 'IPPool/default-ipv4-ippool': '1234' } });
  const pool = findResource(labResources(rec), 'IPPool', 'default-ipv4-ippool')!;
  pool.metadata.uid = '7d3f6c1e-2b8a-4c55-9a1f-0e6b3c2d4f10';
  return pool;
}

test("get ippool -o yaml prints the research notes' sample byte for byte", (t) => {
  t.is(
    calicoctlYaml(samplePool()),
    `apiVersion: projectcalico.org/v3
kind: IPPool
metadata:
  creationTimestamp: "2025-06-01T12:00:00Z"
  name: default-ipv4-ippool
  resourceVersion: "1234"
  uid: 7d3f6c1e-2b8a-4c55-9a1f-0e6b3c2d4f10
spec:
  allowedUses:
  - Workload
  - Tunnel
  assignmentMode: Automatic
  blockSize: 26
  cidr: 192.168.0.0/16
  ipipMode: Always
  natOutgoing: true
  nodeSelector: all()
  vxlanMode: Never
`,
  );
  t.false(calicoctlYaml(samplePool('3.28')).includes('assignmentMode'));
});

test('get ippool -o json keeps Go struct order with 2-space indent', (t) => {
  t.is(
    calicoctlJson(samplePool()),
    `{
  "kind": "IPPool",
  "apiVersion": "projectcalico.org/v3",
  "metadata": {
    "name": "default-ipv4-ippool",
    "uid": "7d3f6c1e-2b8a-4c55-9a1f-0e6b3c2d4f10",
    "resourceVersion": "1234",
    "creationTimestamp": "2025-06-01T12:00:00Z"
  },
  "spec": {
    "cidr": "192.168.0.0/16",
    "vxlanMode": "Never",
    "ipipMode": "Always",
    "natOutgoing": true,
    "blockSize": 26,
    "nodeSelector": "all()",
    "allowedUses": [
      "Workload",
      "Tunnel"
    ],
    "assignmentMode": "Automatic"
  }
}
`,
  );
});

test('get ippool without a name prints an IPPoolList; an empty one has items: []', (t) => {
  const out = calicoctlYaml(listResource('IPPool', [samplePool()], '5678'));
  t.true(
    out.startsWith('apiVersion: projectcalico.org/v3\nitems:\n- apiVersion: projectcalico.org/v3\n  kind: IPPool\n'),
  );
  t.true(out.endsWith('    vxlanMode: Never\nkind: IPPoolList\nmetadata:\n  resourceVersion: "5678"\n'));
  t.is(
    calicoctlYaml(listResource('BGPPeer', [], '7')),
    'apiVersion: projectcalico.org/v3\nitems: []\nkind: BGPPeerList\nmetadata:\n  resourceVersion: "7"\n',
  );
  t.deepEqual(Object.keys(listResource('IPPool', [], '1')), ['kind', 'apiVersion', 'metadata', 'items']);
});

// ---- the lab's resources ----------------------------------------------------------------------

test('kans-4node: every resource validates against its CRD', (t) => {
  const res = labResources(kans());
  t.deepEqual(
    [...new Set(res.map((r) => r.kind))],
    RESOURCE_KINDS.filter((k) => !['BGPPeer', 'NetworkPolicy', 'GlobalNetworkPolicy'].includes(k)),
  );
  for (const r of res) t.deepEqual(validateResource(r, 'kans-4node'), [], `${r.kind} ${r.metadata.name}`);
});

test('policy-4node: every policy, Kubernetes ones converted, validates against Calico 3.32.1 CRDs', (t) => {
  const res = labResources(labRecord('topologies/policy-4node.yaml'));
  const policies = res.filter((r) => r.kind.endsWith('NetworkPolicy'));
  t.deepEqual(
    policies.map((r) => `${r.kind} ${r.metadata.namespace ?? ''}/${r.metadata.name}`),
    [
      'NetworkPolicy data/cache-from-data',
      'NetworkPolicy data/knp.default.allow-api-to-db',
      'NetworkPolicy data/knp.default.default-deny',
      'GlobalNetworkPolicy /backend-no-icmp',
    ],
  );
  for (const r of policies) t.deepEqual(validateResource(r, 'policy-4node'), [], `${r.kind} ${r.metadata.name}`);
});

test('kind-vxlan-3node with WireGuard: every resource validates, Node shows the VXLAN and WireGuard addresses', (t) => {
  const rec = kindWireguard();
  const res = labResources(rec, new Map([['pod-network-worker', KEY]]));
  for (const r of res) t.deepEqual(validateResource(r, 'kind-vxlan-3node'), [], `${r.kind} ${r.metadata.name}`);
  const felix = findResource(res, 'FelixConfiguration', 'default')!;
  t.is(felix.spec.wireguardEnabled, true);
  const node = findResource(res, 'Node', 'pod-network-worker')!;
  const a = rec.plan.allocation.nodes.find((n) => n.node === 'pod-network-worker')!;
  t.is(node.spec.ipv4VXLANTunnelAddr, a.vxlanTunnelAddress!);
  t.false('vxlanTunnelMACAddr' in node.spec); // Linux calico-node never writes it
  t.deepEqual(node.spec.wireguard, { interfaceIPv4Address: a.wireguardAddress! });
  t.deepEqual(node.status, { wireguardPublicKey: KEY });
  t.deepEqual(findResource(res, 'Node', 'pod-network-worker2')!.status, {});
  t.false('ipv4IPIPTunnelAddr' in (node.spec.bgp as object));
});

test('Node, WorkloadEndpoint, IPAMBlock and BlockAffinity of kans-4node', (t) => {
  const rec = kans();
  const res = labResources(rec);
  const node = findResource(res, 'Node', 'k8s-w1')!;
  t.deepEqual(node.spec.bgp, { ipv4Address: '192.168.10.101/24', ipv4IPIPTunnelAddr: '172.16.158.0' });
  t.deepEqual(node.spec.addresses, [
    { address: '192.168.10.101/24', type: 'CalicoNodeIP' },
    { address: '192.168.10.101', type: 'InternalIP' },
  ]);
  t.is(JSON.parse(node.metadata.annotations!['projectcalico.org/kube-labels'])['kubernetes.io/hostname'], 'k8s-w1');
  const wep = findResource(res, 'WorkloadEndpoint', 'k8s--w1-k8s-pod1-eth0', 'default')!;
  t.deepEqual(Object.keys(wep.spec), [
    'orchestrator',
    'node',
    'containerID',
    'pod',
    'endpoint',
    'serviceAccountName',
    'ipNetworks',
    'profiles',
    'interfaceName',
  ]);
  t.deepEqual(wep.spec.profiles, ['kns.default', 'ksa.default.default']);
  t.deepEqual(wep.spec.ipNetworks, ['172.16.158.3/32']);
  const block = findResource(res, 'IPAMBlock', '172-16-158-0-24')!;
  const allocations = block.spec.allocations as (number | null)[];
  t.is(allocations.length, 256);
  t.is(block.spec.affinity, 'host:k8s-w1');
  const attributes = block.spec.attributes as any[];
  t.deepEqual(attributes[allocations[0]!], {
    handle_id: 'ipip-tunnel-addr-k8s-w1',
    secondary: { node: 'k8s-w1', type: 'ipipTunnelAddress' },
  });
  t.is(attributes[allocations[3]!].secondary.pod, 'pod1');
  t.is(attributes[allocations[3]!].secondary.timestamp, '2025-06-01 12:00:00.123 +0000 UTC');
  const free = rec.plan.allocation.blocks.find((b) => b.cidr === '172.16.158.0/24')!.unallocated;
  t.deepEqual(block.spec.unallocated, free);
  t.is(allocations.filter((x) => x === null).length, free.length);
  const affinity = findResource(res, 'BlockAffinity', 'k8s-w1-172-16-158-0-24')!;
  t.deepEqual(affinity.spec, {
    state: 'confirmed',
    node: 'k8s-w1',
    type: 'host',
    cidr: '172.16.158.0/24',
    deleted: false,
  });
});

test('metadata: deterministic v4-looking uid, resourceVersion from the record, RFC 3339 seconds', (t) => {
  const rec = kans();
  rec.resourceVersions = { 'FelixConfiguration/default': '7', 'WorkloadEndpoint/default/k8s--w0-k8s-pod4-eth0': '9' };
  const res = labResources(rec);
  const felix = findResource(res, 'FelixConfiguration', 'default')!;
  t.is(felix.metadata.resourceVersion, '7');
  t.is(findResource(res, 'WorkloadEndpoint', 'k8s--w0-k8s-pod4-eth0')!.metadata.resourceVersion, '9');
  t.is(findResource(res, 'IPPool', 'default-ipv4-ippool')!.metadata.resourceVersion, '1');
  t.is(felix.metadata.creationTimestamp, '2025-06-01T12:00:00Z');
  t.regex(felix.metadata.uid!, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  t.is(felix.metadata.uid, resourceUid('kans-4node', 'FelixConfiguration', 'default'));
  t.not(felix.metadata.uid, resourceUid('other-lab', 'FelixConfiguration', 'default'));
  t.deepEqual(labResources(rec), res);
});

test('names: WorkloadEndpoint dashes doubled, CIDRs as IPAMBlock names', (t) => {
  t.is(workloadEndpointName('k8s-w1', 'pod-a'), 'k8s--w1-k8s-pod--a-eth0');
  t.is(workloadEndpointName('node1', 'nginx-7d9c5'), 'node1-k8s-nginx--7d9c5-eth0');
  t.is(cidrToName('172.16.158.0/24'), '172-16-158-0-24');
  t.is(cidrToName('fd00:10:244:0:1::/122'), 'fd00-10-244-0-1---122');
});

test('kind aliases are calicoctl exact, case-insensitive names', (t) => {
  t.is(resolveKind('IPP'), 'IPPool');
  t.is(resolveKind('pools'), 'IPPool');
  t.is(resolveKind('bgpconfig'), 'BGPConfiguration');
  t.is(resolveKind('bps'), 'BGPPeer');
  t.is(resolveKind('felixconfigs'), 'FelixConfiguration');
  t.is(resolveKind('nos'), 'Node');
  t.is(resolveKind('wep'), 'WorkloadEndpoint');
  t.is(resolveKind('ipamblocks'), 'IPAMBlock');
  t.is(resolveKind('blockaffinities'), 'BlockAffinity');
  t.is(resolveKind('ippoo'), undefined); // no prefix matching
  t.is(KIND_ALIASES.workloadendpoints, 'WorkloadEndpoint');
});

// ---- tables --------------------------------------------------------------------------------------

test('tables per kind: IPPool wide columns per version, Node ASN from BGPConfiguration, WEP NAMESPACE', (t) => {
  const res = labResources(kans());
  const pools = res.filter((r) => r.kind === 'IPPool');
  t.is(
    resourceTable('IPPool', pools, { wide: true, version: '3.28' }),
    'NAME                  CIDR            NAT    IPIPMODE   VXLANMODE   DISABLED   DISABLEBGPEXPORT   SELECTOR   \n' +
      'default-ipv4-ippool   172.16.0.0/16   true   Always     Never       false      false' +
      '              all()      \n\n',
  );
  t.true(
    resourceTable('IPPool', [samplePool()], { wide: true }).split('\n')[1].endsWith('all()      Automatic        '),
  );
  t.is(resourceTable('IPPool', [], {}), 'NAME   CIDR   SELECTOR   \n\n');
  const nodes = resourceTable(
    'Node',
    res.filter((r) => r.kind === 'Node'),
    { wide: true, asNumber: configAsNumber(res) },
  );
  t.is(nodes.split('\n')[1], 'k8s-m    (64512)   192.168.10.10/24           ');
  const weps = res.filter((r) => r.kind === 'WorkloadEndpoint');
  t.is(
    resourceTable('WorkloadEndpoint', weps).split('\n')[0],
    'WORKLOAD   NODE     NETWORKS          INTERFACE         ',
  );
  const all = resourceTable('WorkloadEndpoint', weps, { namespace: true }).split('\n');
  t.is(all[0], 'NAMESPACE   WORKLOAD   NODE     NETWORKS          INTERFACE         ');
  t.is(all[1].slice(0, 23), 'default     pod1       ');
  t.is(
    resourceTable(
      'BGPConfiguration',
      res.filter((r) => r.kind === 'BGPConfiguration'),
    ).split('\n')[1],
    'default   Info          true          64512      ',
  );
  t.is(
    resourceTable('FelixConfiguration', [findResource(res, 'FelixConfiguration', 'default')!]),
    'NAME      \ndefault   \n\n',
  );
  t.throws(() => resourceTable('IPPool', pools, { columns: ['NAME', 'BOGUS'] }), {
    instanceOf: TableError,
    message: /^Unknown heading BOGUS, valid values are: NAME, CIDR/,
  });
});

test('BGPPeer table: a global peer shows (global)', (t) => {
  const topo = loadTopology('topologies/tor-2rack.yaml');
  const res = labResources(record(topo));
  const peers = res.filter((r) => r.kind === 'BGPPeer');
  t.true(peers.length > 0);
  for (const p of peers) t.deepEqual(validateResource(p, 'tor'), []);
  t.regex(resourceTable('BGPPeer', peers).split('\n')[1], /^\S+\s+\d+\.\d+\.\d+\.\d+\s+\(global\)\s+\d+\s+$/);
});

// ---- CRD validation ------------------------------------------------------------------------------

const mutated = (kind: string, name: string, edit: (r: any) => void) => {
  const r = structuredClone(findResource(labResources(kindWireguard()), kind, name)!);
  edit(r);
  return validateResource(r, 'test');
};

test('a mutated resource fails its CRD with the field named', (t) => {
  const enumProblem = mutated('IPPool', 'default-ipv4-ippool', (r) => (r.spec.vxlanMode = 'Sometimes'));
  t.deepEqual(enumProblem, [
    {
      field: 'spec.vxlanMode',
      message: 'Unsupported value: "Sometimes": supported values: "Never", "Always", "CrossSubnet"',
      fix: 'use one of: Never, Always, CrossSubnet',
    },
  ]);
  const typeProblem = mutated('BGPConfiguration', 'default', (r) => (r.spec.asNumber = 'x'));
  t.is(typeProblem[0].field, 'spec.asNumber');
  t.is(typeProblem[0].message, 'Invalid value: "string": spec.asNumber in body must be of type integer: "string"');
  const missing = mutated('IPPool', 'default-ipv4-ippool', (r) => delete r.spec.cidr);
  t.deepEqual(missing, [{ field: 'spec.cidr', message: 'Required value', fix: 'add spec.cidr' }]);
  t.is(mutated('IPPool', 'default-ipv4-ippool', (r) => (r.spec.cidr = '10.0.0.0/33'))[0].field, 'spec.cidr');
  t.regex(
    mutated('FelixConfiguration', 'default', (r) => (r.spec.logSeverityScreen = 'Loud'))[0].message,
    /should match/,
  );
  t.deepEqual(
    mutated('FelixConfiguration', 'default', (r) => (r.spec.logSeverityScreen = 'debug')),
    [],
    '(?i) patterns are case-insensitive',
  );
  t.is(mutated('IPAMBlock', '192-168-146-64-26', (r) => (r.spec.affinity = 'nobody'))[0].field, 'spec.affinity');
  t.is(mutated('IPAMBlock', '192-168-146-64-26', (r) => (r.spec.allocations[1] = 'x'))[0].field, 'spec.allocations[1]');
  t.is(mutated('IPAMBlock', '192-168-146-64-26', (r) => delete r.spec.unallocated)[0].field, 'spec.unallocated');
  const state = mutated('BlockAffinity', 'pod-network-worker-192-168-146-64-26', (r) => (r.spec.state = 'lost'));
  t.is(state[0].field, 'spec.state');
  t.is(mutated('IPPool', 'default-ipv4-ippool', (r) => (r.metadata.name = 'Bad_Name'))[0].field, 'metadata.name');
  t.is(
    mutated('IPPool', 'default-ipv4-ippool', (r) => (r.spec.allowedUses = ['Workload', 'Workload']))[0].message,
    'Duplicate value: "Workload"',
  );
});

test('CEL rules of the CRDs are re-checked in code', (t) => {
  const both = mutated('IPPool', 'default-ipv4-ippool', (r) => (r.spec.ipipMode = 'Always'));
  t.deepEqual(
    both.map((p) => [p.field, p.message]),
    [['spec', 'Forbidden: ipipMode and vxlanMode cannot both be enabled']],
  );
  const v6 = mutated('IPPool', 'default-ipv4-ippool', (r) =>
    Object.assign(r.spec, { cidr: 'fd00::/64', vxlanMode: 'Never', ipipMode: 'Always' }),
  );
  t.is(v6[0].message, 'Forbidden: IPIP is not supported on IPv6 pools');
  const lb = mutated('IPPool', 'default-ipv4-ippool', (r) => (r.spec.allowedUses = ['LoadBalancer', 'Workload']));
  t.deepEqual(
    lb.map((p) => p.message),
    [
      'Forbidden: LoadBalancer IP pool cannot have IPIP or VXLAN enabled',
      'Forbidden: LoadBalancer cannot be combined with Workload or Tunnel allowed uses',
    ],
  );
  const pool = findResource(labResources(kindWireguard()), 'IPPool', 'default-ipv4-ippool')!;
  const moved = { ...pool, spec: { ...pool.spec, cidr: '10.9.0.0/16' } };
  t.deepEqual(validateResource(moved, 'test'), []);
  t.regex(validateResource(moved, 'test', pool)[0].message, /CIDR cannot be changed/);
  const mesh = { apiVersion: 'projectcalico.org/v3', kind: 'BGPConfiguration', metadata: { name: 'default' } };
  const meshOff = { ...mesh, spec: { nodeToNodeMeshEnabled: false, nodeMeshMaxRestartTime: '120s' } };
  t.is(
    validateResource(meshOff, 't')[0].message,
    'Forbidden: nodeMeshMaxRestartTime cannot be set when nodeToNodeMeshEnabled is false',
  );
  const peer = { apiVersion: 'projectcalico.org/v3', kind: 'BGPPeer', metadata: { name: 'p' } };
  t.is(
    validateResource({ ...peer, spec: { node: 'a', nodeSelector: 'all()' } }, 't')[0].message,
    'Forbidden: node and nodeSelector cannot both be set',
  );
  t.is(
    validateResource({ ...peer, spec: { peerSelector: 'all()', asNumber: 65000 } }, 't')[0].message,
    'Forbidden: asNumber must be empty when peerSelector is set',
  );
  const felix = { apiVersion: 'projectcalico.org/v3', kind: 'FelixConfiguration', metadata: { name: 'default' } };
  t.regex(
    validateResource({ ...felix, spec: { nodeSelector: 'all()' } }, 't')[0].message,
    /nodeSelector must not be set/,
  );
  t.deepEqual(validateResource({ ...felix, metadata: { name: 'rack1' }, spec: { nodeSelector: 'all()' } }, 't'), []);
});

test('validateResource names an unknown kind as calicoctl does', (t) => {
  t.deepEqual(
    validateResource({ apiVersion: 'projectcalico.org/v3', kind: 'Foo', metadata: { name: 'x' } }, 't').map(
      (p) => p.message,
    ),
    ['Unknown resource type (Foo) and/or version (projectcalico.org/v3)'],
  );
});

test('CRD helpers: (?i) folding and the cidr format', (t) => {
  t.is(caseFold('^(?i)(Off|Info)?$'), '^([oO][fF][fF]|[iI][nN][fF][oO])?$');
  t.is(caseFold('^[a-z]\\d(?i)x$'), '^[a-zA-Z]\\d[xX]$');
  t.true(isCidr('10.0.0.1/16'));
  t.true(isCidr('fd00::/64'));
  t.false(isCidr('10.0.0.0/33'));
  t.false(isCidr('10.0.0.256/8'));
  t.false(isCidr('fd00:::/64'));
});

// ---- apply -f input ----------------------------------------------------------------------------------

test('get ippool -o yaml | sed s/ipipMode: Always/ipipMode: Never/ reads back with ipipMode Never', (t) => {
  const res = labResources(kans());
  const text = calicoctlYaml(
    listResource(
      'IPPool',
      res.filter((r) => r.kind === 'IPPool'),
      '42',
    ),
  ).replace('ipipMode: Always', 'ipipMode: Never');
  const docs = parseResourceDocuments(text, '-');
  t.is(docs.length, 1);
  t.like(docs[0], { kind: 'IPPool', name: 'default-ipv4-ippool', doc: 1 });
  t.is(docs[0].object.spec.ipipMode, 'Never');
  t.is(docs[0].object.metadata.resourceVersion, '1');
  t.deepEqual(validateResource(docs[0].object, '-'), []);
});

test('every resource the lab prints reads back unchanged (yaml and json)', (t) => {
  const res = labResources(kindWireguard(), new Map([['pod-network-worker', KEY]]));
  for (const r of res) {
    const [y] = parseResourceDocuments(calicoctlYaml(r), '-');
    t.deepEqual(JSON.parse(JSON.stringify(y.object)), JSON.parse(JSON.stringify(r)), `${r.kind} ${r.metadata.name}`);
    t.is(y.namespace, r.metadata.namespace);
    const [j] = parseResourceDocuments(calicoctlJson(r), '-');
    t.deepEqual(j.object, y.object);
  }
});

const POOL = (extra = '') => `apiVersion: projectcalico.org/v3
kind: IPPool
metadata:
  name: p1
spec:
  cidr: 10.9.0.0/16${extra}
`;

const problemOf = (text: string) => {
  try {
    parseResourceDocuments(text, 'pools.yaml');
  } catch (e) {
    if (e instanceof ResourceInputError) return e.problems[0];
    throw e;
  }
  return undefined;
};

test('strict decoding: unknown fields are named as go-json names them', (t) => {
  t.deepEqual(problemOf(POOL('\n  foo: 1')), {
    field: 'document 1: foo',
    message: 'error parsing document: field in document is not recognized or is in the wrong location: foo',
    fix: 'remove it or move it under the right parent (kind, metadata, spec)',
  });
  t.is(
    problemOf(`${POOL('\n  zed: 1\n  baz: 2')}metadatax: {}\n`)?.message,
    'error parsing document: fields in document are not recognized or are in the wrong location: metadatax, baz, zed',
  );
  t.is(
    unknownFieldsMessage(['a', 'b', 'c', 'd', 'e', 'f']),
    'fields in document are not recognized or are in the wrong location: a, b, c, d (+ 2 more)',
  );
  t.is(problemOf(`${POOL()}  nodeSelector: all()\n  blockSize: 26\n  ipipmode: Never\n`), undefined);
  t.is(parseResourceDocuments(POOL('\n  IPIPMode: Never'), 'x')[0].object.spec.ipipMode, 'Never');
  t.is(problemOf(POOL('\n  IPIPMode: Never\n  ipipMode: Always'))?.message.endsWith(': IPIPMode'), true);
  const labels = `${POOL()}  blockSize: 26\n`.replace('name: p1', 'name: p1\n  labels: {any/key: x}');
  t.is(problemOf(labels), undefined);
});

test("unknown kind or apiVersion gives calicoctl's message with the document number", (t) => {
  const p = problemOf(`${POOL()}---\napiVersion: projectcalico.org/v3\nkind: Foo\nmetadata: {name: x}\n`)!;
  t.is(p.field, 'document 2: kind');
  t.is(p.message, 'Unknown resource type (Foo) and/or version (projectcalico.org/v3)');
  t.is(
    problemOf(POOL().replace('projectcalico.org/v3', 'projectcalico.org/v2'))?.message,
    'Unknown resource type (IPPool) and/or version (projectcalico.org/v2)',
  );
  t.is(
    problemOf('apiVersion: v1\nkind: List\nitems: []\n')?.message,
    'Unknown resource type (List) and/or version (v1)',
  );
});

test('documents: --- separators, sequences, <Kind>Lists, kubectl Lists when asked, empty documents', (t) => {
  const two = parseResourceDocuments(`---\n${POOL()}--- # second\n${POOL().replace('p1', 'p2')}\n---\n`, 'f');
  t.deepEqual(
    two.map((d) => [d.name, d.doc]),
    [
      ['p1', 1],
      ['p2', 2],
    ],
  );
  const seq = parseResourceDocuments(
    `- ${POOL().trim().replaceAll('\n', '\n  ')}\n- ${POOL().replace('p1', 'p3').trim().replaceAll('\n', '\n  ')}\n`,
    'f',
  );
  t.deepEqual(
    seq.map((d) => d.name),
    ['p1', 'p3'],
  );
  const list =
    'apiVersion: projectcalico.org/v3\nkind: IPPoolList\nmetadata: {resourceVersion: "9"}\n' +
    'items:\n- metadata: {name: a}\n  spec: {cidr: 10.1.0.0/16}\n';
  t.deepEqual(
    parseResourceDocuments(list, 'f').map((d) => [d.kind, d.name]),
    [['IPPool', 'a']],
  );
  const kubectl = `apiVersion: v1\nkind: List\nitems:\n- ${POOL().trim().replaceAll('\n', '\n  ')}\n`;
  t.deepEqual(
    parseResourceDocuments(kubectl, 'f', { genericList: true }).map((d) => d.name),
    ['p1'],
  );
  t.deepEqual(parseResourceDocuments('# nothing\n---\n\n', 'f'), []);
  t.deepEqual(splitDocuments('a: 1\n---\nb: 2\n---'), ['a: 1', 'b: 2']);
  t.deepEqual(splitDocuments('a: 1\n--- x'), [], 'an unfinished separator line at EOF loses the section');
  const wep = parseResourceDocuments(
    calicoctlYaml(findResource(labResources(kans()), 'WorkloadEndpoint', 'k8s--w1-k8s-pod1-eth0')),
    'f',
  );
  t.is(wep[0].namespace, 'default');
});

test('YAML as yaml.v2 reads it: 1.1 booleans, timestamps stay strings, scalars for strings become strings', (t) => {
  const d = parseResourceDocuments(
    `${POOL('\n  natOutgoing: yes')}  nodeSelector: 2025-01-01\n`.replace(
      'name: p1',
      'name: p1\n  resourceVersion: 12',
    ),
    'f',
  )[0];
  t.is(d.object.spec.natOutgoing, true);
  t.is(d.object.spec.nodeSelector, '2025-01-01');
  t.is(d.object.metadata.resourceVersion, '12');
});

test('bad input: syntax errors, alias bombs and oversized documents are named', (t) => {
  t.regex(problemOf('apiVersion: [a\n')!.message, /^error parsing document: yaml: line \d+: /);
  const bomb = [
    'a: &a [x, x, x, x, x, x, x, x, x, x]',
    ...'bcdefgh'.split('').map((c, i) => `${c}: &${c} [${`*${'abcdefgh'[i]}, `.repeat(10).slice(0, -2)}]`),
  ].join('\n');
  t.deepEqual(problemOf(bomb), {
    field: 'document 1: yaml',
    message: 'error parsing document: yaml: document contains excessive aliasing',
    fix: 'write the values out instead of nesting aliases',
  });
  t.is(problemOf(`${POOL()}# ${'x'.repeat(MAX_DOCUMENT_BYTES)}\n`)?.message, 'bufio.Scanner: token too long');
  const err = t.throws(() => parseResourceDocuments(POOL('\n  foo: 1'), 'pools.yaml'), {
    instanceOf: ResourceInputError,
  });
  t.is(
    err?.message,
    'pools.yaml: document 1: foo: error parsing document: ' +
      'field in document is not recognized or is in the wrong location: foo',
  );
});
