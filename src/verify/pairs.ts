// The ordered pod pairs verify probes, and how a pod is named in its messages.
import type { Plan, WorkloadEndpoint } from '../plan/plan.ts';

export interface Pair {
  from: WorkloadEndpoint;
  to: WorkloadEndpoint;
  sameNode: boolean;
}

export function orderedPairs(plan: Plan): Pair[] {
  return plan.workloads.flatMap((a) =>
    plan.workloads.filter((b) => b !== a).map((b) => ({ from: a, to: b, sameNode: a.node === b.node })),
  );
}

export const podLabel = (w: WorkloadEndpoint) => `${w.pod} (${w.ip} on ${w.node})`;
