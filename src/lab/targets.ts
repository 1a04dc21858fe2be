// Resolves what the user names on the command line (a node, a pod, a pod IP, the router, an
// outside host) to the namespace that emulates it.
import { LabStateError, type LabRecord } from './state.ts';
import { outsideNs, routerNs } from '../plan/naming.ts';

export interface Target {
  kind: 'node' | 'pod' | 'router' | 'outside';
  name: string;
  netns: string;
  ip?: string;
}

export function resolveTarget(rec: LabRecord, what: string): Target {
  const plan = rec.plan;
  const node = plan.nodes.find((n) => n.name === what || n.ip === what);
  if (node) return { kind: 'node', name: node.name, netns: node.netns, ip: node.ip };
  const pods = plan.workloads.filter((w) => w.pod === what || `${w.namespace}/${w.pod}` === what || w.ip === what);
  if (pods.length === 1) return { kind: 'pod', name: `${pods[0].namespace}/${pods[0].pod}`, netns: pods[0].netns, ip: pods[0].ip };
  if (pods.length > 1) throw new LabStateError(`"${what}" names several pods; write it as <namespace>/<pod>`);
  if (what === 'router') return { kind: 'router', name: 'router', netns: routerNs(rec.lab) };
  const host = rec.topology.outside.find((h) => h.name === what || h.ip === what);
  if (host) return { kind: 'outside', name: host.name, netns: outsideNs(rec.lab, host.name), ip: host.ip };
  const known = [...plan.nodes.map((n) => n.name), ...plan.workloads.map((w) => w.pod), 'router', ...rec.topology.outside.map((h) => h.name)];
  throw new LabStateError(`"${what}" is not a node, pod or host of lab ${rec.lab}; known: ${known.join(', ')}`);
}
