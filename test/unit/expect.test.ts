// What verify expects of each pair (expectPath) and the arithmetic behind the TTL and path MTU it
// checks (facts.ts), mode by mode. facts.test.ts has the headline numbers; this file has the
// per-mode paths, the exact explanations and the MTU after a live mode switch.
import test from 'ava';
import { buildPlan } from '../../src/plan/plan.ts';
import { loadTopology } from '../../src/topology/load.ts';
import type { Topology } from '../../src/topology/types.ts';
import { validateTopology } from '../../src/topology/validate.ts';
import { expectPath } from '../../src/verify/expect.ts';
import { expectedMtu, expectedPathMtu, expectedTtl } from '../../src/verify/facts.ts';
import { doc000, minimal } from './helpers.ts';

/** A copy of `topo` changed by `fn`, validated again. */
function edited(topo: Topology, fn: (raw: Record<string, any>) => void): Topology {
  const raw = JSON.parse(JSON.stringify(topo));
  delete raw.file;
  fn(raw);
  return validateTopology(raw, 'edited.yaml');
}
const load = (name: string) => loadTopology(`topologies/${name}.yaml`);
const kans = (fn: (raw: Record<string, any>) => void = () => {}) => edited(load('kans-4node'), fn);
const ipipMode = (mode: string) => kans((r) => (r.ipPools[0].ipipMode = mode));

/** Pods by name in a topology's plan (or in another plan: pods keep the MTU they were created with). */
function pods(topo: Topology, plan = buildPlan(topo)) {
  return (name: string) => plan.workloads.find((w) => w.pod === name)!;
}
/** expectPath between two pods of `topo`, by name. */
const path = (topo: Topology, a: string, b: string) => {
  const p = pods(topo);
  return expectPath(topo, p(a), p(b));
};

// kans-4node: pod1, pod2 on k8s-w1 and pod3 on k8s-w2 (192.168.10.0/24); pod4 on k8s-w0 (192.168.20.0/24).
const reach = (encapsulation: string, why: string) => ({ encapsulation, reachable: true, why });
const SAME_SUBNET = reach('none', 'same subnet, no encapsulation');
const VXLAN_PARTS = 'outer IPv4 20 + UDP 8 + VXLAN 8 + inner Ethernet 14';
const WG_PARTS = 'outer IPv4 20 + UDP 8 + WireGuard 32';
const IPIP_1480 = "the pod's eth0 MTU: 1500 underlay - 20 for IPIP (outer IPv4 20) = 1480";

test('Always: IPIP between nodes, local between pods of one node', (t) => {
  const topo = doc000();
  t.deepEqual(path(topo, 'pod-a', 'pod-d'), reach('ipip', 'default-ipv4-ippool ipipMode Always'));
  t.deepEqual(path(topo, 'pod-a', 'pod-b'), reach('local', 'same node: routed between cali interfaces'));
});

test('CrossSubnet: bare within a subnet, IPIP across subnets', (t) => {
  const topo = ipipMode('CrossSubnet');
  t.deepEqual(path(topo, 'pod1', 'pod3'), SAME_SUBNET);
  const why = 'default-ipv4-ippool ipipMode CrossSubnet, peers in different subnets';
  t.deepEqual(path(topo, 'pod1', 'pod4'), reach('ipip', why));
  t.deepEqual(path(topo, 'pod4', 'pod3'), path(topo, 'pod1', 'pod4'), 'either direction');
});

test('Never without a top-of-rack peer: unreachable across subnets, reachable within one', (t) => {
  const topo = ipipMode('Never');
  t.deepEqual(path(topo, 'pod1', 'pod4'), {
    encapsulation: 'none',
    reachable: false,
    why: 'no encapsulation across subnets: the router has no route to 172.16.0.0/16',
  });
  t.deepEqual(path(topo, 'pod1', 'pod3'), SAME_SUBNET);
});

test('Never with a top-of-rack BGP peer: the router learned the pod blocks, so across subnets is reachable', (t) => {
  const tor = load('tor-2rack');
  const why = 'no encapsulation; the router learned the pod blocks over BGP';
  t.deepEqual(path(tor, 'web-1', 'web-3'), reach('none', why));
  t.deepEqual(path(tor, 'web-1', 'web-2'), SAME_SUBNET);
  const noPeer = edited(tor, (r) => (r.bgp.peers = []));
  t.is(path(noPeer, 'web-1', 'web-3').reachable, false);
});

test('VXLAN Always and CrossSubnet', (t) => {
  const kind = load('kind-vxlan-3node');
  t.deepEqual(path(kind, 'multitool', 'web'), reach('vxlan', 'default-ipv4-ippool vxlanMode Always'));
  t.is(path(kind, 'multitool', 'netshoot').encapsulation, 'local');
  const cs = kans((r) => Object.assign(r.ipPools[0], { ipipMode: 'Never', vxlanMode: 'CrossSubnet' }));
  const why = 'default-ipv4-ippool vxlanMode CrossSubnet, peers in different subnets';
  t.deepEqual(path(cs, 'pod1', 'pod4'), reach('vxlan', why));
  t.deepEqual(path(cs, 'pod1', 'pod3'), SAME_SUBNET);
});

test('WireGuard takes every cross-node path whatever the pool mode; one node stays local', (t) => {
  const wg = kans((r) => Object.assign(r, { wireguard: true }, { ipPools: [{ ...r.ipPools[0], ipipMode: 'Never' }] }));
  const expected = reach('wireguard', 'WireGuard encrypts node-to-node pod traffic');
  t.deepEqual(path(wg, 'pod1', 'pod4'), expected, 'across subnets with no router route: still reachable');
  t.deepEqual(path(wg, 'pod1', 'pod3'), expected);
  t.is(path(wg, 'pod1', 'pod2').encapsulation, 'local');
});

test("the destination's pool decides the encapsulation", (t) => {
  const o = minimal();
  o.ipPools = [
    { name: 'tunnelled', cidr: '192.168.0.0/16', ipipMode: 'Always' },
    { name: 'flat', cidr: '10.244.0.0/16', ipipMode: 'Never' },
  ];
  o.pods[1].ip = '10.244.0.5';
  const topo = validateTopology(o, 'two-pools.yaml');
  t.deepEqual(path(topo, 'p1', 'p2'), SAME_SUBNET);
  t.deepEqual(path(topo, 'p2', 'p1'), reach('ipip', 'tunnelled ipipMode Always'));
});

const ttl = (topo: Topology, a: string, b: string) => {
  const p = pods(topo);
  return expectedTtl(topo, p(a), p(b), expectPath(topo, p(a), p(b)).encapsulation);
};

test('TTL 63 on one node: only that node forwards', (t) => {
  t.deepEqual(ttl(doc000(), 'pod-a', 'pod-b'), {
    ttl: 63,
    why: 'reply leaves 10.8.170.66 with 64: node k8s-cp1 forwards (63)',
  });
});

test('TTL 62 across nodes encapsulated, whatever the tunnel, and bare within one subnet', (t) => {
  const hidden = (k: string) => `; the ${k} outer header carries the underlay's decrements, not the pod's packet`;
  const trail = 'reply leaves 172.16.34.4 with 64: node k8s-w0 forwards (63), node k8s-w1 forwards (62)';
  t.deepEqual(ttl(ipipMode('CrossSubnet'), 'pod1', 'pod4'), { ttl: 62, why: trail + hidden('ipip') });
  t.deepEqual(
    ttl(
      kans((r) => (r.wireguard = true)),
      'pod1',
      'pod4',
    ),
    { ttl: 62, why: trail + hidden('wireguard') },
  );
  const vx = ttl(load('kind-vxlan-3node'), 'multitool', 'web');
  t.is(vx.ttl, 62);
  t.true(vx.why.endsWith(hidden('vxlan')), vx.why);
  t.deepEqual(ttl(ipipMode('Never'), 'pod1', 'pod3'), {
    ttl: 62,
    why: 'reply leaves 172.16.184.3 with 64: node k8s-w2 forwards (63), node k8s-w1 forwards (62)',
  });
});

test('TTL 61 across a router unencapsulated: the router forwards the bare pod packet', (t) => {
  t.deepEqual(ttl(load('tor-2rack'), 'web-1', 'web-3'), {
    ttl: 61,
    why:
      'reply leaves 10.244.21.0 with 64: node rack2-node1 forwards (63), ' +
      'the router forwards the bare pod packet (62), node rack1-node1 forwards (61)',
  });
});

const pathMtu = (topo: Topology, a: string, b: string, plan = buildPlan(topo)) => {
  const p = pods(topo, plan);
  return expectedPathMtu(topo, p(a), p(b), expectPath(topo, p(a), p(b)).encapsulation);
};

test("path MTU is the pods' MTU: 1480 IPIP, 1450 VXLAN, 1440 WireGuard, 8981 on a 9001 underlay", (t) => {
  t.deepEqual(pathMtu(doc000(), 'pod-a', 'pod-d'), { mtu: 1480, why: IPIP_1480 });
  t.deepEqual(pathMtu(load('kind-vxlan-3node'), 'multitool', 'web'), {
    mtu: 1450,
    why: `the pod's eth0 MTU: 1500 underlay - 50 for VXLAN (${VXLAN_PARTS}) = 1450`,
  });
  t.deepEqual(
    pathMtu(
      edited(doc000(), (r) => (r.wireguard = true)),
      'pod-a',
      'pod-d',
    ),
    { mtu: 1440, why: `the pod's eth0 MTU: 1500 underlay - 60 for WireGuard (${WG_PARTS}) = 1440` },
  );
  t.deepEqual(pathMtu(load('kans-4node'), 'pod1', 'pod4'), {
    mtu: 8981,
    why: "the pod's eth0 MTU: 9001 underlay - 20 for IPIP (outer IPv4 20) = 8981",
  });
});

test("on one node and on bare paths the pods' eth0 is the limit, not the veth or eth0", (t) => {
  t.deepEqual(pathMtu(doc000(), 'pod-a', 'pod-b'), { mtu: 1480, why: IPIP_1480 });
  t.deepEqual(pathMtu(load('tor-2rack'), 'web-1', 'web-3'), { mtu: 1480, why: IPIP_1480 });
  t.is(pathMtu(load('kans-4node'), 'pod1', 'pod2').mtu, 8981);
});

test('after a live switch pods keep their MTU: a smaller tunnel device limits the path, a larger one not', (t) => {
  const ipip = doc000();
  const ipipPods = buildPlan(ipip); // pods created at 1480
  const toVxlan = edited(ipip, (r) => Object.assign(r.ipPools[0], { ipipMode: 'Never', vxlanMode: 'Always' }));
  t.deepEqual(pathMtu(toVxlan, 'pod-a', 'pod-d', ipipPods), {
    mtu: 1450,
    why: `vxlan.calico 1450 = 1500 - 50 (${VXLAN_PARTS}), below the pods' 1480`,
  });
  const toWg = edited(ipip, (r) => (r.wireguard = true));
  t.deepEqual(pathMtu(toWg, 'pod-a', 'pod-d', ipipPods), {
    mtu: 1440,
    why: `wireguard.cali 1440 = 1500 - 60 (${WG_PARTS}), below the pods' 1480`,
  });
  const vxlanPods = buildPlan(toVxlan); // pods created at 1450, then back to IPIP (tunl0 1480)
  t.deepEqual(pathMtu(ipip, 'pod-a', 'pod-d', vxlanPods), {
    mtu: 1450,
    why: "the pods' eth0 MTU 1450, set when they were created",
  });
  t.is(pathMtu(ipip, 'pod-a', 'pod-b', vxlanPods).mtu, 1450, 'on one node too');
});

test('cluster MTU: the first enabled pool decides; all disabled falls back to the first pool', (t) => {
  const o = minimal();
  o.ipPools = [
    { name: 'old', cidr: '192.168.0.0/16', vxlanMode: 'Always', disabled: true },
    { name: 'new', cidr: '10.244.0.0/16' },
  ];
  t.deepEqual(expectedMtu(validateTopology(o, 't')), { mtu: 1480, why: IPIP_1480 });
  o.ipPools[1].disabled = true;
  t.is(expectedMtu(validateTopology(o, 't')).mtu, 1450);
  o.underlay.mtu = 9001;
  t.regex(expectedMtu(validateTopology(o, 't')).why, /^the pod's eth0 MTU: 9001 underlay - 50 for VXLAN .* = 8951$/);
});
