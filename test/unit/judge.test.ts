// judge() and seenPackets() fed synthetic captures: real packet bytes (test/unit/packets.ts) in
// SLL2 records, as `tcpdump -i any` writes them, decoded by calilab's own decoder. Doc 000's
// cluster: pod-a and pod-b on k8s-cp1 (10.10.20.3), pod-d on k8s-w1 (10.10.20.4).
import test from 'ava';
import { decodeFrame, LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL2 } from '../../src/packets/decode.ts';
import type { DecodedPacket } from '../../src/packets/pcap.ts';
import { buildPlan, type WorkloadEndpoint } from '../../src/plan/plan.ts';
import type { Expectation, PathKind } from '../../src/verify/expect.ts';
import { judge, seenPackets, type Seen } from '../../src/verify/judge.ts';
import type { Pair } from '../../src/verify/pairs.ts';
import { doc000 } from './helpers.ts';
import { ethernet, icmpEcho, ipv4, sll2, udp, vxlan } from './packets.ts';

const plan = buildPlan(doc000());
const nodes = plan.nodes;
const pod = (name: string) => plan.workloads.find((w) => w.pod === name)!;
const A = pod('pod-a');
const B = pod('pod-b');
const D = pod('pod-d');
const CP1 = '10.10.20.3';
const W1 = '10.10.20.4';
const W2 = '10.10.20.5';
const AB: Pair = { from: A, to: B, sameNode: true };
const AD: Pair = { from: A, to: D, sameNode: false };

const IFNAMES = new Map([
  [2, 'eth0'],
  [3, A.interface],
  [4, B.interface],
  [5, D.interface],
  [6, 'wireguard.cali'],
]);
const ifindexOf = (name: string) => [...IFNAMES].find(([, n]) => n === name)![0];

type Dir = 'In' | 'Out';
const req = (f: WorkloadEndpoint, t: WorkloadEndpoint) => ipv4(f.ip, t.ip, 1, icmpEcho(8, 7, 1));
const rep = (f: WorkloadEndpoint, t: WorkloadEndpoint) => ipv4(t.ip, f.ip, 1, icmpEcho(0, 7, 1));
const ipip = (src: string, dst: string, inner: Buffer) => ipv4(src, dst, 4, inner);
const vx = (src: string, dst: string, inner: Buffer, vni = 4096, sport = 37937, dport = 4789) =>
  ipv4(src, dst, 17, udp(sport, dport, vxlan(vni, ethernet(inner))));
const wg = (src: string, dst: string) =>
  ipv4(src, dst, 17, udp(51820, 51820, Buffer.concat([Buffer.from([4, 0, 0, 0]), Buffer.alloc(28)])));

const decoded = (data: Buffer, i: number, linkType = LINKTYPE_LINUX_SLL2): DecodedPacket => ({
  index: i + 1,
  time: i,
  capturedLength: data.length,
  originalLength: data.length,
  data,
  frame: decodeFrame(linkType, data),
});

type Rec = [string, Dir, Buffer];
/** One node's capture: [interface, direction, IPv4 bytes] in SLL2 records. */
function capture(node: string, frames: Rec[]): Seen[] {
  const packets = frames.map(([iface, dir, ip], i) => decoded(sll2(ip, ifindexOf(iface), dir === 'Out' ? 4 : 0), i));
  return seenPackets(node, packets, IFNAMES);
}
const cp1 = (...frames: Rec[]) => capture('k8s-cp1', frames);
const out = (ip: Buffer): Rec => ['eth0', 'Out', ip];
const inn = (ip: Buffer): Rec => ['eth0', 'In', ip];
const exp = (encapsulation: PathKind, why: string, reachable = true): Expectation => ({
  encapsulation,
  reachable,
  why,
});
const IPIP = exp('ipip', 'default-ipv4-ippool ipipMode Always');
const UNREACHABLE = exp('none', 'no encapsulation across subnets: the router has no route to 10.8.0.0/16', false);

// The cali interfaces of a cross-node pair, on both nodes.
const caliFrames = (): Seen[] => [
  ...capture('k8s-cp1', [
    [A.interface, 'In', req(A, D)],
    [A.interface, 'Out', rep(A, D)],
  ]),
  ...capture('k8s-w1', [
    [D.interface, 'Out', req(A, D)],
    [D.interface, 'In', rep(A, D)],
  ]),
];

test('seenPackets: one Seen per IPv4 packet, named by node, interface, direction; with its innermost header', (t) => {
  const seen = capture('k8s-cp1', [
    ['eth0', 'Out', ipip(CP1, W1, req(A, D))],
    [A.interface, 'In', req(A, D)],
  ]);
  t.is(seen.length, 2);
  const echo = 'IP 10.8.170.65 > 10.8.247.196: ICMP echo request, id 7, seq 1, length 64';
  t.is(seen[0].line, `k8s-cp1 eth0 Out: IP 10.10.20.3 > 10.10.20.4: ${echo}`);
  t.deepEqual([seen[0].node, seen[0].iface, seen[0].outer.src, seen[0].outer.dst], ['k8s-cp1', 'eth0', CP1, W1]);
  t.deepEqual([seen[0].inner.src, seen[0].inner.dst, seen[0].inner.proto], [A.ip, D.ip, 1]);
  t.is(seen[1].line, `k8s-cp1 ${A.interface} In: ${echo}`);
  t.is(seen[1].inner, seen[1].outer, 'an unencapsulated packet is its own innermost header');
  const [v] = capture('k8s-cp1', [['eth0', 'Out', vx(CP1, W1, req(A, D))]]);
  t.deepEqual([v.outer.proto, v.inner.src, v.inner.dst], [17, A.ip, D.ip]);
});

test('seenPackets: non-IPv4 and undecodable frames are skipped; an unknown ifindex is shown as if<n>', (t) => {
  const arp = sll2(Buffer.alloc(28), 2);
  arp.writeUInt16BE(0x0806, 0);
  const packets = [
    decoded(arp, 0),
    decoded(ethernet(Buffer.alloc(40), 0x86dd), 1, LINKTYPE_ETHERNET),
    decoded(sll2(req(A, D), 2).subarray(0, 30), 2), // cut inside the IPv4 header
    decoded(sll2(req(A, D), 9, 0), 3),
  ];
  const seen = seenPackets('k8s-cp1', packets, IFNAMES);
  t.deepEqual(
    seen.map((s) => s.iface),
    ['if9'],
  );
  t.regex(seen[0].line, /^k8s-cp1 if9 In: IP 10\.8\.170\.65 > 10\.8\.247\.196: ICMP echo request/);
});

test('same node: request on both cali interfaces and nowhere else is ok, encapsulation local', (t) => {
  const seen = capture('k8s-cp1', [
    [A.interface, 'In', req(A, B)],
    [B.interface, 'Out', req(A, B)],
    [B.interface, 'In', rep(A, B)],
    [A.interface, 'Out', rep(A, B)],
  ]);
  const v = judge(AB, exp('local', 'same node: routed between cali interfaces'), true, seen, nodes);
  t.deepEqual(v, {
    expected: 'local',
    reachable: true,
    evidence: seen.map((s) => s.line),
    ok: true,
    status: 'ok',
    encapsulation: 'local',
    inner: { src: A.ip, dst: B.ip },
  });
});

test('same node: the request seen on eth0 fails, naming the packet', (t) => {
  const seen = cp1([A.interface, 'In', req(A, B)], [B.interface, 'Out', req(A, B)], out(req(A, B)));
  const v = judge(AB, exp('local', 'same node'), true, seen, nodes);
  t.like(v, { ok: false, status: 'failed', expected: 'local', encapsulation: undefined });
  t.is(v.error, `same-node traffic on the underlay: ${seen[2].line}`);
});

test('same node: a request missing on either cali interface fails, naming that interface', (t) => {
  const onlySrc = capture('k8s-cp1', [[A.interface, 'In', req(A, B)]]);
  t.is(judge(AB, exp('local', 'same node'), true, onlySrc, nodes).error, `request not seen on ${B.interface}`);
  const onlyDst = capture('k8s-cp1', [[B.interface, 'Out', req(A, B)]]);
  const v = judge(AB, exp('local', 'same node'), true, onlyDst, nodes);
  t.like(v, { ok: false, status: 'failed', error: `request not seen on ${A.interface}` });
});

test('reachable expected but no reply fails with the reason, keeping at most 8 evidence lines', (t) => {
  const seen = cp1(...Array.from({ length: 10 }, () => out(ipip(CP1, W1, req(A, D)))));
  const v = judge(AD, IPIP, false, seen, nodes);
  t.deepEqual(v, {
    expected: 'ipip',
    reachable: false,
    evidence: seen.slice(0, 8).map((s) => s.line),
    ok: false,
    status: 'failed',
    error: 'no echo reply (default-ipv4-ippool ipipMode Always)',
  });
});

test('IPIP: outer node > node and inner pod > pod, request and reply, is ok; other pairs are ignored', (t) => {
  const cp1 = capture('k8s-cp1', [
    ['eth0', 'Out', ipip(CP1, W2, req(A, pod('pod-e')))], // another pair's packet
    ['eth0', 'Out', ipip(CP1, W1, req(A, D))],
    ['eth0', 'In', ipip(W1, CP1, rep(A, D))],
  ]);
  const v = judge(AD, IPIP, true, [...caliFrames(), ...cp1], nodes);
  t.deepEqual(v, {
    expected: 'ipip',
    reachable: true,
    evidence: [cp1[1].line, cp1[2].line],
    ok: true,
    status: 'ok',
    encapsulation: 'ipip',
    outer: { src: CP1, dst: W1 },
    inner: { src: A.ip, dst: D.ip },
  });
});

test("IPIP: the destination node's eth0 capture alone proves the path; a third node's does not", (t) => {
  const w1 = capture('k8s-w1', [
    ['eth0', 'In', ipip(CP1, W1, req(A, D))],
    ['eth0', 'Out', ipip(W1, CP1, rep(A, D))],
  ]);
  const v = judge(AD, IPIP, true, w1, nodes);
  t.like(v, { ok: true, status: 'ok', encapsulation: 'ipip', outer: { src: CP1, dst: W1 } });
  t.deepEqual(
    v.evidence,
    w1.map((s) => s.line),
  );
  const w2 = capture('k8s-w2', [
    ['eth0', 'In', ipip(CP1, W1, req(A, D))],
    ['eth0', 'Out', ipip(W1, CP1, rep(A, D))],
  ]);
  t.like(judge(AD, IPIP, true, w2, nodes), { ok: false, error: 'echo request not seen on k8s-cp1 or k8s-w1 eth0' });
});

test('IPIP: a missing request or reply on the underlay fails, naming which', (t) => {
  const onlyReq = capture('k8s-cp1', [['eth0', 'Out', ipip(CP1, W1, req(A, D))]]);
  const notSeen = (what: string) => `echo ${what} not seen on k8s-cp1 or k8s-w1 eth0`;
  t.like(judge(AD, IPIP, true, onlyReq, nodes), { ok: false, status: 'failed', error: notSeen('reply') });
  const onlyRep = capture('k8s-w1', [['eth0', 'Out', ipip(W1, CP1, rep(A, D))]]);
  t.like(judge(AD, IPIP, true, onlyRep, nodes), { ok: false, error: notSeen('request') });
  t.like(judge(AD, IPIP, true, caliFrames(), nodes), { ok: false, error: notSeen('request') });
});

test('IPIP: a request tunnelled to the wrong node fails, naming both outer headers', (t) => {
  const seen = cp1(out(ipip(CP1, W2, req(A, D))), inn(ipip(W1, CP1, rep(A, D))));
  const v = judge(AD, IPIP, true, seen, nodes);
  t.like(v, { ok: false, status: 'failed', encapsulation: 'ipip', outer: { src: CP1, dst: W2 } });
  t.deepEqual(v.inner, { src: A.ip, dst: D.ip });
  t.is(v.error, `outer header 10.10.20.3 > 10.10.20.5, expected 10.10.20.3 > 10.10.20.4: ${seen[0].line}`);
});

test('IPIP: a reply with the wrong outer header fails, naming the reply', (t) => {
  const seen = cp1(out(ipip(CP1, W1, req(A, D))), inn(ipip(W2, CP1, rep(A, D))));
  const v = judge(AD, IPIP, true, seen, nodes);
  t.like(v, { ok: false, status: 'failed', encapsulation: 'ipip', outer: { src: CP1, dst: W1 } });
  t.is(v.error, `reply outer header 10.10.20.5 > 10.10.20.3, expected 10.10.20.4 > 10.10.20.3: ${seen[1].line}`);
});

test('expected IPIP but the pod packets were bare on the wire: fails, saying what was seen', (t) => {
  const seen = capture('k8s-cp1', [
    ['eth0', 'Out', req(A, D)],
    ['eth0', 'In', rep(A, D)],
  ]);
  const v = judge(AD, IPIP, true, seen, nodes);
  t.like(v, { ok: false, status: 'failed', expected: 'ipip', encapsulation: 'none', outer: { src: A.ip, dst: D.ip } });
  t.is(v.error, `expected ipip (default-ipv4-ippool ipipMode Always), saw none: ${seen[0].line}`);
});

test('no encapsulation expected: bare pod packets are ok with no outer check; an IPIP one fails', (t) => {
  const none = exp('none', 'no encapsulation; the router learned the pod blocks over BGP');
  const bare = capture('k8s-cp1', [
    ['eth0', 'Out', req(A, D)],
    ['eth0', 'In', rep(A, D)],
  ]);
  t.like(judge(AD, none, true, bare, nodes), {
    ok: true,
    status: 'ok',
    encapsulation: 'none',
    outer: { src: A.ip, dst: D.ip },
    inner: { src: A.ip, dst: D.ip },
    error: undefined,
  });
  const tunnelled = cp1(out(ipip(CP1, W1, req(A, D))), inn(ipip(W1, CP1, rep(A, D))));
  const v = judge(AD, none, true, tunnelled, nodes);
  t.like(v, { ok: false, encapsulation: 'ipip' });
  t.is(v.error, `expected none (${none.why}), saw ipip: ${tunnelled[0].line}`);
});

const VX = exp('vxlan', 'default-ipv4-ippool vxlanMode Always');

test('VXLAN: UDP 4789 with VNI 4096 between the nodes is ok', (t) => {
  const seen = capture('k8s-cp1', [
    ['eth0', 'Out', vx(CP1, W1, req(A, D))],
    ['eth0', 'In', vx(W1, CP1, rep(A, D))],
  ]);
  t.deepEqual(judge(AD, VX, true, seen, nodes), {
    expected: 'vxlan',
    reachable: true,
    evidence: seen.map((s) => s.line),
    ok: true,
    status: 'ok',
    encapsulation: 'vxlan',
    outer: { src: CP1, dst: W1 },
    inner: { src: A.ip, dst: D.ip },
  });
});

test('VXLAN: a wrong VNI or a wrong destination port fails', (t) => {
  const vni = cp1(out(vx(CP1, W1, req(A, D), 1)), inn(vx(W1, CP1, rep(A, D), 1)));
  const v = judge(AD, VX, true, vni, nodes);
  t.like(v, { ok: false, status: 'failed', encapsulation: 'vxlan', outer: { src: CP1, dst: W1 } });
  t.is(v.error, `expected UDP 4789 with VNI 4096: ${vni[0].line}`);
  t.regex(v.error!, /vni 1:/);
  // From port 4789 to Linux's default 8472: decoded as VXLAN by its source port, refused by its destination.
  const port = cp1(out(vx(CP1, W1, req(A, D), 4096, 4789, 8472)), inn(vx(W1, CP1, rep(A, D))));
  const p = judge(AD, VX, true, port, nodes);
  t.like(p, { ok: false, encapsulation: 'vxlan' });
  t.is(p.error, `expected UDP 4789 with VNI 4096: ${port[0].line}`);
  t.regex(p.error!, /10\.10\.20\.4\.8472: VXLAN/);
});

const WG = exp('wireguard', 'WireGuard encrypts node-to-node pod traffic');

test('WireGuard: only UDP 51820 between the node IPs on eth0 is ok; the outer header is reported', (t) => {
  const seen = capture('k8s-cp1', [
    [A.interface, 'In', req(A, D)],
    ['wireguard.cali', 'Out', req(A, D)],
    ['eth0', 'Out', wg(CP1, W1)],
    ['eth0', 'In', wg(W1, CP1)],
    ['wireguard.cali', 'In', rep(A, D)],
    [A.interface, 'Out', rep(A, D)],
  ]);
  t.deepEqual(judge(AD, WG, true, seen, nodes), {
    expected: 'wireguard',
    reachable: true,
    evidence: [seen[2].line],
    ok: true,
    status: 'ok',
    encapsulation: 'wireguard',
    outer: { src: CP1, dst: W1 },
  });
  t.regex(seen[2].line, /^k8s-cp1 eth0 Out: IP 10\.10\.20\.3\.51820 > 10\.10\.20\.4\.51820: WireGuard transport data/);
});

test('WireGuard: a pod address on eth0, bare or in IPIP, fails', (t) => {
  for (const leaked of [req(A, D), ipip(CP1, W1, req(A, D))]) {
    const seen = capture('k8s-cp1', [
      ['eth0', 'Out', wg(CP1, W1)],
      ['eth0', 'Out', leaked],
    ]);
    const v = judge(AD, WG, true, seen, nodes);
    t.like(v, { ok: false, status: 'failed', encapsulation: undefined });
    t.is(v.error, `pod address on the wire under WireGuard: ${seen[1].line}`);
  }
});

test('WireGuard: no WireGuard packet from the source node to the destination node fails', (t) => {
  const error = 'no WireGuard UDP 51820 from 10.10.20.3 to 10.10.20.4 on k8s-cp1 eth0';
  t.like(judge(AD, WG, true, caliFrames(), nodes), { ok: false, status: 'failed', error });
  const wrong = capture('k8s-cp1', [
    ['eth0', 'In', wg(W1, CP1)],
    ['eth0', 'Out', wg(CP1, W2)],
  ]);
  t.like(judge(AD, WG, true, wrong, nodes), { ok: false, error });
  const elsewhere = capture('k8s-w1', [['eth0', 'In', wg(CP1, W1)]]);
  t.like(judge(AD, WG, true, elsewhere, nodes), { ok: false, error }, "only the source node's eth0 counts");
});

test('expected unreachable: the request leaves the source eth0 unencapsulated and is not answered', (t) => {
  const seen = capture('k8s-cp1', [
    [A.interface, 'In', req(A, D)],
    ['eth0', 'Out', req(A, D)],
  ]);
  t.deepEqual(judge(AD, UNREACHABLE, false, seen, nodes), {
    expected: 'none',
    reachable: false,
    evidence: seen.map((s) => s.line),
    ok: true,
    status: 'expected-unreachable',
    encapsulation: 'none',
    outer: { src: A.ip, dst: D.ip },
    inner: { src: A.ip, dst: D.ip },
    error: 'unreachable as expected: no encapsulation across subnets: the router has no route to 10.8.0.0/16',
  });
});

test('expected unreachable but answered fails', (t) => {
  const seen = capture('k8s-cp1', [
    ['eth0', 'Out', req(A, D)],
    ['eth0', 'In', rep(A, D)],
  ]);
  const v = judge(AD, UNREACHABLE, true, seen, nodes);
  t.like(v, { ok: false, status: 'failed', reachable: true, expected: 'none' });
  t.is(v.error, `expected unreachable (${UNREACHABLE.why}) but the ping was answered`);
  t.is(UNREACHABLE.why, 'no encapsulation across subnets: the router has no route to 10.8.0.0/16');
});

test("expected unreachable with no request on the source node's eth0 fails", (t) => {
  const error = 'expected the request to leave the node unencapsulated, but no packet was seen on its eth0';
  const onlyCali = capture('k8s-cp1', [[A.interface, 'In', req(A, D)]]);
  t.like(judge(AD, UNREACHABLE, false, onlyCali, nodes), { ok: false, status: 'failed', error });
  const onDst = capture('k8s-w1', [['eth0', 'In', req(A, D)]]);
  t.like(judge(AD, UNREACHABLE, false, onDst, nodes), { ok: false, error }, "the destination's eth0 does not count");
});

// The rule the failure message states ("expected the request to leave the node unencapsulated")
// is not enforced: an encapsulated request that goes unanswered is accepted as expected-unreachable,
// though Calico (no encapsulation: the only case where a pair is expected unreachable) would
// never have tunnelled it. Marked failing until judge checks encapsulationOf(req.outer) === 'none'.
test('expected unreachable but the request left IPIP-encapsulated fails', (t) => {
  const seen = capture('k8s-cp1', [['eth0', 'Out', ipip(CP1, W1, req(A, D))]]);
  const v = judge(AD, UNREACHABLE, false, seen, nodes);
  t.is(v.status, 'failed');
  t.false(v.ok);
});
