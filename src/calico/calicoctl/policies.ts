// Network policies on a running lab: `calilab apply|create|replace|delete -f FILE` with
// Kubernetes NetworkPolicy objects (as kubectl takes them) and Calico NetworkPolicy /
// GlobalNetworkPolicy objects (as calicoctl does), turned into one edit of the topology's
// `policies:` and handed to the one reconcile path; and `calilab get networkpolicy` through
// calicoctl's printers. The topology keeps the objects as the user wrote them, so a Kubernetes
// policy stays one (calicoctl shows it as knp.default.<name>, as on a cluster).
import { parseAllDocuments } from 'yaml';
import { type ParsedPolicy, policyKey, readPolicyDocuments } from '../policy/documents.ts';
import { PolicyInputError } from '../policy/fields.ts';
import { topologyPolicies } from '../policy/topology.ts';
import { pinned } from '../../lab/edits.ts';
import type { LabRecord } from '../../lab/state.ts';
import type { Topology } from '../../topology/types.ts';
import { validateTopology } from '../../topology/validate.ts';
import { type Action, ResourceError } from './changes.ts';
import { splitDocuments } from './input.ts';

export const POLICY_KINDS = ['NetworkPolicy', 'GlobalNetworkPolicy'] as const;

type Raw = Record<string, unknown>;

/** The `kind:` of each non-empty document, for routing a file to policies or resources. */
function kindsOf(text: string): string[] {
  return splitDocuments(text).flatMap((d) => {
    const v = parseAllDocuments(d)[0]?.toJS({ maxAliasCount: 100 }) as Raw | null | undefined;
    if (!v || typeof v !== 'object') return [];
    if (v.kind === 'List' && Array.isArray(v.items)) return v.items.map((i) => String((i as Raw)?.kind));
    return [String(v.kind)];
  });
}

/** Whether a file holds policies: all its objects are policy kinds (a mix is refused, naming both). */
export function holdsPolicies(text: string, source: string): boolean {
  let kinds: string[];
  try {
    kinds = kindsOf(text);
  } catch {
    return false; // not YAML: the resource reader reports the syntax error as calicoctl would
  }
  const policies = kinds.filter((k) => (POLICY_KINDS as readonly string[]).includes(k));
  if (!policies.length) return false;
  const others = kinds.filter((k) => !(POLICY_KINDS as readonly string[]).includes(k));
  if (others.length)
    throw new PolicyInputError(
      source,
      '',
      `holds both policies (${policies[0]}) and other resources (${others[0]})`,
      'apply the policies and the other resources from separate files',
    );
  return true;
}

/** kubectl's resource word for a Kubernetes policy, calicoctl's kind for Calico's. */
function label(p: ParsedPolicy): string {
  return p.origin.apiVersion === 'networking.k8s.io/v1'
    ? `networkpolicy.networking.k8s.io/${p.origin.name}`
    : `${p.kind}(${p.namespace ? `${p.namespace}/` : ''}${p.origin.name})`;
}

const notFound = (p: ParsedPolicy) =>
  p.origin.apiVersion === 'networking.k8s.io/v1'
    ? `Error from server (NotFound): networkpolicies.networking.k8s.io "${p.origin.name}" not found`
    : `resource does not exist: ${label(p)} with error: ${p.kind.toLowerCase()}s "${p.origin.name}" not found`;

const exists = (p: ParsedPolicy) =>
  p.origin.apiVersion === 'networking.k8s.io/v1'
    ? `Error from server (AlreadyExists): networkpolicies.networking.k8s.io "${p.origin.name}" already exists`
    : `resource already exists: ${label(p)}`;

/** A policy as Felix sees it, without where it was read from. */
const comparable = (p: ParsedPolicy) => JSON.stringify({ ...p, origin: { ...p.origin, source: '' } });

export interface PolicyChanges {
  topology: Topology;
  changed: string[];
  messages: string[];
}

/** The topology after `action` on the policies of `text`; nothing changes unless all of it can. */
export function policyChanges(rec: LabRecord, text: string, source: string, action: Action): PolicyChanges {
  const topo = rec.topology;
  const incoming = readPolicyDocuments(text, source);
  const current = topologyPolicies(topo).map((p, i) => ({ raw: topo.policies[i], policy: p }));
  const index = new Map(current.map((c, i) => [policyKey(c.policy), i]));
  const next: (Raw | undefined)[] = [...topo.policies];
  const changed: string[] = [];
  const messages: string[] = [];
  for (const { raw, policy } of incoming) {
    const i = index.get(policyKey(policy));
    if (i === undefined && (action === 'replace' || action === 'delete')) throw new ResourceError(notFound(policy));
    if (i !== undefined && action === 'create') throw new ResourceError(exists(policy));
    const same = i !== undefined && comparable(current[i].policy) === comparable(policy);
    if (action === 'delete') next[i!] = undefined;
    else if (i === undefined) next.push(raw);
    else next[i] = raw;
    if (action === 'delete' || !same) changed.push(label(policy));
    const word = action === 'delete' ? 'deleted' : i === undefined ? 'created' : same ? 'unchanged' : 'configured';
    messages.push(`${label(policy)} ${word}`);
  }
  const raw = { ...pinned(rec), policies: next.filter((p) => p !== undefined) };
  const topology = validateTopology(raw, `${action} -f ${source}`);
  topologyPolicies(topology);
  return { topology, changed, messages };
}

/** `delete networkpolicy NAME -n NS` / `delete globalnetworkpolicy NAME`: by the name calicoctl
 *  shows (a Kubernetes policy's knp.default.<name>), as one document for policyChanges. */
export function namedPolicyText(rec: LabRecord, kind: string, name: string, namespace = 'default'): string {
  const i = topologyPolicies(rec.topology).findIndex(
    (p) =>
      p.kind === kind &&
      (p.name === name || p.origin.name === name) &&
      (kind === 'GlobalNetworkPolicy' || p.namespace === namespace),
  );
  if (i < 0)
    throw new ResourceError(
      `resource does not exist: ${kind}(${kind === 'NetworkPolicy' ? `${namespace}/` : ''}${name}) with error: ` +
        `${kind.toLowerCase()}s.projectcalico.org "${name}" not found`,
    );
  return JSON.stringify(rec.topology.policies[i]);
}
