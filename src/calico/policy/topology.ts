// The policy side of a topology: its inline `policies:` objects read as Calico reads them (each
// error names the topology file and the entry), and its namespaces as Calico's kns.<ns> profiles
// carry them. A namespace a pod uses but the topology does not list exists without labels, as
// `kubectl create namespace` makes it.
import type { Topology } from '../../topology/types.ts';
import { type ParsedPolicy, parsePolicyObject, policyKey } from './documents.ts';
import { PolicyInputError } from './fields.ts';
import type { NamespaceInfo } from './types.ts';

export function topologyPolicies(topo: Pick<Topology, 'policies' | 'file'>): ParsedPolicy[] {
  const seen = new Map<string, number>();
  return topo.policies.map((obj, i) => {
    const source = `${topo.file} policies[${i}]`;
    const p = parsePolicyObject(obj, source);
    const key = policyKey(p);
    const first = seen.get(key);
    if (first !== undefined)
      throw new PolicyInputError(source, 'metadata.name', `${key} is already policies[${first}]`, 'rename one of them');
    seen.set(key, i);
    return p;
  });
}

export function topologyNamespaces(topo: Pick<Topology, 'namespaces' | 'pods'>): NamespaceInfo[] {
  const listed = topo.namespaces.map((n) => ({ name: n.name, labels: { ...n.labels } }));
  const implicit = [...new Set(topo.pods.map((p) => p.namespace))]
    .filter((ns) => !listed.some((n) => n.name === ns))
    .map((name) => ({ name, labels: {} }));
  return [...listed, ...implicit];
}
