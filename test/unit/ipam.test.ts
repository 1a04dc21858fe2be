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

// ---- Calico's rules (libcalico-go/lib/ipam, node/pkg/allocateip at v3.30.7) ----
const edited = (o: Record<string, any>, fn: (o: Record<string, any>) => void) => {
  const copy = JSON.parse(JSON.stringify(o));
  fn(copy);
  return validateTopology(copy, 't.yaml');
};

test('both modes Never: no tunnel address, the first pod takes the block .0 (allocateip.go:664-751)', (t) => {
  const o = minimal();
  o.ipPools[0].ipipMode = 'Never';
  const a = allocate(validateTopology(o, 't.yaml'));
  t.deepEqual(
    a.nodes.map((n) => [n.ipipTunnelAddress, n.vxlanTunnelAddress]),
    [
      [undefined, undefined],
      [undefined, undefined],
    ],
  );
  t.deepEqual(
    a.pods.map((p) => p.ip),
    ['192.168.0.0', '192.168.0.64'],
  );
});

test('VXLAN pools give vxlan.calico the address tunl0 would have had; IPIP gives tunl0 (allocateip.go:257)', (t) => {
  const o = minimal();
  Object.assign(o.ipPools[0], { ipipMode: 'Never', vxlanMode: 'Always' });
  const a = allocate(validateTopology(o, 't.yaml'));
  t.deepEqual(
    a.nodes.map((n) => [n.ipipTunnelAddress, n.vxlanTunnelAddress]),
    [
      [undefined, '192.168.0.0'],
      [undefined, '192.168.0.64'],
    ],
  );
  t.is(a.blocks[0].allocations[0], 'vxlan-tunnel-addr-n1');
  t.is(a.blocks[0].allocations[1], 'k8s-pod-network.default.p1');
});

test('a released address goes to the back of the free list (ipam_block.go release): IPIP -> Never -> IPIP', (t) => {
  const o = minimal();
  const ipip = validateTopology(o, 't.yaml');
  const a0 = allocate(ipip);
  const never = edited(o, (x) => (x.ipPools[0].ipipMode = 'Never'));
  const a1 = allocate(never, a0);
  t.is(a1.nodes[0].ipipTunnelAddress, undefined);
  t.deepEqual(a1.blocks[0].unallocated.slice(0, 2), [2, 3]);
  t.is(a1.blocks[0].unallocated.at(-1), 0, '.0 released to the back');
  const back = allocate(ipip, a1);
  t.is(back.nodes[0].ipipTunnelAddress, '192.168.0.2', 'the next never-used address, not .0');
});

test('IPIP -> VXLAN releases tunl0 first, then assigns vxlan.calico; VXLAN -> IPIP assigns first', (t) => {
  const o = minimal();
  const a0 = allocate(validateTopology(o, 't.yaml'));
  const vx = edited(o, (x) => Object.assign(x.ipPools[0], { ipipMode: 'Never', vxlanMode: 'Always' }));
  const a1 = allocate(vx, a0);
  t.deepEqual([a1.nodes[0].ipipTunnelAddress, a1.nodes[0].vxlanTunnelAddress], [undefined, '192.168.0.2']);
  const a2 = allocate(validateTopology(o, 't.yaml'), a1);
  t.deepEqual([a2.nodes[0].ipipTunnelAddress, a2.nodes[0].vxlanTunnelAddress], ['192.168.0.3', undefined]);
  t.deepEqual(a2.blocks[0].unallocated.slice(-2), [0, 2], 'tunl0 .0 released first, then vxlan .2');
});

test("a deleted pod's address comes back only after every never-used one", (t) => {
  const o = minimal();
  const a0 = allocate(validateTopology(o, 't.yaml'));
  const without = edited(o, (x) => (x.pods = x.pods.slice(1)));
  const a1 = allocate(without, a0);
  const again = edited(o, (x) => x.pods.push({ name: 'p3', node: 'n1' }));
  const a2 = allocate(again, a1);
  // p1 comes back as a new pod (first in the file), then p3: neither gets the released .1.
  t.is(a2.pods.find((p) => p.name === 'p1')!.ip, '192.168.0.2');
  t.is(a2.pods.find((p) => p.name === 'p3')!.ip, '192.168.0.3');
  t.is(a2.blocks[0].unallocated[0], 4);
  t.is(a2.blocks[0].unallocated.at(-1), 1);
});
