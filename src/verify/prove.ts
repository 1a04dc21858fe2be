// `trace --prove`: a burst of probe pings while reading, before and after, the packet counters
// of every interface the walk names. A hop is seen when each of its counters moved by at least
// the number of probes sent; background traffic (BGP keepalives, ARP) adds a packet or two but
// never a whole burst, and the counters are per direction, so replies never count as requests.
import { ipJson } from '../kernel/exec.ts';
import type { WorkloadEndpoint } from '../plan/plan.ts';
import { ping } from '../kernel/ping.ts';
import type { Hop } from './trace.ts';

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

/** Marks every hop that names counters seen / not seen; returns the first hop not seen. */
export async function prove(src: WorkloadEndpoint, dst: string, hops: Hop[]): Promise<Hop | undefined> {
  const probed = hops.filter((h) => h.probes?.length);
  const namespaces = [...new Set(probed.flatMap((h) => h.probes!.map((p) => p.ns)))];
  const before = await counters(namespaces);
  // -i 0.01 needs root, which calilab has; the replies (or their absence) do not matter here.
  await ping(src.netns, dst, { count: PROBES, intervalS: 0.01, timeoutS: 1 });
  const after = await counters(namespaces);
  for (const h of probed) {
    h.counted = {};
    for (const p of h.probes!) {
      const key = `${p.ns}|${p.dev}|${p.dir}`;
      h.counted[`${p.dev} ${p.dir}`] = (after.get(key) ?? 0) - (before.get(key) ?? 0);
    }
    h.seen = Object.values(h.counted).every((d) => d >= PROBES);
  }
  return probed.find((h) => !h.seen);
}

/** Where the probes were lost, in words: the first hop not seen, or a broken hop they reached. */
export function lostAt(hops: Hop[], notSeen: Hop | undefined): string | undefined {
  const broken = hops.find((h) => h.broken);
  if (notSeen && (!broken || notSeen.n <= broken.n))
    return `${notSeen.n} [${notSeen.where}]: no probe crossed ${Object.keys(notSeen.counted ?? {}).join(', ')}`;
  if (broken) return `${broken.n} [${broken.where}]: ${broken.seen ? 'the probes arrived but ' : ''}${broken.what}`;
  return undefined;
}
