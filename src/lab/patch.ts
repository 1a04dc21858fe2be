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

const POOL_SPEC: Record<string, string> = { ipipMode: 'ipipMode', vxlanMode: 'vxlanMode', natOutgoing: 'natOutgoing', disabled: 'disabled' };
const FELIX_SPEC: Record<string, string> = { wireguardEnabled: 'wireguard' };

function specOf(patch: string, file: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(patch);
  } catch (e) {
    throw new TopologyError(file, [{ field: '-p', message: `is not JSON: ${(e as Error).message}`, fix: `quote it for the shell: -p '{"spec":{"ipipMode":"Never"}}'` }]);
  }
  const spec = (parsed as { spec?: unknown })?.spec;
  if (!spec || typeof spec !== 'object') throw new TopologyError(file, [{ field: '-p', message: 'has no "spec" object', fix: `write -p '{"spec":{...}}'` }]);
  return spec as Record<string, unknown>;
}

/** Returns the patched topology (validated), without touching the kernel. */
export function patchedTopology(rec: LabRecord, kind: string, name: string, patch: string): Topology {
  const file = `patch ${kind} ${name}`;
  const raw = JSON.parse(JSON.stringify({ ...rec.topology, file: undefined }));
  delete raw.file;
  const spec = specOf(patch, file);
  if (kind === 'ippool' || kind === 'ippools') {
    const pool = raw.ipPools.find((p: { name: string }) => p.name === name);
    if (!pool) throw new TopologyError(file, [{ field: 'name', message: `no IPPool named ${name}`, fix: `use one of: ${raw.ipPools.map((p: { name: string }) => p.name).join(', ')}` }]);
    for (const [k, v] of Object.entries(spec)) {
      if (!POOL_SPEC[k]) throw new TopologyError(file, [{ field: `spec.${k}`, message: 'cannot be changed on a running lab', fix: `patch one of: ${Object.keys(POOL_SPEC).join(', ')}` }]);
      pool[POOL_SPEC[k]] = v;
    }
    // As in calicoctl: enabling one encapsulation with the other still on is an error, so
    // switching to VXLAN means {"ipipMode":"Never","vxlanMode":"Always"} in one patch.
  } else if (kind === 'felixconfiguration' || kind === 'felixconfigurations') {
    if (name !== 'default') throw new TopologyError(file, [{ field: 'name', message: `no FelixConfiguration named ${name}`, fix: 'use default' }]);
    for (const [k, v] of Object.entries(spec)) {
      if (!FELIX_SPEC[k]) throw new TopologyError(file, [{ field: `spec.${k}`, message: 'is not supported', fix: `patch one of: ${Object.keys(FELIX_SPEC).join(', ')}` }]);
      raw[FELIX_SPEC[k]] = v;
    }
  } else {
    throw new TopologyError(file, [{ field: 'kind', message: `cannot patch ${kind}`, fix: 'patch ippool NAME or felixconfiguration default' }]);
  }
  return validateTopology(raw, rec.topologyFile);
}

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
