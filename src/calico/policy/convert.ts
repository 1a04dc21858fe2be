// Kubernetes networking.k8s.io/v1 NetworkPolicy -> Calico NetworkPolicy, as
// libcalico-go/lib/backend/k8s/conversion/conversion.go K8sNetworkPolicyToCalico does it at
// v3.30.7 (lines 788-1225): name knp.default.<name>, order 1000, tier default, the pod selector
// prefixed with projectcalico.org/orchestrator == 'k8s', one Allow rule per (protocol, peer) with
// each protocol's ports merged (k8sRuleToCalico, SimplifyPorts). The input is the object after
// the API server's defaulting (policyTypes, port protocol: documents.ts applies it).
import { formatNetwork, parseNet } from './nets.ts';
import { portFromString, simplifyPorts } from './ports.ts';
import type { CalicoPolicy, Direction, EntityRule, Port, PolicyRule, Protocol } from './types.ts';

export interface K8sLabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
}

export interface K8sPeer {
  podSelector?: K8sLabelSelector;
  namespaceSelector?: K8sLabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}

export interface K8sPort {
  protocol?: 'TCP' | 'UDP' | 'SCTP';
  port?: number | string;
  endPort?: number;
}

export interface K8sNetworkPolicy {
  metadata: { name: string; namespace: string };
  spec: {
    podSelector?: K8sLabelSelector;
    ingress?: { from?: K8sPeer[]; ports?: K8sPort[] }[];
    egress?: { to?: K8sPeer[]; ports?: K8sPort[] }[];
    policyTypes?: Direction[];
  };
}

/** Calico's name for Kubernetes policy <name> (names/policy.go K8sNetworkPolicyNamePrefix). */
export const k8sPolicyName = (name: string): string => `knp.default.${name}`;

/** conversion.go k8sSelectorToCalico: a pod selector gets the orchestrator term; an empty (but
 *  present) namespace selector is all(); matchLabels sorted by key, then matchExpressions in order. */
export function k8sSelectorToCalico(s: K8sLabelSelector | undefined, type: 'pod' | 'namespace'): string {
  const terms = type === 'pod' ? ["projectcalico.org/orchestrator == 'k8s'"] : [];
  if (!s) return terms.join(' && ');
  const labels = s.matchLabels ?? {};
  const exprs = s.matchExpressions ?? [];
  if (type === 'namespace' && Object.keys(labels).length === 0 && exprs.length === 0) return 'all()';
  for (const k of Object.keys(labels).sort(byteOrder)) terms.push(`${k} == '${labels[k]}'`);
  for (const e of exprs) {
    const values = (e.values ?? []).join("', '");
    if (e.operator === 'In') terms.push(`${e.key} in { '${values}' }`);
    if (e.operator === 'NotIn') terms.push(`${e.key} not in { '${values}' }`);
    if (e.operator === 'Exists') terms.push(`has(${e.key})`);
    if (e.operator === 'DoesNotExist') terms.push(`! has(${e.key})`);
  }
  return terms.join(' && ');
}

function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** k8sPeerToCalicoFields: an ipBlock gives nets/notNets (printed as networks); an unparseable
 *  CIDR leaves the peer empty and an unparseable except ends the list, as there. Otherwise pod
 *  and namespace selectors. */
function peerFields(peer: K8sPeer | undefined): EntityRule {
  if (!peer) return {};
  if (peer.ipBlock) {
    const cidr = parseNet(peer.ipBlock.cidr);
    if (!cidr) return {};
    const notNets: string[] = [];
    for (const text of peer.ipBlock.except ?? []) {
      const n = parseNet(text);
      if (!n) break;
      notNets.push(formatNetwork(n));
    }
    return notNets.length ? { nets: [formatNetwork(cidr)], notNets } : { nets: [formatNetwork(cidr)] };
  }
  const er: EntityRule = { selector: k8sSelectorToCalico(peer.podSelector, 'pod') };
  const ns = k8sSelectorToCalico(peer.namespaceSelector, 'namespace');
  return ns ? { ...er, namespaceSelector: ns } : er;
}

/** k8sPortToCalico: "<port>" or "<port>:<endPort>", parsed as Calico parses a port string. */
function portOf(p: K8sPort): Port | undefined {
  if (p.port === undefined) return undefined;
  const text = p.endPort === undefined ? String(p.port) : `${p.port}:${p.endPort}`;
  const port = portFromString(text);
  if (port === undefined) throw new Error(`invalid port ${text}`);
  return port;
}

/** Ports grouped by protocol ("" = no port given: all traffic), protocols sorted (k8sRuleToCalico
 *  lines 999-1031). A protocol with a port-less entry matches all its ports. */
function protocolPorts(ports: K8sPort[] | undefined): Map<string, Port[] | undefined> {
  const out = new Map<string, Port[] | undefined>();
  if (!ports?.length) return new Map([['', undefined]]);
  for (const p of ports) {
    const proto = p.protocol ?? 'TCP';
    const port = portOf(p);
    if (port === undefined) out.set(proto, undefined);
    else if (!out.has(proto) || out.get(proto)?.length) out.set(proto, [...(out.get(proto) ?? []), port]);
  }
  return new Map([...out.entries()].sort(([a], [b]) => byteOrder(a, b)));
}

/** k8sRuleToCalico: for each protocol (sorted), one Allow rule per peer (in order). */
export function k8sRuleToCalico(
  peers: K8sPeer[] | undefined,
  ports: K8sPort[] | undefined,
  ingress: boolean,
): PolicyRule[] {
  const rules: PolicyRule[] = [];
  const peerList: (K8sPeer | undefined)[] = peers?.length ? peers : [undefined];
  for (const [proto, list] of protocolPorts(ports)) {
    const protocol = proto ? (proto as Protocol) : undefined;
    const dstPorts = list ? simplifyPorts(list) : undefined;
    for (const peer of peerList) {
      const fields = peerFields(peer);
      const portFields: EntityRule = dstPorts ? { ports: dstPorts } : {};
      rules.push({
        action: 'Allow',
        ...(protocol ? { protocol } : {}),
        source: ingress ? fields : {},
        destination: ingress ? portFields : { ...portFields, ...fields },
      });
    }
  }
  return rules;
}

/** Types (conversion.go lines 824-853): Ingress and Egress from policyTypes, in that order;
 *  none at all means Ingress. */
function policyTypes(types: Direction[] | undefined): Direction[] {
  const out = (['Ingress', 'Egress'] as const).filter((t) => types?.includes(t));
  return out.length ? out : ['Ingress'];
}

/** Each rule converts on its own; one that fails (a bad port) is dropped with a reason in
 *  `problems`, and the rest are kept (conversion.go lines 798-822). */
function convertRules(
  rules: { peers?: K8sPeer[]; ports?: K8sPort[] }[],
  ingress: boolean,
  problems: string[],
): PolicyRule[] {
  return rules.flatMap((r, i) => {
    try {
      return k8sRuleToCalico(r.peers, r.ports, ingress);
    } catch (e) {
      problems.push(`${ingress ? 'ingress' : 'egress'}[${i}] dropped: ${(e as Error).message}`);
      return [];
    }
  });
}

export function k8sNetworkPolicyToCalico(np: K8sNetworkPolicy, source: string, problems: string[] = []): CalicoPolicy {
  const { name, namespace } = np.metadata;
  const ingress = (np.spec.ingress ?? []).map((r) => ({ peers: r.from, ports: r.ports }));
  const egress = (np.spec.egress ?? []).map((r) => ({ peers: r.to, ports: r.ports }));
  return {
    kind: 'NetworkPolicy',
    name: k8sPolicyName(name),
    namespace,
    tier: 'default',
    order: 1000,
    selector: k8sSelectorToCalico(np.spec.podSelector ?? {}, 'pod'),
    types: policyTypes(np.spec.policyTypes),
    ingress: convertRules(ingress, true, problems),
    egress: convertRules(egress, false, problems),
    origin: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', name, namespace, source },
  };
}
