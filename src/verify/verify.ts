// `verify`: every ordered pod pair pings; each pair's verdict is reported with what it proved.
import type { LabRecord } from '../lab/state.ts';
import { orderedPairs, ping } from './ping.ts';

export interface PairReport {
  from: string;
  to: string;
  fromPod: string;
  toPod: string;
  fromNode: string;
  toNode: string;
  sameNode: boolean;
  ok: boolean;
  ttl?: number;
  error?: string;
}

export interface VerifyReport {
  ok: boolean;
  pairs: PairReport[];
  timings: Record<string, number>;
}

export async function verifyLab(rec: LabRecord): Promise<VerifyReport> {
  const t = Date.now();
  const pairs = orderedPairs(rec.plan);
  const results = await Promise.all(pairs.map((p) => ping(p.from.netns, p.to.ip, { count: 1, timeoutS: 3 })));
  const reports: PairReport[] = pairs.map((p, i) => ({
    from: p.from.ip,
    to: p.to.ip,
    fromPod: `${p.from.namespace}/${p.from.pod}`,
    toPod: `${p.to.namespace}/${p.to.pod}`,
    fromNode: p.from.node,
    toNode: p.to.node,
    sameNode: p.sameNode,
    ok: results[i].ok,
    ttl: results[i].ttl,
    ...(results[i].ok ? {} : { error: `no echo reply: ${results[i].output.trim().split('\n').slice(-2).join(' ')}` }),
  }));
  return { ok: reports.every((r) => r.ok), pairs: reports, timings: { verify: Date.now() - t } };
}
