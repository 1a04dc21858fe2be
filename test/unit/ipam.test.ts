import test from 'ava';
import { allocate } from '../../src/calico/ipam/ipam.ts';
import { validateTopology, TopologyError } from '../../src/topology/validate.ts';
import { doc000, minimal } from './helpers.ts';

test('doc 000: tunl0 takes the first address of each pinned block, pods keep their addresses', (t) => {
  const a = allocate(doc000());
  t.deepEqual(
    a.nodes.map((n) => [n.node, n.ipipTunnelAddress, n.blocks.map((b) => b.cidr)]),
    [
      ['k8s-cp1', '10.8.170.64', ['10.8.170.64/26']],
      ['k8s-w1', '10.8.247.192', ['10.8.247.192/26']],
      ['k8s-w2', '10.8.94.64', ['10.8.94.64/26']],
    ],
  );
  t.deepEqual(
    a.pods.map((p) => p.ip),
    ['10.8.170.65', '10.8.170.66', '10.8.170.67', '10.8.247.196', '10.8.94.70'],
  );
});

test('unpinned nodes get successive blocks; pods get the next free addresses', (t) => {
  const a = allocate(validateTopology(minimal(), 't.yaml'));
  t.deepEqual(
    a.nodes.map((n) => n.blocks[0].cidr),
    ['192.168.0.0/26', '192.168.0.64/26'],
  );
  t.deepEqual(
    a.nodes.map((n) => n.ipipTunnelAddress),
    ['192.168.0.0', '192.168.0.64'],
  );
  t.deepEqual(
    a.pods.map((p) => p.ip),
    ['192.168.0.1', '192.168.0.65'],
  );
});

test('a full block makes the node claim another block', (t) => {
  const o = minimal();
  o.ipPools[0].blockSize = 30; // 4 addresses: tunl0 + 3 pods
  o.pods = Array.from({ length: 5 }, (_, i) => ({ name: `p${i}`, node: 'n1' }));
  const a = allocate(validateTopology(o, 't.yaml'));
  const n1 = a.nodes.find((n) => n.node === 'n1')!;
  t.deepEqual(
    n1.blocks.map((b) => b.cidr),
    ['192.168.0.0/30', '192.168.0.8/30'],
  );
  t.deepEqual(
    a.pods.map((p) => p.ip),
    ['192.168.0.1', '192.168.0.2', '192.168.0.3', '192.168.0.8', '192.168.0.9'],
  );
  t.is(a.pods[4].block, '192.168.0.8/30');
});

test('a pinned pod IP implies its node block when the node pins none', (t) => {
  const o = minimal();
  o.pods[0].ip = '192.168.77.130';
  const a = allocate(validateTopology(o, 't.yaml'));
  t.is(a.nodes[0].blocks[0].cidr, '192.168.77.128/26');
  t.is(a.nodes[0].ipipTunnelAddress, '192.168.77.128');
});

test("a pod IP outside its node's pinned blocks is an error naming the pod", (t) => {
  const o = minimal();
  o.nodes[0].blocks = ['192.168.1.0/26'];
  o.pods[0].ip = '192.168.2.5';
  const e = t.throws(() => allocate(validateTopology(o, 't.yaml')), { instanceOf: TopologyError });
  t.regex(e!.message, /t\.yaml: pods\[0\]\.ip: 192\.168\.2\.5 is outside node n1's blocks/);
});

test("a pod IP in another node's block is an error", (t) => {
  const o = minimal();
  o.nodes[1].blocks = ['192.168.1.0/26'];
  o.pods[0].ip = '192.168.1.5';
  t.throws(() => allocate(validateTopology(o, 't.yaml')), { message: /belongs to node n2/ });
});

test('a pod cannot take the tunnel address', (t) => {
  const o = minimal();
  o.nodes[0].blocks = ['192.168.1.0/26'];
  o.pods[0].ip = '192.168.1.0';
  t.throws(() => allocate(validateTopology(o, 't.yaml')), { message: /tunnel address/ });
});

test('10,000 pods allocate without duplicates', (t) => {
  const o = minimal();
  o.pods = Array.from({ length: 10000 }, (_, i) => ({ name: `p${i}`, node: i % 2 ? 'n1' : 'n2' }));
  const start = Date.now();
  const a = allocate(validateTopology(o, 't.yaml'));
  t.is(new Set(a.pods.map((p) => p.ip)).size, 10000);
  t.log(`${Date.now() - start} ms (speed is the benchmark's business, not a test's)`);
});
