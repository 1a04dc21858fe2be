// A lab record built from a topology file without a kernel: what `calilab up` would write.
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
