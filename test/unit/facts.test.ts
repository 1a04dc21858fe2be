import test from 'ava';
import { loadTopology } from '../../src/topology/load.ts';
import { buildPlan } from '../../src/plan/plan.ts';
import { expectPath } from '../../src/verify/expect.ts';
import { expectedMtu, expectedTtl } from '../../src/verify/facts.ts';
import { doc000 } from './helpers.ts';

const pod = (plan: ReturnType<typeof buildPlan>, ip: string) => plan.workloads.find((w) => w.ip === ip)!;

test('MTU arithmetic per mode: 1480 IPIP, 1450 VXLAN, 1440 WireGuard, 8981 on a 9001 underlay', (t) => {
  const topo = doc000();
  t.is(expectedMtu(topo).mtu, 1480);
  t.regex(expectedMtu(topo).why, /1500 underlay - 20 for IPIP \(outer IPv4 20\) = 1480/);
  t.is(expectedMtu(loadTopology('topologies/kind-vxlan-3node.yaml')).mtu, 1450);
  t.is(expectedMtu({ ...topo, wireguard: true }).mtu, 1440);
  t.is(expectedMtu(loadTopology('topologies/kans-4node.yaml')).mtu, 8981);
});

test('TTL: 64 to itself, 63 on one node, 62 across nodes, 61 across a router unencapsulated', (t) => {
  const topo = doc000();
  const plan = buildPlan(topo);
  const a = pod(plan, '10.8.170.65');
  const b = pod(plan, '10.8.170.66');
  const d = pod(plan, '10.8.247.196');
  t.is(expectedTtl(topo, a, a, 'local').ttl, 64);
  t.is(expectedTtl(topo, a, b, 'local').ttl, 63);
  const cross = expectedTtl(topo, a, d, expectPath(topo, a, d).encapsulation);
  t.is(cross.ttl, 62);
  t.regex(cross.why, /ipip outer header/);
  const kans = loadTopology('topologies/kans-4node.yaml');
  const kp = buildPlan(kans);
  const w1 = pod(kp, '172.16.158.3');
  const w0 = pod(kp, '172.16.34.4');
  t.is(expectedTtl(kans, w1, w0, 'ipip').ttl, 62, 'the router decrements only the outer header');
  t.is(expectedTtl(kans, w1, w0, 'none').ttl, 61, 'a router that routes pod packets takes one more');
});
