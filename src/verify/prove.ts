// `trace --prove`: a burst of probe pings while reading, before and after, the packet counters
// of every interface the walk names. A hop is seen when each of its counters moved by at least
// the number of probes sent; background traffic (BGP keepalives, ARP) adds a packet or two but
// never a whole burst, and the counters are per direction, so replies never count as requests.
import { ipJson } from '../kernel/exec.ts';
import type { WorkloadEndpoint } from '../plan/plan.ts';
import { ping } from '../kernel/ping.ts';
import type { Hop, TraceProbe } from './trace.ts';
import { type CounterDelta, movedCounters, type SaveState } from '../calico/felix/iptables/index.ts';
import { probePort } from '../kernel/connect.ts';
import { readRuleCounters, renderedTables, sameChain } from './policy-probes.ts';
import type { LabRecord } from '../lab/state.ts';

export const PROBES = 20;

interface LinkStats {
  ifname: string;
  stats64?: { rx: { packets: number }; tx: { packets: number } };
}

async function counters(namespaces: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  await Promise.all(
    namespaces.map(async (ns) => {
      for (const l of await ipJson<LinkStats[]>('read interface counters', ns, ['-s', 'link', 'show'])) {
        out.set(`${ns}|${l.ifname}|rx`, l.stats64?.rx.packets ?? 0);
        out.set(`${ns}|${l.ifname}|tx`, l.stats64?.tx.packets ?? 0);
      }
    }),
  );
  return out;
}

/** TCP and UDP probes each start a process (socat in the pod): fewer of them than pings. */
export const PORT_PROBES = 5;

async function sendProbes(src: WorkloadEndpoint, dst: string, probe: TraceProbe): Promise<number> {
  if (probe.protocol === 'icmp') {
    // -i 0.01 needs root, which calilab has; the replies (or their absence) do not matter here.
    await ping(src.netns, dst, { count: PROBES, intervalS: 0.01, timeoutS: 1 });
    return PROBES;
  }
  const proto = probe.protocol;
  await Promise.all(Array.from({ length: PORT_PROBES }, () => probePort(src.netns, dst, probe.port!, proto, 1)));
  return PORT_PROBES;
}

/** Felix's rules on the nodes of the policy hops, before and after the probes. */
function ruleCounters(rec: LabRecord | undefined, hops: Hop[]) {
  const nodes = [...new Set(hops.flatMap((h) => (h.policy ? [h.policy.node] : [])))];
  const read = () =>
    rec && nodes.length ? readRuleCounters(rec, nodes) : Promise.resolve(new Map<string, SaveState>());
  return { nodes, read };
}

/** The rule a policy hop's probes ended at: the DROP that counted them, or the RETURN that let
 *  them through ("Return if policy accepted" / "… profile accepted"). */
function terminalRule(h: Hop, moved: CounterDelta[]): CounterDelta | undefined {
  const pol = h.policy!;
  const mine = moved.filter(
    (d) =>
      d.rule.table === 'filter' &&
      (sameChain(d.rule.chain, pol.chain) ||
        (d.felix?.owner?.kind === 'policy' && d.felix.owner.name === pol.decidedBy)),
  );
  if (pol.verdict === 'denied') return mine.find((d) => d.felix?.action === 'drop');
  return mine.filter((d) => sameChain(d.rule.chain, pol.chain) && d.felix?.action === 'return').pop();
}

const ruleText = (h: Hop, d: CounterDelta) =>
  `${h.policy!.node}, ${d.rule.chain}, rule ${d.rule.num} '${(d.felix?.comments ?? d.rule.comments).join('; ')}' ` +
  `(${h.policy!.decidedBy} governs ${h.policy!.direction}; +${d.packets} packets)`;

/** Marks every hop that names counters seen / not seen, and every policy hop with the Felix rule
 *  the probes moved; returns the first hop not seen. */
export async function prove(
  src: WorkloadEndpoint,
  dst: string,
  hops: Hop[],
  opts: { rec?: LabRecord; probe?: TraceProbe } = {},
): Promise<Hop | undefined> {
  const probed = hops.filter((h) => h.probes?.length);
  const namespaces = [...new Set(probed.flatMap((h) => h.probes!.map((p) => p.ns)))];
  const rules = await ruleCounters(opts.rec, hops);
  const [before, rulesBefore] = await Promise.all([counters(namespaces), rules.read()]);
  const sent = await sendProbes(src, dst, opts.probe ?? { protocol: 'icmp', port: null });
  const [after, rulesAfter] = await Promise.all([counters(namespaces), rules.read()]);
  for (const h of probed) {
    h.counted = {};
    for (const p of h.probes!) {
      const key = `${p.ns}|${p.dev}|${p.dir}`;
      h.counted[`${p.dev} ${p.dir}`] = (after.get(key) ?? 0) - (before.get(key) ?? 0);
    }
    h.seen = Object.values(h.counted).every((d) => d >= sent);
  }
  for (const [node, after] of rulesAfter) {
    const moved = movedCounters(rulesBefore.get(node)!, after, renderedTables(opts.rec!, node));
    for (const h of hops.filter((x) => x.policy?.node === node)) {
      const hit = terminalRule(h, moved);
      h.seen = !!hit;
      if (hit) h.rule = ruleText(h, hit);
    }
  }
  return probed.find((h) => !h.seen);
}

/** Where the probes were lost, in words: the first hop not seen, or a broken hop they reached. */
export function lostAt(hops: Hop[], notSeen: Hop | undefined): string | undefined {
  const broken = hops.find((h) => h.broken);
  if (notSeen && (!broken || notSeen.n <= broken.n))
    return `${notSeen.n} [${notSeen.where}]: no probe crossed ${Object.keys(notSeen.counted ?? {}).join(', ')}`;
  if (broken?.policy) {
    const rule = broken.rule ?? `${broken.policy.node}, ${broken.policy.chain}`;
    return `${broken.n} [${broken.where}]: dropped at ${rule}`;
  }
  if (broken) return `${broken.n} [${broken.where}]: ${broken.seen ? 'the probes arrived but ' : ''}${broken.what}`;
  return undefined;
}
