// Failures on a running lab: a node's BIRD stopped and started, a node cut off the underlay.
import { readPid, startBird, stopProcess } from '../kernel/bird.ts';
import { ip } from '../kernel/exec.ts';
import { routerNs, routerPort } from '../plan/naming.ts';
import { waitConverged } from './converge.ts';
import { LabStateError, writeRecord, type LabRecord } from './state.ts';

function nodeOf(rec: LabRecord, node: string) {
  const n = rec.plan.nodes.find((x) => x.name === node);
  if (!n)
    throw new LabStateError(
      `no node ${node} in lab ${rec.lab}; nodes: ${rec.plan.nodes.map((x) => x.name).join(', ')}`,
    );
  return n;
}

export async function stopBird(rec: LabRecord, node: string): Promise<void> {
  const n = nodeOf(rec, node);
  const pid = readPid(n.bird);
  if (pid) await stopProcess(pid, n.bird.config);
  rec.processes = rec.processes.filter((p) => p.what !== `bird ${node}`);
  writeRecord(rec);
}

export async function startBirdAgain(rec: LabRecord, node: string): Promise<void> {
  const n = nodeOf(rec, node);
  const pid = await startBird(n.netns, n.bird);
  rec.processes.push({ pid, what: `bird ${node}`, marker: n.bird.config });
  writeRecord(rec);
  await waitConverged(rec.topology, rec.plan);
}

/** Down: the node's port on the router goes down, so its BGP sessions time out (hold time). */
export async function setNodeLink(rec: LabRecord, node: string, state: 'up' | 'down'): Promise<void> {
  nodeOf(rec, node);
  await ip(`link ${node} ${state}`, ['-n', routerNs(rec.lab), 'link', 'set', 'dev', routerPort(node), state]);
  if (state === 'up') await waitConverged(rec.topology, rec.plan);
}
