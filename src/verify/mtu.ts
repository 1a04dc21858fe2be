// `calilab mtu SRC DST`: the largest ICMP payload that crosses with DF set (ping -M do), found
// by bisection, and the error the sender gets one byte above it.
import { execa } from 'execa';

export interface MtuResult {
  payload: number; // largest ping -s that passes
  pathMtu: number; // payload + 28 (IPv4 20 + ICMP 8)
  aboveError: string; // what ping says one byte above
}

async function passes(ns: string, dst: string, size: number): Promise<{ ok: boolean; out: string }> {
  const r = await execa('ip', ['netns', 'exec', ns, 'ping', '-n', '-c', '1', '-W', '2', '-M', 'do', '-s', String(size), dst], { reject: false });
  return { ok: r.exitCode === 0, out: `${r.stdout}\n${r.stderr}` };
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
  const err = above.out.split('\n').find((l) => /mtu|too long|Frag needed|message too long/i.test(l))?.trim() ?? above.out.trim().split('\n').pop() ?? '';
  return { payload: lo, pathMtu: lo + 28, aboveError: err };
}
