// Pod churn on a running lab, as Calico's CNI plugin does it: `pod add` takes the next free
// address of one of the node's blocks (or claims a new block, which BGP then carries), creates
// the pod namespace and its cali veth, the /32 route and proxy ARP; `pod del` removes the
// namespace (and with it the veth and the /32). Both go through the one reconcile path, which
// creates or deletes only that pod's objects: nothing else is rebuilt.
import type { WorkloadEndpoint } from '../plan/plan.ts';
import { livePlan } from './patch.ts';
import type { Topology } from '../topology/types.ts';
import type { PodSpec } from './edits.ts';
import { reconcile } from './reconcile.ts';
import type { LabRecord } from './state.ts';

export async function addPod(
  rec: LabRecord,
  topo: Topology,
  pod: PodSpec,
): Promise<{ workload: WorkloadEndpoint; newBlock?: string; ms: number }> {
  const t = Date.now();
  const plan = livePlan(rec, topo);
  const w = plan.workloads.find((x) => x.pod === pod.name && x.namespace === pod.namespace)!;
  const nodeBefore = rec.plan.nodes.find((n) => n.name === w.node)!.blocks;
  const newBlock = plan.nodes.find((n) => n.name === w.node)!.blocks.find((b) => !nodeBefore.includes(b));
  await reconcile(rec, topo, plan, false);
  return { workload: w, newBlock, ms: Date.now() - t };
}

/** `topo` is the running topology without the pod (topologyWithoutPod, which refuses an unknown pod). */
export async function deletePod(rec: LabRecord, topo: Topology): Promise<{ ms: number }> {
  const t = Date.now();
  // Deleting the namespace deletes the veth pair, and the node's /32 route with its cali end.
  await reconcile(rec, topo, livePlan(rec, topo), false);
  return { ms: Date.now() - t };
}
