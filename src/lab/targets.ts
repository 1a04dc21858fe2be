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

/** A destination was named that has no single address to send to (the router): bad input, not lab state. */
export class NoAddressError extends Error {}

const IPV4 = /^\d+\.\d+\.\d+\.\d+$/;

export function resolveTarget(rec: LabRecord, what: string): Target {
  const plan = rec.plan;
  const node = plan.nodes.find((n) => n.name === what || n.ip === what);
  if (node) return { kind: 'node', name: node.name, netns: node.netns, ip: node.ip };
  const pods = plan.workloads.filter((w) => w.pod === what || `${w.namespace}/${w.pod}` === what || w.ip === what);
  if (pods.length === 1) {
    return { kind: 'pod', name: `${pods[0].namespace}/${pods[0].pod}`, netns: pods[0].netns, ip: pods[0].ip };
  }
  if (pods.length > 1) throw new LabStateError(`"${what}" names several pods; write it as <namespace>/<pod>`);
  if (what === 'router') return { kind: 'router', name: 'router', netns: routerNs(rec.lab) };
  const host = rec.topology.outside.find((h) => h.name === what || h.ip === what);
  if (host) return { kind: 'outside', name: host.name, netns: outsideNs(rec.lab, host.name), ip: host.ip };
  // A pod whose bare name is taken (by a pod in another namespace, or a node) is listed as the
  // user must type it: namespace/name.
  const taken = (w: { pod: string }) =>
    plan.workloads.filter((x) => x.pod === w.pod).length > 1 || plan.nodes.some((n) => n.name === w.pod);
  const podLabels = plan.workloads.map((w) => (taken(w) ? `${w.namespace}/${w.pod}` : w.pod));
  const known = [...plan.nodes.map((n) => n.name), ...podLabels, 'router', ...rec.topology.outside.map((h) => h.name)];
  throw new LabStateError(`"${what}" is not a node, pod or host of lab ${rec.lab}; known: ${known.join(', ')}`);
}

/**
 * The IPv4 address to send to for a destination the user named: an IPv4 literal as it is (it
 * need not belong to the lab), else the address of the node, pod or outside host it names.
 * The router has no one address (its gateway addresses sit on several subnets), so it is refused
 * with the names that do have one.
 */
export function resolveAddress(rec: LabRecord, what: string): string {
  if (IPV4.test(what)) return what;
  const t = resolveTarget(rec, what);
  if (t.ip) return t.ip;
  const named = new Set([
    ...rec.plan.nodes.map((n) => n.name),
    ...rec.plan.workloads.map((w) => w.pod),
    ...rec.topology.outside.map((h) => h.name),
  ]);
  const why = t.kind === 'router' ? "the router's gateway addresses are on several subnets" : `no ${t.kind} address`;
  throw new NoAddressError(
    `"${what}" has no address to send to (${why}); ` +
      `name a node, pod or outside host instead, or an IPv4 address: ${[...named].join(', ')}`,
  );
}
