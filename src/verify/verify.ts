// `verify`: every ordered pod pair pings once while tcpdump records every node (`-i any`, so
// eth0, tunl0 and every cali interface at once, one process per node). Each pair's verdict
// is then decided from the decoded packets, against what Calico would do (expect.ts).
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { encapsulationOf, innermost, type Ipv4 } from '../packets/decode.ts';
import { readPcap } from '../packets/pcap.ts';
import { summarize } from '../packets/render.ts';
import { startCapture, type Capture } from '../kernel/tcpdump.ts';
import { ipJson } from '../kernel/exec.ts';
import { writeRecord, type LabRecord } from '../lab/state.ts';
import { contains, parseCidr, parseIp } from '../net/ipv4.ts';
import { outsideNs } from '../plan/naming.ts';
import { VXLAN } from '../calico/felix/encap.ts';
import type { NodePlan } from '../plan/plan.ts';
import { expectPath, type PathKind } from './expect.ts';
import { expectedPathMtu, expectedTtl } from './facts.ts';
import { pathMtu } from './mtu.ts';
import { orderedPairs, ping, type Pair } from '../kernel/ping.ts';

export interface PairReport {
  from: string;
  to: string;
  fromPod: string;
  toPod: string;
  fromNode: string;
  toNode: string;
  sameNode: boolean;
  /** The pair behaved as Calico would: reachable with the expected path, or expected-unreachable. */
  ok: boolean;
  status: 'ok' | 'expected-unreachable' | 'failed';
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

interface Seen {
  node: string;
  iface: string;
  outer: Ipv4;
  inner: Ipv4;
  line: string;
}

async function capturedPackets(node: NodePlan, file: string, ifnames: Map<number, string>): Promise<Seen[]> {
  const { packets } = await readPcap(file);
  const seen: Seen[] = [];
  for (const p of packets) {
    const n = p.frame.network;
    if (n?.kind !== 'ipv4') continue;
    const iface = ifnames.get(p.frame.ifindex ?? -1) ?? `if${p.frame.ifindex}`;
    seen.push({ node: node.name, iface, outer: n, inner: innermost(n), line: `${node.name} ${iface} ${p.frame.direction ?? ''}: ${summarize(p.frame)}` });
  }
  return seen;
}

const isEcho = (s: Seen, src: string, dst: string, type: number) =>
  s.inner.src === src && s.inner.dst === dst && s.inner.payload?.kind === 'icmp' && s.inner.payload.type === type;

function judge(pair: Pair, exp: ReturnType<typeof expectPath>, reachable: boolean, all: Seen[], nodes: NodePlan[]): Omit<PairReport, 'from' | 'to' | 'fromPod' | 'toPod' | 'fromNode' | 'toNode' | 'sameNode' | 'pcap' | 'ttl' | 'ttlExpected' | 'ttlWhy' | 'pathMtu' | 'mtuExpected' | 'mtuWhy' | 'mtuNote'> {
  const a = pair.from.ip;
  const b = pair.to.ip;
  const fromNode = nodes.find((n) => n.name === pair.from.node)!;
  const toNode = nodes.find((n) => n.name === pair.to.node)!;
  const mine = all.filter((s) => isEcho(s, a, b, 8) || isEcho(s, b, a, 0));
  const onUnderlay = mine.filter((s) => s.iface === 'eth0');
  const base = { expected: exp.encapsulation, reachable, evidence: mine.slice(0, 8).map((s) => s.line) };
  const failed = (error: string, extra: object = {}) => ({ ...base, ...extra, ok: false, status: 'failed' as const, error });

  if (!exp.reachable) {
    if (reachable) return failed(`expected unreachable (${exp.why}) but the ping was answered`);
    const req = onUnderlay.find((s) => s.node === fromNode.name && isEcho(s, a, b, 8));
    if (!req) return failed('expected the request to leave the node unencapsulated, but no packet was seen on its eth0');
    return { ...base, ok: true, status: 'expected-unreachable', encapsulation: encapsulationOf(req.outer), outer: { src: req.outer.src, dst: req.outer.dst }, inner: { src: a, dst: b }, error: `unreachable as expected: ${exp.why}` };
  }
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
    const wg = fromEth0.find((s) => s.outer.payload?.kind === 'udp' && s.outer.payload.wireguard && s.outer.src === fromNode.ip && s.outer.dst === toNode.ip);
    if (!wg) return failed(`no WireGuard UDP 51820 from ${fromNode.ip} to ${toNode.ip} on ${fromNode.name} eth0`);
    return { ...base, evidence: [wg.line], ok: true, status: 'ok', encapsulation: 'wireguard', outer: { src: wg.outer.src, dst: wg.outer.dst } };
  }
  // Request and reply must both be on the wire; either end's eth0 capture proves them.
  const req = fromEth0.find((s) => isEcho(s, a, b, 8)) ?? toEth0.find((s) => isEcho(s, a, b, 8));
  const rep = fromEth0.find((s) => isEcho(s, b, a, 0)) ?? toEth0.find((s) => isEcho(s, b, a, 0));
  if (!req || !rep) return failed(`echo ${!req ? 'request' : 'reply'} not seen on ${fromNode.name} or ${toNode.name} eth0`);
  const observed = encapsulationOf(req.outer);
  const outer = { src: req.outer.src, dst: req.outer.dst };
  const inner = { src: req.inner.src, dst: req.inner.dst };
  const extra = { encapsulation: observed, outer, inner };
  if (observed !== exp.encapsulation) return failed(`expected ${exp.encapsulation} (${exp.why}), saw ${observed}: ${req.line}`, extra);
  if (observed === 'vxlan') {
    const u = req.outer.payload?.kind === 'udp' ? req.outer.payload : undefined;
    if (u?.dport !== VXLAN.port || u.vxlan?.vni !== VXLAN.vni) return failed(`expected UDP ${VXLAN.port} with VNI ${VXLAN.vni}: ${req.line}`, extra);
  }
  if (observed !== 'none') {
    if (outer.src !== fromNode.ip || outer.dst !== toNode.ip) return failed(`outer header ${outer.src} > ${outer.dst}, expected ${fromNode.ip} > ${toNode.ip}: ${req.line}`, extra);
    if (rep.outer.src !== toNode.ip || rep.outer.dst !== fromNode.ip) return failed(`reply outer header ${rep.outer.src} > ${rep.outer.dst}, expected ${toNode.ip} > ${fromNode.ip}: ${rep.line}`, extra);
  }
  return { ...base, evidence: [req.line, rep.line], ok: true, status: 'ok', ...extra };
}

/** Two DF pings per reachable pair, all at once: the expected MTU must pass and one byte more
 *  must be refused; anything else is bisected for that pair. */
async function provePathMtu(pairs: Pair[], reachable: boolean[], expected: number[]): Promise<{ pathMtu?: number; note?: string }[]> {
  return Promise.all(pairs.map(async (p, i) => {
    if (!reachable[i]) return {};
    const [fits, above] = await Promise.all([
      ping(p.from.netns, p.to.ip, { count: 1, timeoutS: 2, size: expected[i] - 28, dontFragment: true }),
      ping(p.from.netns, p.to.ip, { count: 1, timeoutS: 1, size: expected[i] - 27, dontFragment: true }),
    ]);
    if (fits.ok && !above.ok) return { pathMtu: expected[i] };
    const r = await pathMtu(p.from.netns, p.to.ip, Math.max(...expected) + 100).catch(() => ({ pathMtu: undefined }));
    // Not a failure of the pair: after a live switch the pod's kernel keeps a learned path MTU
    // (ip route get shows "cache expires … mtu N") for up to 10 minutes, as on a real cluster.
    return { pathMtu: r.pathMtu, note: `measured ${r.pathMtu ?? 'nothing'}, expected ${expected[i]}: a path MTU the pod's kernel learned earlier (ICMP frag needed) is cached for up to 600 s (net.ipv4.route.mtu_expires); \`ip -n POD route get DST\` shows it` };
  }));
}

export async function verifyLab(rec: LabRecord, opts: { pcapDir?: string } = {}): Promise<VerifyReport> {
  const t0 = Date.now();
  const plan = rec.plan;
  const dir = resolve(opts.pcapDir ?? join(plan.stateDir, 'captures'));
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const files = plan.nodes.map((n) => join(dir, `${n.name}.pcap`));
  const links = await Promise.all(plan.nodes.map((n) => ipJson<{ ifindex: number; ifname: string }[]>('read links', n.netns, ['link', 'show'])));
  const hosts = rec.topology.outside.map((h) => ({ ...h, netns: outsideNs(rec.lab, h.name), file: join(dir, `outside-${h.name}.pcap`) }));
  const captures: Capture[] = await Promise.all([
    ...plan.nodes.map((n, i) => startCapture(n.netns, files[i])),
    ...hosts.map((h) => startCapture(h.netns, h.file, { filter: ['icmp'] })),
  ]);
  rec.processes.push(...captures.map((c) => ({ pid: c.pid, what: `tcpdump ${c.ns}`, marker: c.file })));
  writeRecord(rec);
  const t1 = Date.now();
  const pairs = orderedPairs(plan);
  let results: Awaited<ReturnType<typeof ping>>[] = [];
  let outResults: Awaited<ReturnType<typeof ping>>[] = [];
  let drops = 0;
  try {
    const outsidePings = plan.workloads.flatMap((w) => hosts.map((h) => ({ w, h })));
    [results, outResults] = await Promise.all([
      Promise.all(pairs.map((p) => ping(p.from.netns, p.to.ip, { count: 1, timeoutS: 2 }))),
      Promise.all(outsidePings.map(({ w, h }) => ping(w.netns, h.ip, { count: 1, timeoutS: 3 }))),
    ]);
  } finally {
    drops = (await Promise.all(captures.map((c) => c.stop()))).reduce((a, b) => a + b, 0);
    rec.processes = rec.processes.filter((p) => !captures.some((c) => c.pid === p.pid));
    writeRecord(rec);
  }
  const t2 = Date.now();
  const kinds = pairs.map((p) => expectPath(rec.topology, p.from, p.to));
  const mtuFacts = pairs.map((p, i) => expectedPathMtu(rec.topology, p.from, p.to, kinds[i].encapsulation));
  const mtus = await provePathMtu(pairs, results.map((r) => r.ok), mtuFacts.map((m) => m.mtu));
  const t3 = Date.now();
  const seen = (await Promise.all(plan.nodes.map((n, i) => capturedPackets(n, files[i], new Map(links[i].map((l) => [l.ifindex, l.ifname])))))).flat();
  const reports: PairReport[] = pairs.map((p, i) => {
    const exp = kinds[i];
    const verdict = judge(p, exp, results[i].ok, seen, plan.nodes);
    const ttl = expectedTtl(rec.topology, p.from, p.to, exp.encapsulation);
    const facts = { ttl: results[i].ttl, ttlExpected: ttl.ttl, ttlWhy: ttl.why, pathMtu: mtus[i].pathMtu, mtuExpected: mtuFacts[i].mtu, mtuWhy: mtuFacts[i].why, mtuNote: mtus[i].note };
    if (verdict.ok && verdict.status === 'ok' && facts.ttl !== ttl.ttl) {
      Object.assign(verdict, { ok: false, status: 'failed', error: `ttl ${facts.ttl}, expected ${ttl.ttl}: ${ttl.why}` });
    }
    return {
      from: p.from.ip, to: p.to.ip, fromPod: `${p.from.namespace}/${p.from.pod}`, toPod: `${p.to.namespace}/${p.to.pod}`,
      fromNode: p.from.node, toNode: p.to.node, sameNode: p.sameNode, ...facts,
      pcap: files[plan.nodes.findIndex((n) => n.name === p.from.node)], ...verdict,
    };
  });
  const outside = await judgeOutside(rec, hosts, outResults);
  const timings = { capture: t1 - t0, ping: t2 - t1, mtu: t3 - t2, decode: Date.now() - t3, verify: Date.now() - t0 };
  return { ok: reports.every((r) => r.ok) && outside.every((o) => o.ok), pairs: reports, outside, pcaps: [...files, ...hosts.map((h) => h.file)], droppedByKernel: drops, timings };
}

/** natOutgoing: the outside host must see the node's IP (MASQUERADE), never the pod's. Without
 *  natOutgoing it sees the pod IP and its reply has no way back (the router lacks pod routes). */
async function judgeOutside(rec: LabRecord, hosts: { name: string; ip: string; file: string }[], results: Awaited<ReturnType<typeof ping>>[]): Promise<OutsideReport[]> {
  const out: OutsideReport[] = [];
  const seenBy = await Promise.all(hosts.map(async (h) => (await readPcap(h.file)).packets.map((p) => p.frame)));
  let i = 0;
  for (const w of rec.plan.workloads) {
    const node = rec.plan.nodes.find((n) => n.name === w.node)!;
    const nat = rec.topology.ipPools.some((p) => p.natOutgoing && !p.disabled && contains(parseCidr(p.cidr), parseIp(w.ip)));
    hosts.forEach((h, hi) => {
      const r = results[i++];
      const expectedSource = nat ? node.ip : w.ip;
      const candidates = seenBy[hi].filter((f) => f.network?.kind === 'ipv4' && f.network.dst === h.ip && f.network.payload?.kind === 'icmp' && f.network.payload.type === 8 && (f.network.src === w.ip || f.network.src === node.ip));
      // Pods of one node share the masqueraded source, so the claim is per source address.
      const mine = candidates.find((f) => f.network?.kind === 'ipv4' && f.network.src === expectedSource);
      const base = { from: w.ip, fromPod: `${w.namespace}/${w.pod}`, fromNode: w.node, to: h.ip, host: h.name, reachable: r.ok, natOutgoing: nat, expectedSource, evidence: mine ? [`${h.name} eth0: ${summarize(mine)}`] : [] };
      const src = mine?.network?.kind === 'ipv4' ? mine.network.src : undefined;
      if (!mine) out.push({ ...base, ok: false, status: 'failed', error: `no echo request from ${expectedSource} reached ${h.name}` });
      else if (nat && !r.ok) out.push({ ...base, sourceSeen: src, ok: false, status: 'failed', error: 'masqueraded request arrived but no reply came back' });
      else if (!nat && r.ok) out.push({ ...base, sourceSeen: src, ok: false, status: 'failed', error: 'reachable without natOutgoing: the router should not know pod routes' });
      else out.push({ ...base, sourceSeen: src, ok: true, status: nat ? 'ok' : 'expected-unreachable', ...(nat ? {} : { error: 'unreachable as expected: natOutgoing is off and the router has no route back to the pod' }) });
    });
  }
  return out;
}
