// `verify`: every ordered pod pair pings once while tcpdump records every node (`-i any`, so
// eth0, tunl0 and every cali interface at once, one process per node). Each pair's verdict
// is then decided from the decoded packets (judge.ts), against what Calico would do (expect.ts).
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readPcap } from '../packets/pcap.ts';
import { summarize } from '../packets/render.ts';
import { startCapture, type Capture } from '../kernel/tcpdump.ts';
import { ipJson } from '../kernel/exec.ts';
import { writeRecord, type LabRecord } from '../lab/state.ts';
import { contains, parseCidr, parseIp } from '../net/ipv4.ts';
import { outsideNs } from '../plan/naming.ts';
import type { NodePlan } from '../plan/plan.ts';
import { expectPath, type Expectation } from './expect.ts';
import {
  judge,
  seenPackets,
  type OutsideReport,
  type PairReport,
  type Seen,
  type Verdict,
  type VerifyReport,
} from './judge.ts';
import { judgePolicy } from './verdicts.ts';
import { expectedPathMtu, expectedTtl, type MtuFact } from './facts.ts';
import { pathMtu, ping, type PingResult } from '../kernel/ping.ts';
import { orderedPairs, type Pair } from './pairs.ts';
import type { Evaluation } from '../calico/policy/evaluate.ts';
import { probePort, type PortProbeResult } from '../kernel/connect.ts';
import type { ProbeTarget } from './delivered.ts';
import {
  type NodeCounters,
  policyOracle,
  portProbeTargets,
  readRuleCounters,
  renderedTables,
} from './policy-probes.ts';

async function capturedPackets(node: NodePlan, file: string, ifnames: Map<number, string>): Promise<Seen[]> {
  return seenPackets(node.name, (await readPcap(file)).packets, ifnames);
}

/** Two DF pings per reachable pair, all at once: the expected MTU must pass and one byte more
 *  must be refused; anything else is bisected for that pair. */
type MtuProof = { pathMtu?: number; note?: string };

async function provePathMtu(pairs: Pair[], reachable: boolean[], expected: number[]): Promise<MtuProof[]> {
  return Promise.all(
    pairs.map(async (p, i) => {
      if (!reachable[i]) return {};
      const [fits, above] = await Promise.all([
        ping(p.from.netns, p.to.ip, { count: 1, timeoutS: 2, size: expected[i] - 28, dontFragment: true }),
        ping(p.from.netns, p.to.ip, { count: 1, timeoutS: 1, size: expected[i] - 27, dontFragment: true }),
      ]);
      if (fits.ok && !above.ok) return { pathMtu: expected[i] };
      const r = await pathMtu(p.from.netns, p.to.ip, Math.max(...expected) + 100).catch(() => ({ pathMtu: undefined }));
      // Not a failure of the pair: after a live switch the pod's kernel keeps a learned path MTU
      // (ip route get shows "cache expires … mtu N") for up to 10 minutes, as on a real cluster.
      return {
        pathMtu: r.pathMtu,
        note:
          `measured ${r.pathMtu ?? 'nothing'}, expected ${expected[i]}: a path MTU the pod's kernel learned earlier ` +
          '(ICMP frag needed) is cached for up to 600 s (net.ipv4.route.mtu_expires); ' +
          '`ip -n POD route get DST` shows it',
      };
    }),
  );
}

type OutsideHost = { name: string; ip: string; netns: string; file: string };

/** One tcpdump per node (and per outside host) while every pair pings once; the captures' pids
 *  are recorded so that `down` stops them even if verify is interrupted. */
async function pingWhileCapturing(
  rec: LabRecord,
  files: string[],
  hosts: OutsideHost[],
  pairs: Pair[],
  ports: ProbeTarget[],
) {
  const plan = rec.plan;
  const captures: Capture[] = await Promise.all([
    ...plan.nodes.map((n, i) => startCapture(n.netns, files[i])),
    ...hosts.map((h) => startCapture(h.netns, h.file, { filter: ['icmp'] })),
  ]);
  rec.processes.push(...captures.map((c) => ({ pid: c.pid, what: `tcpdump ${c.ns}`, marker: c.file })));
  writeRecord(rec);
  const started = Date.now();
  let results: PingResult[] = [];
  let outResults: PingResult[] = [];
  let portResults: PortProbeResult[] = [];
  let drops = 0;
  // Without a policy nothing is denied (every profile allows), so there is no drop to locate.
  const noPolicy = !(rec.topology.policies ?? []).length;
  const readCounters = () => (noPolicy ? Promise.resolve(new Map()) : readRuleCounters(rec));
  const before = await readCounters();
  let after = before;
  try {
    const outsidePings = plan.workloads.flatMap((w) => hosts.map((h) => ({ w, h })));
    [results, outResults, portResults] = await Promise.all([
      Promise.all(pairs.map((p) => ping(p.from.netns, p.to.ip, { count: 1, timeoutS: 2 }))),
      Promise.all(outsidePings.map(({ w, h }) => ping(w.netns, h.ip, { count: 1, timeoutS: 3 }))),
      Promise.all(ports.map((t) => probePort(t.from.netns, t.to.ip, t.port!, t.protocol as 'tcp' | 'udp'))),
    ]);
    after = await readCounters();
  } finally {
    drops = (await Promise.all(captures.map((c) => c.stop()))).reduce((a, b) => a + b, 0);
    rec.processes = rec.processes.filter((p) => !captures.some((c) => c.pid === p.pid));
    writeRecord(rec);
  }
  const counters: NodeCounters[] = [...after.keys()].flatMap((node) => {
    const tables = renderedTables(rec, node);
    return tables ? [{ node, tables, before: before.get(node)!, after: after.get(node)! }] : [];
  });
  return { results, outResults, portResults, counters, drops, started };
}

/** What the policy side of a pair's report needs: Calico's decision, the packets, the counters. */
interface PolicyInput {
  decision: Evaluation;
  counters?: NodeCounters[];
}

/** The path verdict (judge.ts) for an allowed probe; for one Calico's policy denies, the proof
 *  that it was dropped (never delivered, counted by a Felix DROP rule) instead. */
function combined(p: Pair, exp: Expectation, r: PingResult, seen: Seen[], rec: LabRecord, pol: PolicyInput) {
  const target: ProbeTarget = { from: p.from, to: p.to, protocol: 'icmp', port: null };
  const j = judgePolicy(target, pol.decision, seen, r.ok, pol.counters);
  if (pol.decision.verdict === 'denied' || !exp.reachable) {
    const path = judge(p, exp, r.ok, seen, rec.plan.nodes);
    if (!exp.reachable) return { verdict: path, policy: j.facts };
    const base = { expected: exp.encapsulation, reachable: r.ok, evidence: j.delivery.evidence };
    const verdict: Verdict = j.error
      ? { ...base, ok: false, status: 'failed', error: j.error }
      : { ...base, ok: true, status: 'denied', error: `denied as expected: ${pol.decision.why}` };
    return { verdict, policy: j.facts };
  }
  const verdict = judge(p, exp, r.ok, seen, rec.plan.nodes);
  if (verdict.ok && j.error) Object.assign(verdict, { ok: false, status: 'failed', error: j.error });
  return { verdict, policy: j.facts };
}

/** A pair's report: judge's verdict from the packets, the policy verdict, the TTL and path MTU facts. */
function pairReport(
  rec: LabRecord,
  p: Pair,
  exp: Expectation,
  r: PingResult,
  seen: Seen[],
  mtu: MtuProof,
  mtuFact: MtuFact,
  pcap: string,
  pol: PolicyInput,
): PairReport {
  const { verdict, policy } = combined(p, exp, r, seen, rec, pol);
  const ttl = expectedTtl(rec.topology, p.from, p.to, exp.encapsulation);
  const facts = {
    ttl: r.ttl,
    ttlExpected: ttl.ttl,
    ttlWhy: ttl.why,
    pathMtu: mtu.pathMtu,
    mtuExpected: mtuFact.mtu,
    mtuWhy: mtuFact.why,
    mtuNote: mtu.note,
  };
  if (verdict.ok && verdict.status === 'ok' && facts.ttl !== ttl.ttl) {
    Object.assign(verdict, { ok: false, status: 'failed', error: `ttl ${facts.ttl}, expected ${ttl.ttl}: ${ttl.why}` });
  }
  return { ...pairNames(p), ...policy, ...facts, pcap, ...verdict };
}

const pairNames = (p: Pair) => ({
  from: p.from.ip,
  to: p.to.ip,
  fromPod: `${p.from.namespace}/${p.from.pod}`,
  toPod: `${p.to.namespace}/${p.to.pod}`,
  fromNode: p.from.node,
  toNode: p.to.node,
  sameNode: p.from.node === p.to.node,
});

/** A port probe's report: the policy verdict alone (its path is the pair's, proven by the ping). */
function portReport(rec: LabRecord, t: ProbeTarget, r: PortProbeResult, seen: Seen[], pol: PolicyInput, pcap: string) {
  const p: Pair = { from: t.from, to: t.to, sameNode: t.from.node === t.to.node };
  const exp = expectPath(rec.topology, t.from, t.to);
  const ttl = expectedTtl(rec.topology, t.from, t.to, exp.encapsulation);
  const mtu = expectedPathMtu(rec.topology, t.from, t.to, exp.encapsulation);
  const answered = t.protocol === 'tcp' ? r.ok : undefined;
  const j = judgePolicy(t, pol.decision, seen, answered, pol.counters);
  const expectedVerdict = exp.reachable ? j.facts.expectedVerdict : 'denied';
  const ok = exp.reachable ? !j.error : j.facts.verdict === 'denied';
  const status = !ok
    ? 'failed'
    : j.facts.verdict === 'denied'
      ? exp.reachable
        ? 'denied'
        : 'expected-unreachable'
      : 'ok';
  const error = !ok ? j.error : status === 'denied' ? `denied as expected: ${pol.decision.why}` : undefined;
  const report: PairReport = {
    ...pairNames(p),
    ...j.facts,
    expectedVerdict,
    ttlExpected: ttl.ttl,
    ttlWhy: ttl.why,
    mtuExpected: mtu.mtu,
    mtuWhy: mtu.why,
    pcap,
    expected: exp.encapsulation,
    reachable: t.protocol === 'tcp' ? r.ok : j.delivery.delivered,
    evidence: j.delivery.evidence,
    ok,
    status,
    ...(error ? { error } : {}),
  };
  return report;
}

export async function verifyLab(rec: LabRecord, opts: { pcapDir?: string } = {}): Promise<VerifyReport> {
  const t0 = Date.now();
  const plan = rec.plan;
  const dir = resolve(opts.pcapDir ?? join(plan.stateDir, 'captures'));
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const files = plan.nodes.map((n) => join(dir, `${n.name}.pcap`));
  const links = await Promise.all(
    plan.nodes.map((n) => ipJson<{ ifindex: number; ifname: string }[]>('read links', n.netns, ['link', 'show'])),
  );
  const hosts = rec.topology.outside.map((h) => ({
    ...h,
    netns: outsideNs(rec.lab, h.name),
    file: join(dir, `outside-${h.name}.pcap`),
  }));
  const pairs = orderedPairs(plan);
  const ports = portProbeTargets(rec);
  const probed = await pingWhileCapturing(rec, files, hosts, pairs, ports);
  const { results, outResults, portResults, counters, drops, started: t1 } = probed;
  const t2 = Date.now();
  const kinds = pairs.map((p) => expectPath(rec.topology, p.from, p.to));
  const mtuFacts = pairs.map((p, i) => expectedPathMtu(rec.topology, p.from, p.to, kinds[i].encapsulation));
  const mtus = await provePathMtu(
    pairs,
    results.map((r) => r.ok),
    mtuFacts.map((m) => m.mtu),
  );
  const t3 = Date.now();
  const seen = (
    await Promise.all(
      plan.nodes.map((n, i) => capturedPackets(n, files[i], new Map(links[i].map((l) => [l.ifindex, l.ifname])))),
    )
  ).flat();
  const pcapOf = (p: Pair) => files[plan.nodes.findIndex((n) => n.name === p.from.node)];
  const oracle = policyOracle(rec);
  const pol = (t: ProbeTarget): PolicyInput => ({
    decision: oracle(t),
    counters: counters.length ? counters : undefined,
  });
  const reports = pairs.map((p, i) => {
    const t: ProbeTarget = { from: p.from, to: p.to, protocol: 'icmp', port: null };
    return pairReport(rec, p, kinds[i], results[i], seen, mtus[i], mtuFacts[i], pcapOf(p), pol(t));
  });
  reports.push(
    ...ports.map((t, i) => portReport(rec, t, portResults[i], seen, pol(t), pcapOf({ ...t, sameNode: false }))),
  );
  const outside = await judgeOutside(rec, hosts, outResults);
  const timings = { capture: t1 - t0, ping: t2 - t1, mtu: t3 - t2, decode: Date.now() - t3, verify: Date.now() - t0 };
  const ok = reports.every((r) => r.ok) && outside.every((o) => o.ok);
  return {
    ok,
    pairs: reports,
    outside,
    pcaps: [...files, ...hosts.map((h) => h.file)],
    droppedByKernel: drops,
    timings,
  };
}

/** natOutgoing: the outside host must see the node's IP (MASQUERADE), never the pod's. Without
 *  natOutgoing it sees the pod IP and its reply has no way back (the router lacks pod routes). */
async function judgeOutside(
  rec: LabRecord,
  hosts: { name: string; ip: string; file: string }[],
  results: PingResult[],
): Promise<OutsideReport[]> {
  const out: OutsideReport[] = [];
  const seenBy = await Promise.all(hosts.map(async (h) => (await readPcap(h.file)).packets.map((p) => p.frame)));
  let i = 0;
  for (const w of rec.plan.workloads) {
    const node = rec.plan.nodes.find((n) => n.name === w.node)!;
    const nat = rec.topology.ipPools.some(
      (p) => p.natOutgoing && !p.disabled && contains(parseCidr(p.cidr), parseIp(w.ip)),
    );
    hosts.forEach((h, hi) => {
      const r = results[i++];
      const expectedSource = nat ? node.ip : w.ip;
      const candidates = seenBy[hi].filter(
        (f) =>
          f.network?.kind === 'ipv4' &&
          f.network.dst === h.ip &&
          f.network.payload?.kind === 'icmp' &&
          f.network.payload.type === 8 &&
          (f.network.src === w.ip || f.network.src === node.ip),
      );
      // Pods of one node share the masqueraded source, so the claim is per source address.
      const mine = candidates.find((f) => f.network?.kind === 'ipv4' && f.network.src === expectedSource);
      const base = {
        from: w.ip,
        fromPod: `${w.namespace}/${w.pod}`,
        fromNode: w.node,
        to: h.ip,
        host: h.name,
        reachable: r.ok,
        natOutgoing: nat,
        expectedSource,
        evidence: mine ? [`${h.name} eth0: ${summarize(mine)}`] : [],
      };
      const src = mine?.network?.kind === 'ipv4' ? mine.network.src : undefined;
      if (!mine)
        out.push({
          ...base,
          ok: false,
          status: 'failed',
          error: `no echo request from ${expectedSource} reached ${h.name}`,
        });
      else if (nat && !r.ok)
        out.push({
          ...base,
          sourceSeen: src,
          ok: false,
          status: 'failed',
          error: 'masqueraded request arrived but no reply came back',
        });
      else if (!nat && r.ok)
        out.push({
          ...base,
          sourceSeen: src,
          ok: false,
          status: 'failed',
          error: 'reachable without natOutgoing: the router should not know pod routes',
        });
      else
        out.push({
          ...base,
          sourceSeen: src,
          ok: true,
          status: nat ? 'ok' : 'expected-unreachable',
          ...(nat
            ? {}
            : { error: 'unreachable as expected: natOutgoing is off and the router has no route back to the pod' }),
        });
    });
  }
  return out;
}

export type { OutsideReport, PairReport, VerifyReport } from './judge.ts';
