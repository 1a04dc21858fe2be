// ping(8) inside a namespace, and the path MTU by DF bisection (`ping -M do -s N`).
import { execa } from 'execa';

export interface PingResult {
  ok: boolean;
  sent: number;
  received: number;
  ttl?: number;
  rttMs?: number;
  /** ping's stdout and stderr as the user's terminal shows them. */
  output: string;
  /** The two streams apart: ping's own errors (e.g. "message too long, mtu=1480") go to stderr. */
  stdout: string;
  stderr: string;
}

export async function ping(
  ns: string,
  dst: string,
  opts: { count?: number; timeoutS?: number; size?: number; intervalS?: number; dontFragment?: boolean } = {},
): Promise<PingResult> {
  const count = opts.count ?? 1;
  const args = [
    'netns',
    'exec',
    ns,
    'ping',
    '-n',
    '-c',
    String(count),
    '-i',
    String(opts.intervalS ?? 0.2),
    '-W',
    String(opts.timeoutS ?? 2),
  ];
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
    stdout: out,
    stderr: String(r.stderr),
  };
}

export interface MtuResult {
  payload: number; // largest ping -s that passes
  pathMtu: number; // payload + 28 (IPv4 20 + ICMP 8)
  aboveError: string; // what ping says one byte above
}

async function passes(ns: string, dst: string, size: number): Promise<{ ok: boolean; out: string }> {
  const r = await ping(ns, dst, { count: 1, timeoutS: 2, size, dontFragment: true });
  return { ok: r.ok, out: `${r.stdout}\n${r.stderr}` };
}

export async function pathMtu(ns: string, dst: string, maxMtu = 9216): Promise<MtuResult> {
  let lo = 0;
  let hi = maxMtu - 28;
  if (!(await passes(ns, dst, lo)).ok) throw new Error(`${dst} does not answer even a 0-byte ping`);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if ((await passes(ns, dst, mid)).ok) lo = mid;
    else hi = mid - 1;
  }
  const above = await passes(ns, dst, lo + 1);
  const err =
    above.out
      .split('\n')
      .find((l) => /mtu|too long|Frag needed|message too long/i.test(l))
      ?.trim() ??
    above.out.trim().split('\n').pop() ??
    '';
  return { payload: lo, pathMtu: lo + 28, aboveError: err };
}
