// Policy objects from YAML: Kubernetes networking.k8s.io/v1 NetworkPolicy (converted as Calico
// converts it) and Calico projectcalico.org/v3 NetworkPolicy / GlobalNetworkPolicy, each checked
// field by field (read-k8s.ts, read-calico.ts). A file may hold several documents and `v1 List`s
// of them, as kubectl and calicoctl accept.
import { parseAllDocuments } from 'yaml';
import { k8sNetworkPolicyToCalico } from './convert.ts';
import { isObject, join, type Obj, PolicyInputError, Reader, shown } from './fields.ts';
import { readCalicoPolicy } from './read-calico.ts';
import { readK8sNetworkPolicy } from './read-k8s.ts';
import type { PolicyScopeFields } from './scope.ts';
import { parseSelector, SelectorError } from './selector.ts';
import type { CalicoPolicy } from './types.ts';

export { PolicyInputError } from './fields.ts';
export { toCalicoResource } from './render.ts';

export type ParsedPolicy = CalicoPolicy & PolicyScopeFields;

const KINDS =
  'networking.k8s.io/v1 NetworkPolicy, projectcalico.org/v3 NetworkPolicy or projectcalico.org/v3 GlobalNetworkPolicy';

/** "<kind>/<namespace>/<name>" with Calico's name: one key per policy Felix would see. */
export function policyKey(p: CalicoPolicy): string {
  return `${p.kind}/${p.namespace ?? ''}/${p.name}`;
}

/** A converted policy's selectors must parse; Kubernetes' label rules make that so. */
function checkConverted(r: Reader, p: CalicoPolicy): void {
  const selectors = [
    p.selector,
    ...[...p.ingress, ...p.egress]
      .flatMap((x) => [x.source, x.destination])
      .flatMap((e) => [e.selector, e.namespaceSelector]),
  ];
  for (const s of selectors) {
    try {
      if (s) parseSelector(s);
    } catch (e) {
      if (!(e instanceof SelectorError)) throw e;
      r.fail(
        'spec',
        `converts to a selector Calico rejects (${shown(s)}: ${e.message})`,
        'check the label keys and values',
      );
    }
  }
}

/** One policy object (e.g. an inline topology `policies:` entry); `source` names it in errors,
 *  like "topology.yaml policies[3]". */
export function parsePolicyObject(obj: unknown, source: string): ParsedPolicy {
  const r: Reader = new Reader(source);
  if (!isObject(obj))
    r.fail('', `${shown(obj)} is not a policy object`, `write a ${KINDS} with apiVersion, kind, metadata and spec`);
  const { apiVersion, kind } = obj;
  if (kind === undefined || apiVersion === undefined)
    r.fail(kind === undefined ? 'kind' : 'apiVersion', 'missing', `write a ${KINDS}`);
  if (apiVersion === 'networking.k8s.io/v1' && kind === 'NetworkPolicy') {
    const p = k8sNetworkPolicyToCalico(readK8sNetworkPolicy(obj, source), source);
    checkConverted(r, p);
    return p;
  }
  if (apiVersion === 'projectcalico.org/v3' && (kind === 'NetworkPolicy' || kind === 'GlobalNetworkPolicy'))
    return readCalicoPolicy(r, obj, kind);
  return r.fail('kind', `${shown(apiVersion)} ${shown(kind)} is not a policy kind calilab reads`, `write a ${KINDS}`);
}

/** The objects of one YAML document: itself, or a v1 List's items. */
function objectsOf(doc: unknown, source: string): [unknown, string][] {
  if (!isObject(doc) || doc.kind !== 'List') return [[doc, source]];
  const r = new Reader(source);
  r.object(doc, '', 'a List', ['apiVersion', 'kind', 'metadata', 'items']);
  const items = r.list(doc.items ?? [], 'items', 'write the policies as a list under items');
  return items.map((item, i) => [item, `${source} ${join('items', i)}`]);
}

function yamlDocuments(text: string, name: string): [unknown, string][] {
  return parseAllDocuments(text).flatMap((doc, i) => {
    const source = `${name} document ${i + 1}`;
    const error = doc.errors[0];
    if (error)
      throw new PolicyInputError(
        source,
        '',
        `YAML error: ${error.message.split('\n')[0].replace(/:$/, '')}`,
        'fix the YAML syntax',
      );
    const value = doc.toJS() as unknown;
    return value === null || value === undefined ? [] : objectsOf(value, source);
  });
}

/** Every policy object in a multi-document YAML text, as written and as Calico reads it; `name`
 *  (e.g. "policies.yaml") names it in errors. Two objects that are the same policy to Felix are an
 *  error. */
export function readPolicyDocuments(text: string, name: string): { raw: Obj; policy: ParsedPolicy }[] {
  const seen = new Map<string, string>();
  return yamlDocuments(text, name).map(([obj, source]) => {
    const p = parsePolicyObject(obj, source);
    const earlier = seen.get(policyKey(p));
    if (earlier)
      throw new PolicyInputError(
        source,
        'metadata.name',
        `${policyKey(p)} is also defined in ${earlier}`,
        'rename one or remove the duplicate',
      );
    seen.set(policyKey(p), source);
    return { raw: obj as Obj, policy: p }; // parsePolicyObject refuses anything but an object
  });
}

/** Every policy in a multi-document YAML text (see readPolicyDocuments). */
export function parsePolicyDocuments(text: string, name: string): ParsedPolicy[] {
  return readPolicyDocuments(text, name).map((d) => d.policy);
}
