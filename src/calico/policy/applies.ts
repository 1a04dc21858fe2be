// Which policies Felix applies to an endpoint in a direction, in Felix's order.
// felix/calc/policy_sorter.go (v3.30.7): tiers by TierLess (known tiers by order, a missing
// order last, ties by name; tiers without a Tier resource after all of them), then within a tier
// by PolKVLess (order ascending, no order = +Inf, ties by the v1 policy name, which is
// "<namespace>/<name>" for a namespaced policy: networkpolicyprocessor.go
// convertNetworkPolicyV3ToV1Key). A policy governs the directions in its types
// (ExtractPolicyMetadata) and applies where its selector, as the update processors rewrite it
// (scope.ts), matches the endpoint's labels with inherited profile labels (endpoints.ts).
import { endpointLabels, type ServiceAccountInfo } from './endpoints.ts';
import { felixPolicySelector } from './scope.ts';
import { parseSelector } from './selector.ts';
import type { CalicoPolicy, Direction, NamespaceInfo, PolicyEndpoint } from './types.ts';

/** A Tier resource's fields that matter to the order and the end-of-tier action. */
export interface TierInfo {
  name: string;
  order?: number;
  /** api/pkg/apis/projectcalico/v3/tier.go TierSpec.DefaultAction: Deny unless Pass. */
  defaultAction?: 'Deny' | 'Pass';
}

/** The default tier Calico always creates (tier.go DefaultTierOrder). */
export const DEFAULT_TIER: TierInfo = { name: 'default', order: 1_000_000, defaultAction: 'Deny' };

export interface PolicyContext {
  /** Tier resources; the default tier is always there. */
  tiers?: TierInfo[];
  serviceAccounts?: ServiceAccountInfo[];
}

/** The name Felix knows the policy by (model.PolicyKey.Name). */
export function felixPolicyName(p: CalicoPolicy): string {
  return p.kind === 'NetworkPolicy' && p.namespace ? `${p.namespace}/${p.name}` : p.name;
}

/** "Ingress" / "ingress" alike. */
export function directionOf(d: string): Direction {
  return d.toLowerCase() === 'egress' ? 'Egress' : 'Ingress';
}

/** ExtractPolicyMetadata: no types at all means both directions. */
export function governs(p: CalicoPolicy, direction: Direction | 'ingress' | 'egress'): boolean {
  return p.types.length === 0 || p.types.includes(directionOf(direction));
}

/** Go's string < (byte order). */
const byteLess = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

function tierKey(name: string, tiers: TierInfo[]): { valid: boolean; order: number; name: string } {
  const valid = name === DEFAULT_TIER.name || tiers.some((t) => t.name === name);
  return { valid, order: tierInfo(name, tiers).order ?? Number.POSITIVE_INFINITY, name };
}

/** TierLess. */
function compareTiers(a: string, b: string, tiers: TierInfo[]): number {
  const [x, y] = [tierKey(a, tiers), tierKey(b, tiers)];
  if (x.valid !== y.valid) return x.valid ? -1 : 1;
  if (x.order !== y.order) return x.order < y.order ? -1 : 1;
  return byteLess(x.name, y.name);
}

/** PolKVLess within a tier. */
function comparePolicies(a: CalicoPolicy, b: CalicoPolicy): number {
  const [x, y] = [a.order ?? Number.POSITIVE_INFINITY, b.order ?? Number.POSITIVE_INFINITY];
  if (x !== y) return x < y ? -1 : 1;
  return byteLess(felixPolicyName(a), felixPolicyName(b));
}

/** Policies in Felix's evaluation order. */
export function sortPolicies(policies: CalicoPolicy[], tiers: TierInfo[] = []): CalicoPolicy[] {
  return [...policies].sort((a, b) => compareTiers(a.tier, b.tier, tiers) || comparePolicies(a, b));
}

/** The tier's settings, the default tier's defaults filled in. */
export function tierInfo(name: string, tiers: TierInfo[] = []): TierInfo {
  const t = tiers.find((x) => x.name === name);
  return name === DEFAULT_TIER.name ? { ...DEFAULT_TIER, ...t } : (t ?? { name });
}

/** Whether `p`'s selector, as Felix sees it, matches labels `labels`. */
export function selects(p: CalicoPolicy, labels: Record<string, string>): boolean {
  return parseSelector(felixPolicySelector(p)).matches(labels);
}

/** The policies that select `endpoint` and govern `direction`, in Felix's order. */
export function policiesFor(
  endpoint: PolicyEndpoint,
  policies: CalicoPolicy[],
  namespaces: NamespaceInfo[],
  direction: Direction | 'ingress' | 'egress',
  context: PolicyContext = {},
): CalicoPolicy[] {
  const labels = endpointLabels(endpoint, namespaces, context.serviceAccounts);
  const applying = policies.filter((p) => governs(p, direction) && selects(p, labels));
  return sortPolicies(applying, context.tiers);
}

/** Consecutive runs of `sorted` by tier: Felix's per-tier policy groups. */
export function groupByTier(sorted: CalicoPolicy[]): { tier: string; policies: CalicoPolicy[] }[] {
  const groups: { tier: string; policies: CalicoPolicy[] }[] = [];
  for (const p of sorted) {
    const last = groups.at(-1);
    if (last?.tier === p.tier) last.policies.push(p);
    else groups.push({ tier: p.tier, policies: [p] });
  }
  return groups;
}
