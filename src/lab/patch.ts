// Live changes in calicoctl's words (`patch ippool NAME -p '{"spec":{...}}'`, `patch
// felixconfiguration default -p '{"spec":{"wireguardEnabled":true}}'`): the namespaces stay; the
// one reconcile path re-reads BIRD's regenerated config and lets Felix reprogram what changed.
import { buildPlan } from '../plan/plan.ts';
import type { Topology } from '../topology/types.ts';
import { reconcile } from './reconcile.ts';
import type { LabRecord } from './state.ts';

export async function applyPatch(rec: LabRecord, topo: Topology): Promise<{ ms: number }> {
  const t = Date.now();
  await reconcile(rec, topo, buildPlan(topo), false);
  return { ms: Date.now() - t };
}
