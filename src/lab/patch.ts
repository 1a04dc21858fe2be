// Live changes in calicoctl's words: `patch ippool NAME -p '{"spec":{...}}'` and `patch
// felixconfiguration default -p '{"spec":{"wireguardEnabled":true}}'`. The namespaces stay; BIRD
// re-reads its regenerated config (`configure` on its socket) and the Felix layer reconciles.
import { writeFileSync } from 'node:fs';
import { birdCommand } from '../kernel/bird-socket.ts';
import { applyFelix } from '../kernel/felix.ts';
import { buildPlan, type Plan } from '../plan/plan.ts';
import type { Topology } from '../topology/types.ts';
import { TopologyError, validateTopology } from '../topology/validate.ts';
import { waitConverged } from './converge.ts';
import { writeRecord, type LabRecord } from './state.ts';

/** As in Calico, running pods keep the MTU they were created with; only new pods get the new one. */
export function keepPodMtus(plan: Plan, running: Plan): void {
  for (const w of plan.workloads) w.mtu = running.workloads.find((o) => o.netns === w.netns)?.mtu ?? w.mtu;
}

export async function applyPatch(rec: LabRecord, topo: Topology): Promise<{ ms: number }> {
  const t = Date.now();
  const plan = buildPlan(topo);
  keepPodMtus(plan, rec.plan);
  // Namespaces, links and pods are unchanged by these fields; keep the recorded plan's BIRD paths.
  for (const n of plan.nodes) writeFileSync(n.bird.config, n.bird.text, { mode: 0o600 });
  await Promise.all(plan.nodes.map((n) => birdCommand(n.bird.socket, 'configure')));
  await applyFelix(plan, false);
  rec.topology = topo;
  rec.plan = plan;
  writeRecord(rec);
  await waitConverged(topo, plan);
  return { ms: Date.now() - t };
}
