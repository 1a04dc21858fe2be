// Live changes in calicoctl's words (`patch ippool NAME -p '{"spec":{...}}'`, `patch
// felixconfiguration default -p '{"spec":{"wireguardEnabled":true}}'`): the namespaces stay; the
// one reconcile path re-reads BIRD's regenerated config and lets Felix reprogram what changed.
import { allocate } from '../calico/ipam/ipam.ts';
import { KernelError } from '../kernel/exec.ts';
import { kernelFacts } from '../kernel/probe.ts';
import { buildPlan, type Plan } from '../plan/plan.ts';
import type { Topology } from '../topology/types.ts';
import { reconcile } from './reconcile.ts';
import type { LabRecord } from './state.ts';

/** The plan of a running lab's new topology: IPAM starts from the lab's blocks and free lists,
 *  so addresses still wanted stay put and new ones come as Calico's IPAM would hand them out. */
export function livePlan(rec: LabRecord, topo: Topology): Plan {
  return buildPlan(topo, allocate(topo, rec.plan.allocation));
}

export async function applyPatch(rec: LabRecord, topo: Topology): Promise<{ ms: number }> {
  // A lab built where the kernel has no ipip has no tunl0: an IPIP pool cannot arrive later.
  if (topo.ipPools.some((p) => !p.disabled && p.ipipMode !== 'Never') && kernelFacts().ipipAvailable === false)
    throw new KernelError(
      'check kernel',
      'this kernel cannot create ipip links (no ipip module), so the lab has no tunl0 for an IPIP pool; ' +
        'build the lab inside the VM: `sudo npx calilab vm -- npx calilab ...`',
    );
  const t = Date.now();
  await reconcile(rec, topo, livePlan(rec, topo), false);
  return { ms: Date.now() - t };
}
