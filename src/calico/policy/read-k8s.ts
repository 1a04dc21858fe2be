// A Kubernetes networking.k8s.io/v1 NetworkPolicy as a user writes it, checked as the API server
// checks it (kubernetes pkg/apis/networking/validation ValidateNetworkPolicy) and defaulted as it
// defaults it (pkg/apis/networking/v1/defaults.go: policyTypes is Ingress, plus Egress when there
// are egress rules; a port's protocol is TCP), ready for convert.ts.
import type { K8sLabelSelector, K8sNetworkPolicy, K8sPeer, K8sPort } from './convert.ts';
import { join, type Obj, Reader, shown } from './fields.ts';
import { isDnsLabel, isDnsSubdomain, labelKeyProblem, labelValueProblem } from './labels.ts';
import { parseNet, strictlyInside } from './nets.ts';
import { isValidPortName } from './ports.ts';
import type { Direction } from './types.ts';

/** ObjectMeta fields a manifest may carry; only name and namespace matter here. */
/** metadata.namespace of a namespaced policy: `default` when left out, as kubectl and calicoctl do. */
export function readNamespace(r: Reader, m: Obj): string {
  const namespace =
    m.namespace === undefined ? 'default' : r.string(m.namespace, 'metadata.namespace', 'write a namespace name');
  if (!isDnsLabel(namespace))
    r.fail(
      'metadata.namespace',
      `${shown(namespace)} is not a namespace name`,
      'use lower-case letters, digits and "-"',
    );
  return namespace;
}

export const METADATA_FIELDS = [
  'name',
  'namespace',
  'labels',
  'annotations',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'managedFields',
  'finalizers',
  'ownerReferences',
  'generateName',
];

const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

function labelSelector(r: Reader, v: unknown, path: string): K8sLabelSelector {
  const o = r.object(v, path, 'a label selector', ['matchLabels', 'matchExpressions']);
  const fix = 'write matchLabels as a mapping of label keys to values';
  const matchLabels =
    o.matchLabels === undefined ? undefined : r.stringMap(o.matchLabels, join(path, 'matchLabels'), fix);
  for (const [k, val] of Object.entries(matchLabels ?? {})) {
    const at = join(join(path, 'matchLabels'), k);
    const kp = labelKeyProblem(k);
    if (kp) r.fail(at, `the label key ${kp}`, 'write a key like app or example.com/tier');
    const vp = labelValueProblem(val);
    if (vp) r.fail(at, `${shown(val)} ${vp}`, 'write a label value like web or v1.2');
  }
  const exprs =
    o.matchExpressions === undefined
      ? undefined
      : r.list(o.matchExpressions, join(path, 'matchExpressions'), 'write a list of {key, operator, values}');
  return {
    matchLabels,
    matchExpressions: exprs?.map((e, i) => expression(r, e, join(join(path, 'matchExpressions'), i))),
  };
}

function expression(r: Reader, v: unknown, path: string): NonNullable<K8sLabelSelector['matchExpressions']>[number] {
  const o = r.object(v, path, 'a label selector requirement', ['key', 'operator', 'values']);
  const key = r.string(o.key, join(path, 'key'), 'write the label key the requirement tests');
  const kp = labelKeyProblem(key);
  if (kp) r.fail(join(path, 'key'), `the label key ${kp}`, 'write a key like app or example.com/tier');
  const operator = r.string(o.operator, join(path, 'operator'), `write one of ${OPERATORS.join(', ')}`);
  if (!OPERATORS.includes(operator))
    r.fail(join(path, 'operator'), `${shown(operator)} is not an operator`, `write one of ${OPERATORS.join(', ')}`);
  const values =
    o.values === undefined ? [] : r.strings(o.values, join(path, 'values'), 'write a list of label values');
  const needsValues = operator === 'In' || operator === 'NotIn';
  if (needsValues && !values.length)
    r.fail(join(path, 'values'), `${operator} needs values`, 'list at least one value');
  if (!needsValues && values.length) r.fail(join(path, 'values'), `${operator} takes no values`, 'remove values');
  values.forEach((val, i) => {
    const vp = labelValueProblem(val);
    if (vp) r.fail(join(join(path, 'values'), i), `${shown(val)} ${vp}`, 'write a label value like web or v1.2');
  });
  return { key, operator: operator as 'In', values: needsValues ? values : undefined };
}

function ipBlock(r: Reader, v: unknown, path: string): NonNullable<K8sPeer['ipBlock']> {
  const o = r.object(v, path, 'an ipBlock', ['cidr', 'except']);
  const cidrText = r.string(o.cidr, join(path, 'cidr'), 'write a CIDR like 10.0.0.0/8');
  const cidr = parseNet(cidrText);
  if (!cidr) r.fail(join(path, 'cidr'), `${shown(cidrText)} is not a CIDR`, 'write a CIDR like 10.0.0.0/8');
  const except =
    o.except === undefined ? undefined : r.strings(o.except, join(path, 'except'), 'write a list of CIDRs');
  except?.forEach((text, i) => {
    const n = parseNet(text);
    if (!n || !strictlyInside(n, cidr))
      r.fail(
        join(join(path, 'except'), i),
        `${shown(text)} is not a CIDR strictly inside ${cidrText}`,
        'write a smaller CIDR within cidr',
      );
  });
  return { cidr: cidrText, except };
}

function peer(r: Reader, v: unknown, path: string): K8sPeer {
  const o = r.object(v, path, 'a NetworkPolicyPeer', ['podSelector', 'namespaceSelector', 'ipBlock']);
  if (o.ipBlock !== undefined && (o.podSelector !== undefined || o.namespaceSelector !== undefined))
    r.fail(path, 'ipBlock is set with a pod or namespace selector', 'write ipBlock as a peer of its own');
  if (o.ipBlock === undefined && o.podSelector === undefined && o.namespaceSelector === undefined)
    r.fail(
      path,
      'the peer is empty',
      'set podSelector, namespaceSelector or ipBlock (an empty from/to list allows all)',
    );
  if (o.ipBlock !== undefined) return { ipBlock: ipBlock(r, o.ipBlock, join(path, 'ipBlock')) };
  return {
    podSelector: o.podSelector === undefined ? undefined : labelSelector(r, o.podSelector, join(path, 'podSelector')),
    namespaceSelector:
      o.namespaceSelector === undefined
        ? undefined
        : labelSelector(r, o.namespaceSelector, join(path, 'namespaceSelector')),
  };
}

const PORT_FIX = 'write a number from 1 to 65535 or a named port like http (for a range, add endPort)';

function port(r: Reader, v: unknown, path: string): K8sPort {
  const o = r.object(v, path, 'a NetworkPolicyPort', ['protocol', 'port', 'endPort']);
  const protocol =
    o.protocol === undefined ? 'TCP' : r.string(o.protocol, join(path, 'protocol'), 'write TCP, UDP or SCTP');
  if (!['TCP', 'UDP', 'SCTP'].includes(protocol))
    r.fail(join(path, 'protocol'), `${shown(protocol)} is not a protocol`, 'write TCP, UDP or SCTP (upper case)');
  const p = o.port;
  if (typeof p === 'string' && /^\d+$/.test(p))
    r.fail(join(path, 'port'), `${shown(p)} is a string`, `write ${p} without quotes`);
  if (typeof p === 'string' && !isValidPortName(p))
    r.fail(join(path, 'port'), `${shown(p)} is not a port name`, PORT_FIX);
  if (
    p !== undefined &&
    typeof p !== 'string' &&
    !(Number.isInteger(p) && (p as number) >= 1 && (p as number) <= 65535)
  )
    r.fail(join(path, 'port'), `${shown(p)} is not a port`, PORT_FIX);
  if (o.endPort === undefined) return { protocol: protocol as 'TCP', port: p as number | string | undefined };
  const end = r.integer(o.endPort, join(path, 'endPort'), 1, 65535, 'a port');
  if (typeof p !== 'number')
    r.fail(join(path, 'endPort'), 'endPort needs a numeric port', 'set port to the first port of the range');
  if (end < p) r.fail(join(path, 'endPort'), `${end} is below port ${p}`, `write an endPort of at least ${p}`);
  return { protocol: protocol as 'TCP', port: p, endPort: end };
}

function rule(r: Reader, v: unknown, path: string, peersKey: 'from' | 'to'): { peers?: K8sPeer[]; ports?: K8sPort[] } {
  const what = peersKey === 'from' ? 'a NetworkPolicyIngressRule' : 'a NetworkPolicyEgressRule';
  const o = r.object(v ?? {}, path, what, [peersKey, 'ports']);
  const peers =
    o[peersKey] === undefined ? undefined : r.list(o[peersKey], join(path, peersKey), 'write a list of peers');
  const ports = o.ports === undefined ? undefined : r.list(o.ports, join(path, 'ports'), 'write a list of ports');
  return {
    peers: peers?.map((x, i) => peer(r, x, join(join(path, peersKey), i))),
    ports: ports?.map((x, i) => port(r, x, join(join(path, 'ports'), i))),
  };
}

function policyTypes(r: Reader, v: unknown, hasEgress: boolean): Direction[] {
  if (v === undefined) return hasEgress ? ['Ingress', 'Egress'] : ['Ingress'];
  const types = r.strings(v, 'spec.policyTypes', 'write a list of Ingress and/or Egress');
  types.forEach((t, i) => {
    if (t !== 'Ingress' && t !== 'Egress')
      r.fail(`spec.policyTypes[${i}]`, `${shown(t)} is not a policy type`, 'write Ingress or Egress');
    if (types.indexOf(t) !== i) r.fail(`spec.policyTypes[${i}]`, `${t} is listed twice`, 'list each type once');
  });
  return types.length ? (types as Direction[]) : hasEgress ? ['Ingress', 'Egress'] : ['Ingress'];
}

function metadata(r: Reader, o: Obj): { name: string; namespace: string } {
  const m = r.object(o.metadata, 'metadata', 'metadata', METADATA_FIELDS);
  const name = r.string(m.name, 'metadata.name', 'give the policy a name');
  if (!isDnsSubdomain(name))
    r.fail(
      'metadata.name',
      `${shown(name)} is not a valid name`,
      'use lower-case letters, digits, "-" and "." (a DNS subdomain)',
    );
  return { name, namespace: readNamespace(r, m) };
}

/** The checked, defaulted policy; throws PolicyInputError naming `source` and the field. */
export function readK8sNetworkPolicy(o: Obj, source: string): K8sNetworkPolicy {
  const r = new Reader(source);
  r.object(o, '', 'a NetworkPolicy', ['apiVersion', 'kind', 'metadata', 'spec', 'status']);
  const meta = metadata(r, o);
  const spec = r.object(o.spec ?? {}, 'spec', 'a NetworkPolicySpec', [
    'podSelector',
    'ingress',
    'egress',
    'policyTypes',
  ]);
  const list = (key: 'ingress' | 'egress') =>
    spec[key] === undefined ? undefined : r.list(spec[key], `spec.${key}`, `write a list of ${key} rules`);
  const [ingress, egress] = [list('ingress'), list('egress')];
  return {
    metadata: meta,
    spec: {
      podSelector: spec.podSelector === undefined ? {} : labelSelector(r, spec.podSelector, 'spec.podSelector'),
      ingress: ingress
        ?.map((x, i) => rule(r, x, `spec.ingress[${i}]`, 'from'))
        .map((x) => ({ from: x.peers, ports: x.ports })),
      egress: egress
        ?.map((x, i) => rule(r, x, `spec.egress[${i}]`, 'to'))
        .map((x) => ({ to: x.peers, ports: x.ports })),
      policyTypes: policyTypes(r, spec.policyTypes, (egress?.length ?? 0) > 0),
    },
  };
}
