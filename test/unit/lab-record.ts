// A lab record built from a topology file without a kernel: what `calilab up` would write, and
// what a document's patches (STATES in src/doc/goldens.ts) would make of it.
import { allocate } from '../../src/calico/ipam/ipam.ts';
import { type GoldenState, STATES, statesOf } from '../../src/doc/goldens.ts';
import { patchedTopology } from '../../src/lab/edits.ts';
import type { LabRecord } from '../../src/lab/state.ts';
import { buildPlan } from '../../src/plan/plan.ts';
import { loadTopology } from '../../src/topology/load.ts';

export const KANS_CREATED = '2024-09-29T16:36:00.000Z';

export function labRecord(file: string, createdAt = KANS_CREATED): LabRecord {
  const topology = loadTopology(file);
  return { lab: topology.name, topologyFile: file, createdAt, topology, plan: buildPlan(topology), processes: [] };
}

/** Doc 003's lab (topologies/kans-4node.yaml). */
export const kansRecord = (createdAt = KANS_CREATED) => labRecord('topologies/kans-4node.yaml', createdAt);

/** The record after the document's patches up to `state`, each planned as a live patch is
 *  (src/lab/patch.ts livePlan: IPAM starts from the running allocation). The input is not touched. */
export function recordInState(rec: LabRecord, state: GoldenState): LabRecord {
  const states = statesOf(STATES[state].doc);
  for (const s of states.slice(0, states.indexOf(state) + 1))
    for (const step of STATES[s].steps) {
      const topology = patchedTopology(rec, step.kind, step.name, step.patch);
      rec = { ...rec, topology, plan: buildPlan(topology, allocate(topology, rec.plan.allocation)) };
    }
  return rec;
}
