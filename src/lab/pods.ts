// Pod churn on a running lab, as Calico's CNI plugin does it: `pod add` takes the next free
// address of one of the node's blocks (or claims a new block, which BGP then carries), creates
// the pod namespace and its cali veth, the /32 route and proxy ARP; `pod del` removes the
// namespace (and with it the veth and the /32). Nothing else is rebuilt.
import { writeFileSync } from 'node:fs';
import { birdCommand } from '../kernel/bird-socket.ts';
import { contains, formatCidr, isIPv4, networkOf, parseCidr, parseIp } from '../net/ipv4.ts';
import { ipBatch, nsExec } from '../kernel/exec.ts';
import { applyFelix } from '../kernel/felix.ts';
import { deleteNamespaces } from '../kernel/namespaces.ts';
import { kernelFacts } from '../kernel/probe.ts';
import { namespaceBatches, rootBatch, sysctlArgs } from '../plan/batch.ts';
import { buildPlan, type Plan, type WorkloadEndpoint } from '../plan/plan.ts';
import type { Topology } from '../topology/types.ts';
import { TopologyError, validateTopology } from '../topology/validate.ts';
import { waitConverged } from './converge.ts';
import { keepPodMtus } from './patch.ts';
import type { PodSpec } from './edits.ts';
import { writeRecord, type LabRecord } from './state.ts';

/** Only the plan objects that belong to workload `w`: its namespace, veth, address, routes, sysctls. */
function podSlice(plan: Plan, w: WorkloadEndpoint): Plan {
  return {
    ...plan,
    namespaces: plan.namespaces.filter((n) => n.name === w.netns || n.name === w.nodeNetns),
    links: [], ports: [],
    veths: plan.veths.filter(([a, b]) => a.ns === w.netns || b.ns === w.netns),
    addresses: plan.addresses.filter((a) => a.ns === w.netns),
    routes: plan.routes.filter((r) => r.ns === w.netns || (r.ns === w.nodeNetns && r.dev === w.interface)),
    sysctls: plan.sysctls.filter((s) => s.ns === w.nodeNetns && s.key.includes(`.${w.interface}.`)),
  };
}

/** BIRD re-reads the config of each node whose blocks changed; Felix reconciles VXLAN/WireGuard. */
async function reprogram(rec: LabRecord, topo: Topology, plan: Plan): Promise<void> {
  const changed = plan.nodes.filter((n) => n.bird.text !== rec.plan.nodes.find((o) => o.name === n.name)?.bird.text);
  for (const n of changed) writeFileSync(n.bird.config, n.bird.text, { mode: 0o600 });
  await Promise.all(changed.map((n) => birdCommand(n.bird.socket, 'configure')));
  if (changed.length) await applyFelix(plan, false);
  keepPodMtus(plan, rec.plan);
  rec.topology = topo;
  rec.plan = plan;
  writeRecord(rec);
  await waitConverged(topo, plan);
}

export async function addPod(rec: LabRecord, topo: Topology, pod: PodSpec): Promise<{ workload: WorkloadEndpoint; newBlock?: string; ms: number }> {
  const t = Date.now();
  const plan = buildPlan(topo);
  const w = plan.workloads.find((x) => x.pod === pod.name && x.namespace === pod.namespace)!;
  const slice = podSlice(plan, w);
  const nodeBefore = rec.plan.nodes.find((n) => n.name === w.node)!.blocks;
  const newBlock = plan.nodes.find((n) => n.name === w.node)!.blocks.find((b) => !nodeBefore.includes(b));
  // Record first, as `up` does: a failure below still leaves `down` able to find the namespace.
  rec.plan.namespaces.push(...slice.namespaces.filter((n) => n.name === w.netns));
  writeRecord(rec);
  try {
    const root = rootBatch({ ...slice, namespaces: slice.namespaces.filter((n) => n.name === w.netns) });
    await ipBatch(`create pod ${pod.namespace}/${pod.name}`, root);
    for (const [ns, lines] of namespaceBatches(slice, kernelFacts())) await ipBatch(`configure ${ns}`, lines, ns);
    for (const [ns, args] of sysctlArgs(slice)) await nsExec(`sysctls in ${ns}`, ns, ['sysctl', '-q', '-w', ...args]);
  } catch (e) {
    await deleteNamespaces([w.netns]);
    rec.plan.namespaces = rec.plan.namespaces.filter((n) => n.name !== w.netns);
    writeRecord(rec);
    throw e;
  }
  await reprogram(rec, topo, plan);
  return { workload: w, newBlock, ms: Date.now() - t };
}

export async function deletePod(rec: LabRecord, topo: Topology, namespace: string, name: string): Promise<{ ms: number }> {
  const t = Date.now();
  const w = rec.plan.workloads.find((x) => x.pod === name && x.namespace === namespace)!;
  // Deleting the namespace deletes the veth pair, and the node's /32 route with its cali end.
  await deleteNamespaces([w.netns]);
  await reprogram(rec, topo, buildPlan(topo));
  return { ms: Date.now() - t };
}
