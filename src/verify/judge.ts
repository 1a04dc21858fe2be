// The verdict of each pod pair, decided from decoded packets alone: same node (both cali
// interfaces, never eth0), IPIP/VXLAN (outer node > node, inner pod > pod), WireGuard (only UDP
// 51820 between nodes, no pod address on any eth0), none, or expected-unreachable. Pure: verify
// feeds it the captures; unit tests feed it synthetic packets.
import { VXLAN } from '../calico/felix/encap.ts';
import { encapsulationOf, innermost, type Ipv4 } from '../packets/decode.ts';
import type { DecodedPacket } from '../packets/pcap.ts';
import { summarize } from '../packets/render.ts';
import type { NodePlan } from '../plan/plan.ts';
import type { Expectation, PathKind } from './expect.ts';
import type { Pair } from './pairs.ts';

export interface PairReport {
  from: string;
  to: string;
  fromPod: string;
  toPod: string;
  fromNode: string;
  toNode: string;
  sameNode: boolean;
  /** The pair behaved as Calico would: reachable with the expected path, expected-unreachable, or
   *  denied by policy as Calico's policy semantics predict. */
  ok: boolean;
  status: 'ok' | 'expected-unreachable' | 'denied' | 'failed';
  /** The probe: ICMP echo for every pair, TCP or UDP to each declared pod port. */
  protocol: 'icmp' | 'tcp' | 'udp';
  port: number | null;
  /** Calico's policy verdict (the evaluator), the verdict measured from the pcaps, the policy or
   *  profile that decided, and for a dropped probe the Felix rule whose counter moved. */
  expectedVerdict: 'allowed' | 'denied';
  verdict: 'allowed' | 'denied';
  policy: string;
  policyWhy: string;
  droppedAt?: { node: string; chain: string; rule: number; hash?: string; description: string };
  reachable: boolean;
  encapsulation?: PathKind;
  expected: PathKind;
  outer?: { src: string; dst: string };
  inner?: { src: string; dst: string };
  /** TTL of the echo reply as ping printed it, what Calico's path predicts, and why. */
  ttl?: number;
  ttlExpected: number;
  ttlWhy: string;
  /** Largest packet with DF set: proven by a DF ping of exactly this size passing and one byte more refused. */
  pathMtu?: number;
  mtuExpected: number;
  mtuWhy: string;
  /** Set when the measured path MTU differs from the arithmetic, with the likely reason. */
  mtuNote?: string;
  pcap: string;
  /** The decoded packets that decided the verdict, as "node iface: summary" lines. */
  evidence: string[];
  error?: string;
}

export interface OutsideReport {
  from: string;
  fromPod: string;
  fromNode: string;
  to: string;
  host: string;
  ok: boolean;
  status: 'ok' | 'expected-unreachable' | 'failed';
  reachable: boolean;
  natOutgoing: boolean;
  /** The source address the outside host saw: the node IP when masqueraded. */
  sourceSeen?: string;
  expectedSource: string;
  evidence: string[];
  error?: string;
}

export interface VerifyReport {
  ok: boolean;
  pairs: PairReport[];
  outside: OutsideReport[];
  pcaps: string[];
  /** Packets tcpdump reported dropped by the kernel, summed over all captures. */
  droppedByKernel: number;
  timings: Record<string, number>;
}

export interface Seen {
  node: string;
  iface: string;
  outer: Ipv4;
  inner: Ipv4;
  line: string;
}

/** The IPv4 packets of one node's capture, each with its interface name and a tcpdump-style line. */
export function seenPackets(node: string, packets: DecodedPacket[], ifnames: Map<number, string>): Seen[] {
  const seen: Seen[] = [];
  for (const p of packets) {
    const n = p.frame.network;
    if (n?.kind !== 'ipv4') continue;
    const iface = ifnames.get(p.frame.ifindex ?? -1) ?? `if${p.frame.ifindex}`;
    const line = `${node} ${iface} ${p.frame.direction ?? ''}: ${summarize(p.frame)}`;
    seen.push({ node, iface, outer: n, inner: innermost(n), line });
  }
  return seen;
}

const isEcho = (s: Seen, src: string, dst: string, type: number) =>
  s.inner.src === src && s.inner.dst === dst && s.inner.payload?.kind === 'icmp' && s.inner.payload.type === type;

/** What judge decides for a pair; verify adds the pair's names, TTL and MTU facts. */
export type Verdict = Omit<
  PairReport,
  | 'protocol'
  | 'port'
  | 'expectedVerdict'
  | 'verdict'
  | 'policy'
  | 'policyWhy'
  | 'droppedAt'
  | 'from'
  | 'to'
  | 'fromPod'
  | 'toPod'
  | 'fromNode'
  | 'toNode'
  | 'sameNode'
  | 'pcap'
  | 'ttl'
  | 'ttlExpected'
  | 'ttlWhy'
  | 'pathMtu'
  | 'mtuExpected'
  | 'mtuWhy'
  | 'mtuNote'
>;

type Base = Pick<Verdict, 'expected' | 'reachable' | 'evidence'>;

/** A failed verdict: what was expected, what was seen, and why it is not what Calico would do. */
const failedVerdict = (base: Base, error: string, extra: Partial<Verdict> = {}): Verdict => ({
  ...base,
  ...extra,
  ok: false,
  status: 'failed',
  error,
});

/** A pair Calico cannot connect (no encapsulation across a router without pod routes): the
 *  request must leave the source node bare and go unanswered. */
function unreachableVerdict(
  pair: Pair,
  exp: Expectation,
  reachable: boolean,
  onUnderlay: Seen[],
  fromNode: NodePlan,
  base: Base,
): Verdict {
  const a = pair.from.ip;
  const b = pair.to.ip;
  const failed = (error: string) => failedVerdict(base, error);
  if (reachable) return failed(`expected unreachable (${exp.why}) but the ping was answered`);
  const req = onUnderlay.find((s) => s.node === fromNode.name && isEcho(s, a, b, 8));
  if (!req) return failed('expected the request to leave the node unencapsulated, but no packet was seen on its eth0');
  // Calico expects a pair unreachable only without encapsulation (expectPath): a tunnelled
  // request that went unanswered is a different failure, not the expected one.
  const left = encapsulationOf(req.outer);
  if (left !== 'none')
    return failed(`expected the request to leave the node unencapsulated, but it left ${left}: ${req.line}`);
  return {
    ...base,
    ok: true,
    status: 'expected-unreachable',
    encapsulation: left,
    outer: { src: req.outer.src, dst: req.outer.dst },
    inner: { src: a, dst: b },
    error: `unreachable as expected: ${exp.why}`,
  };
}

/** The verdict of one pair from the packets every node captured, against what Calico would do. */
export function judge(pair: Pair, exp: Expectation, reachable: boolean, all: Seen[], nodes: NodePlan[]): Verdict {
  const a = pair.from.ip;
  const b = pair.to.ip;
  const fromNode = nodes.find((n) => n.name === pair.from.node)!;
  const toNode = nodes.find((n) => n.name === pair.to.node)!;
  const mine = all.filter((s) => isEcho(s, a, b, 8) || isEcho(s, b, a, 0));
  const onUnderlay = mine.filter((s) => s.iface === 'eth0');
  const base = { expected: exp.encapsulation, reachable, evidence: mine.slice(0, 8).map((s) => s.line) };
  const failed = (error: string, extra: Partial<Verdict> = {}) => failedVerdict(base, error, extra);

  if (!exp.reachable) return unreachableVerdict(pair, exp, reachable, onUnderlay, fromNode, base);
  if (!reachable) return failed(`no echo reply (${exp.why})`);

  if (exp.encapsulation === 'local') {
    const onSrc = mine.some((s) => s.node === fromNode.name && s.iface === pair.from.interface && isEcho(s, a, b, 8));
    const onDst = mine.some((s) => s.node === fromNode.name && s.iface === pair.to.interface && isEcho(s, a, b, 8));
    if (onUnderlay.length) return failed(`same-node traffic on the underlay: ${onUnderlay[0].line}`);
    if (!onSrc || !onDst) return failed(`request not seen on ${!onSrc ? pair.from.interface : pair.to.interface}`);
    return { ...base, ok: true, status: 'ok', encapsulation: 'local', inner: { src: a, dst: b } };
  }

  const fromEth0 = all.filter((s) => s.node === fromNode.name && s.iface === 'eth0');
  const toEth0 = all.filter((s) => s.node === toNode.name && s.iface === 'eth0');
  if (exp.encapsulation === 'wireguard') {
    if (onUnderlay.length) return failed(`pod address on the wire under WireGuard: ${onUnderlay[0].line}`);
    const wg = fromEth0.find(
      (s) =>
        s.outer.payload?.kind === 'udp' &&
        s.outer.payload.wireguard &&
        s.outer.src === fromNode.ip &&
        s.outer.dst === toNode.ip,
    );
    if (!wg) return failed(`no WireGuard UDP 51820 from ${fromNode.ip} to ${toNode.ip} on ${fromNode.name} eth0`);
    return {
      ...base,
      evidence: [wg.line],
      ok: true,
      status: 'ok',
      encapsulation: 'wireguard',
      outer: { src: wg.outer.src, dst: wg.outer.dst },
    };
  }
  // Request and reply must both be on the wire; either end's eth0 capture proves them.
  const req = fromEth0.find((s) => isEcho(s, a, b, 8)) ?? toEth0.find((s) => isEcho(s, a, b, 8));
  const rep = fromEth0.find((s) => isEcho(s, b, a, 0)) ?? toEth0.find((s) => isEcho(s, b, a, 0));
  if (!req || !rep)
    return failed(`echo ${!req ? 'request' : 'reply'} not seen on ${fromNode.name} or ${toNode.name} eth0`);
  const observed = encapsulationOf(req.outer);
  const outer = { src: req.outer.src, dst: req.outer.dst };
  const inner = { src: req.inner.src, dst: req.inner.dst };
  const extra = { encapsulation: observed, outer, inner };
  if (observed !== exp.encapsulation)
    return failed(`expected ${exp.encapsulation} (${exp.why}), saw ${observed}: ${req.line}`, extra);
  if (observed === 'vxlan') {
    const u = req.outer.payload?.kind === 'udp' ? req.outer.payload : undefined;
    if (u?.dport !== VXLAN.port || u.vxlan?.vni !== VXLAN.vni)
      return failed(`expected UDP ${VXLAN.port} with VNI ${VXLAN.vni}: ${req.line}`, extra);
  }
  if (observed !== 'none') {
    if (outer.src !== fromNode.ip || outer.dst !== toNode.ip)
      return failed(
        `outer header ${outer.src} > ${outer.dst}, expected ${fromNode.ip} > ${toNode.ip}: ${req.line}`,
        extra,
      );
    if (rep.outer.src !== toNode.ip || rep.outer.dst !== fromNode.ip)
      return failed(
        `reply outer header ${rep.outer.src} > ${rep.outer.dst}, expected ${toNode.ip} > ${fromNode.ip}: ${rep.line}`,
        extra,
      );
  }
  return { ...base, evidence: [req.line, rep.line], ok: true, status: 'ok', ...extra };
}
