// What the Felix iptables renderer needs to know about one node: the cluster's encapsulation and
// pools, the node's workloads and the policies that apply to them. The lead decides which policies
// apply to which endpoint (and in which order); this module only renders what Felix would write.
import type { CalicoPolicy, PolicyRule } from '../../policy/types.ts';
import type { CalicoVersion } from '../../versions.ts';

export interface FelixIptablesInput {
  version: CalicoVersion;
  /** An enabled IPIP pool exists: cali-INPUT/OUTPUT IPIP rules and cali40all-hosts-net. */
  ipipEnabled: boolean;
  /** An enabled VXLAN pool exists: cali-INPUT/OUTPUT VXLAN rules, raw NOTRACK (3.29+), cali40all-vxlan-net. */
  vxlanEnabled: boolean;
  /** WireGuard on: its UDP port is allowed in cali-INPUT/OUTPUT; 3.30 moves its mark bit (see marks.ts). */
  wireguard?: { port: number; mark: number; iface: string };
  /** Every cluster node IP: members of cali40all-hosts-net and cali40all-vxlan-net. */
  hostIps: string[];
  /** This node's own addresses: members of cali40this-host. */
  thisHostIps: string[];
  /** CIDRs of enabled natOutgoing pools (cali40masq-ipam-pools). */
  masqPools: string[];
  /** CIDRs of all pools (cali40all-ipam-pools). */
  allPools: string[];
  /** Tunnel devices that have an address, for nat cali-POSTROUTING's per-device MASQUERADE:
   *  'tunl0', 'vxlan.calico', the WireGuard interface. Rendered in Felix's order (static.go:920-940). */
  tunnelDevices: string[];
  /** This node's workloads. */
  endpoints: LocalEndpoint[];
  /** All policies in the cluster; chains are rendered for those an endpoint's ingress/egress lists name. */
  policies: CalicoPolicy[];
  /** DefaultEndpointToHostAction: Felix's default is DROP, Calico's manifests and operator set ACCEPT. */
  endpointToHostAction: 'ACCEPT' | 'DROP' | 'RETURN';
  /** A tier's defaultAction (3.29+; `Tier.spec.defaultAction`); a missing tier means Deny. */
  tierDefaultActions?: Record<string, 'Deny' | 'Pass'>;
}

export interface LocalEndpoint {
  /** Host-side interface, cali + 11 hex characters. */
  ifname: string;
  namespace: string;
  serviceAccount: string;
  /** Policies that govern ingress, already filtered by `types` and ordered (tier order, then policy order). */
  ingress: PolicyRef[];
  egress: PolicyRef[];
}

export interface PolicyRef {
  tier: string;
  /** Calico's policy name as Felix receives it (e.g. `knp.default.default-deny`). */
  name: string;
  /** Namespaced kinds only. */
  namespace?: string;
  kind: 'NetworkPolicy' | 'GlobalNetworkPolicy';
}

export type RuleSide = 'source' | 'destination';

/** The selectors of one side of a rule as Felix's calc graph parses them (felix/calc/rule_scanner.go,
 *  extractSelectors): canonical strings (selector.String()). `selector` is already namespace-scoped and
 *  has the notSelector folded in when both exist; `notSelector` is only set when there is no selector. */
export interface RuleSelectors {
  selector?: string;
  notSelector?: string;
}

/** What the renderer cannot compute without Calico's selector parser (src/calico/policy/selector.ts). */
export interface RenderDeps {
  /** libcalico-go's canonical form of a selector (`parser.Parse(text).String()`); its SHA-224 names
   *  the ipset. The lead passes `(text) => parseSelector(text).canonical`. */
  canonicalSelector(text: string): string;
  /** parseSelectorAttachPrefix (updateprocessors/rules.go): the canonical form with every label name
   *  prefixed ('pcns.' for namespaceSelector, 'pcsa.' for serviceAccounts.selector). Only needed when
   *  a rule uses one of those; rendering such a rule without it throws. */
  prefixSelector?(text: string, prefix: string): string;
  /** Override the selectors of a rule side; by default felixRuleSelectors() derives them (selectors.ts). */
  ruleSelectors?(policy: CalicoPolicy, rule: PolicyRule, side: RuleSide): RuleSelectors;
}
