// Pod-to-pod reachability: one ping process per ordered pair, all pairs at once.
import { execa } from 'execa';
import type { Plan, WorkloadEndpoint } from '../plan/plan.ts';

export interface PingResult {
  ok: boolean;
  sent: number;
  received: number;
  ttl?: number;
  rttMs?: number;
  output: string;
}

export async function ping(ns: string, dst: string, opts: { count?: number; timeoutS?: number; size?: number; intervalS?: number; dontFragment?: boolean } = {}): Promise<PingResult> {
  const count = opts.count ?? 1;
  const args = ['netns', 'exec', ns, 'ping', '-n', '-c', String(count), '-i', String(opts.intervalS ?? 0.2), '-W', String(opts.timeoutS ?? 2)];
  if (opts.size !== undefined) args.push('-s', String(opts.size));
  if (opts.dontFragment) args.push('-M', 'do');
  const r = await execa('ip', [...args, dst], { reject: false, stdin: 'ignore' });
  const out = String(r.stdout);
  const stats = out.match(/(\d+) packets transmitted, (\d+) (?:packets )?received/);
  const ttl = out.match(/ttl=(\d+)/);
  const rtt = out.match(/time=([\d.]+) ms/);
  const received = stats ? Number(stats[2]) : 0;
  return {
    ok: r.exitCode === 0 && received > 0,
    sent: stats ? Number(stats[1]) : count,
    received,
    ttl: ttl ? Number(ttl[1]) : undefined,
    rttMs: rtt ? Number(rtt[1]) : undefined,
    output: out + String(r.stderr),
  };
}

export interface Pair {
  from: WorkloadEndpoint;
  to: WorkloadEndpoint;
  sameNode: boolean;
}

export function orderedPairs(plan: Plan): Pair[] {
  return plan.workloads.flatMap((a) => plan.workloads.filter((b) => b !== a).map((b) => ({ from: a, to: b, sameNode: a.node === b.node })));
}

export const podLabel = (w: WorkloadEndpoint) => `${w.pod} (${w.ip} on ${w.node})`;
