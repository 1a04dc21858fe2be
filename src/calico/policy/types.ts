// Calico's policy model as Felix receives it (projectcalico.org/v3 NetworkPolicy and
// GlobalNetworkPolicy, after libcalico-go's conversion of Kubernetes NetworkPolicy). Shared by
// the policy semantics (selector, conversion, evaluator) and Felix's rule renderer, so both read
// one model: api/pkg/apis/projectcalico/v3/policy_common.go (Rule, EntityRule).

export type PolicyAction = 'Allow' | 'Deny' | 'Pass' | 'Log';
export type Direction = 'Ingress' | 'Egress';
/** Calico's numeric or named protocol, named ones upper-case as Calico's API writes them. */
export type Protocol = 'TCP' | 'UDP' | 'ICMP' | 'SCTP' | 'UDPLite' | number;
/** A port number, a range "8000:8080", or a named port (resolved per endpoint, see ports below). */
export type Port = number | string;

export interface EntityRule {
  /** Calico selector over endpoint labels; for a namespaced policy it is scoped to the
   *  policy's namespace unless namespaceSelector is set (libcalico-go updateprocessors). */
  selector?: string;
  namespaceSelector?: string;
  nets?: string[];
  notNets?: string[];
  notSelector?: string;
  ports?: Port[];
  notPorts?: Port[];
  serviceAccounts?: { names?: string[]; selector?: string };
}

export interface PolicyRule {
  action: PolicyAction;
  protocol?: Protocol;
  notProtocol?: Protocol;
  icmp?: { type?: number; code?: number };
  notICMP?: { type?: number; code?: number };
  source: EntityRule;
  destination: EntityRule;
}

/** One Calico policy as Felix sees it. `name` is Calico's (`knp.default.<name>` for a converted
 *  Kubernetes policy); `kind` is Calico's kind, `origin` says what the user wrote. */
export interface CalicoPolicy {
  kind: 'NetworkPolicy' | 'GlobalNetworkPolicy';
  name: string;
  /** Namespaced kinds only. */
  namespace?: string;
  tier: string;
  /** Missing order sorts last (Calico's "infinity"). */
  order?: number;
  selector: string;
  types: Direction[];
  ingress: PolicyRule[];
  egress: PolicyRule[];
  origin: {
    apiVersion: 'networking.k8s.io/v1' | 'projectcalico.org/v3';
    kind: 'NetworkPolicy' | 'GlobalNetworkPolicy';
    name: string;
    namespace?: string;
    /** Where the object came from, for messages: "policies.yaml document 2" or "topology policies[0]". */
    source: string;
  };
}

/** A namespace as Calico's profile `kns.<name>` carries it. */
export interface NamespaceInfo {
  name: string;
  labels: Record<string, string>;
}

/** A workload endpoint's identity for policy: Calico's labels on the WorkloadEndpoint (the pod's
 *  labels plus projectcalico.org/namespace, /orchestrator, /serviceaccount). */
export interface PolicyEndpoint {
  pod: string;
  namespace: string;
  serviceAccount: string;
  node: string;
  ip: string;
  /** Host-side interface, cali + 11 hex characters. */
  ifname: string;
  labels: Record<string, string>;
  /** Declared container ports, for named ports and for the listeners verify probes. */
  ports: { port: number; protocol: 'TCP' | 'UDP' | 'SCTP'; name?: string }[];
}

export type Verdict = 'allowed' | 'denied';

/** One probe the evaluator judges: the destination port only for TCP/UDP. */
export interface Probe {
  from: PolicyEndpoint;
  to: PolicyEndpoint;
  protocol: 'icmp' | 'tcp' | 'udp';
  port: number | null;
}

export interface PolicyDecision {
  verdict: Verdict;
  /** What decided: "egress of <ns>/<pod>" or "ingress of <ns>/<pod>" and the policy or profile,
   *  e.g. "data/knp.default.default-deny", "default.allow-dns" (global), or "kns.data". */
  policy: string;
  direction: 'ingress' | 'egress';
  /** Human reason, e.g. "no policy selecting data/db allowed it (end of tier default)". */
  why: string;
}
