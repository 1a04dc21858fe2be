// Per-workload chains cali-tw-<if> (to the pod, ingress policy) and cali-fw-<if> (from the pod,
// egress policy), and the policy-group chains they may jump to (felix/rules/endpoints.go:421
// endpointIptablesChain, 361 PolicyGroupToIptablesChains; felix/dataplane/linux/endpoint_mgr.go:1577
// groupPolicies). v3.30.7, with v3.28.5/v3.29.6 differences marked.
import { type Ctx, hasTiers, VXLAN_PORT } from './context.ts';
import { endpointChainName, FROM_ENDPOINT, TO_ENDPOINT } from './dispatch.ts';
import { a, actionWord, m } from './fragments.ts';
import { policyGroupChainName } from './hash.ts';
import type { LocalEndpoint, PolicyRef } from './input.ts';
import type { Chain, Rule, RuleOwner } from './model.ts';
import { type Direction, felixPolicyName, findPolicy, policyChainName, profileChainName } from './policy.ts';
import { felixPolicySelector } from './selectors.ts';

interface Group {
  tier: string;
  refs: PolicyRef[];
  selector: string;
}

/** endpoint_mgr.go:1577 groupPolicies: consecutive policies with the same selector share a group. */
function groupPolicies(ctx: Ctx, tier: string, refs: PolicyRef[]): Group[] {
  const groups: Group[] = [];
  for (const ref of refs) {
    const selector = felixPolicySelector(ctx.deps, findPolicy(ctx.input.policies, ref));
    const last = groups[groups.length - 1];
    if (last && last.selector === selector) last.refs.push(ref);
    else groups.push({ tier, refs: [ref], selector });
  }
  return groups;
}

/** v3.28.5 groups everything as tier "default" (endpoint_mgr.go:854); v3.29+ per tier, in order. */
function tiersOf(ctx: Ctx, refs: PolicyRef[]): { tier: string; refs: PolicyRef[] }[] {
  if (!hasTiers(ctx.version)) return refs.length ? [{ tier: 'default', refs }] : [];
  const tiers: { tier: string; refs: PolicyRef[] }[] = [];
  for (const ref of refs) {
    const last = tiers[tiers.length - 1];
    if (last?.tier === ref.tier) last.refs.push(ref);
    else tiers.push({ tier: ref.tier, refs: [ref] });
  }
  return tiers;
}

const groupDirection = (dir: Direction) => (dir === 'ingress' ? 'inbound' : 'outbound');

/** endpoints.go:873 PolicyGroup.ChainName. */
const groupChainName = (g: Group, dir: Direction) =>
  policyGroupChainName(g.tier, g.selector, groupDirection(dir), g.refs.map(felixPolicyName));

/** endpoints.go:361 PolicyGroupToIptablesChains: a RETURN on any verdict every fifth jump. */
export function groupChain(ctx: Ctx, g: Group, dir: Direction): Chain {
  const { accept, pass } = ctx.marks;
  const owner: RuleOwner = { kind: 'policy-group', policies: g.refs.map(felixPolicyName), direction: dir };
  const rules: Rule[] = [];
  g.refs.forEach((ref, i) => {
    if (i !== 0 && i % 5 === 0)
      rules.push({ match: [m.markNotClear(pass | accept)], action: a.ret(), comment: ['Return on verdict'], owner });
    const target = policyChainName(ctx.version, dir, g.tier, felixPolicyName(ref));
    rules.push({ match: i % 5 === 0 ? [] : [m.markClear(pass | accept)], action: a.jump(target), owner });
  });
  return { name: groupChainName(g, dir), rules };
}

/** The policy section of an endpoint chain (endpoints.go:609-722) and the group chains it needs. */
function policyRules(ctx: Ctx, ep: LocalEndpoint, dir: Direction, groups: Chain[]): Rule[] {
  const { marks } = ctx;
  const refs = dir === 'ingress' ? ep.ingress : ep.egress;
  const own = (policy?: string): RuleOwner => ({ kind: 'endpoint', ifname: ep.ifname, direction: dir, policy });
  const rules: Rule[] = [];
  for (const { tier, refs: tierRefs } of tiersOf(ctx, refs)) {
    if (hasTiers(ctx.version))
      rules.push({ action: a.clearMark(marks.pass), comment: [`Start of tier ${tier}`], owner: own() });
    for (const g of groupPolicies(ctx, tier, tierRefs)) {
      let target = policyChainName(ctx.version, dir, tier, felixPolicyName(g.refs[0]));
      if (g.refs.length > 1) {
        const chain = groupChain(ctx, g, dir);
        groups.push(chain);
        target = chain.name;
      }
      const policy = g.refs.map(felixPolicyName).join(',');
      rules.push({ match: [m.markClear(marks.pass)], action: a.jump(target), owner: own(policy) });
      rules.push({
        match: [m.markSet(marks.accept)],
        action: a.ret(),
        comment: ['Return if policy accepted'],
        owner: own(policy),
      });
    }
    if ((ctx.input.tierDefaultActions?.[tier] ?? 'Deny') === 'Pass' && hasTiers(ctx.version)) continue;
    const drop = a.drop();
    // v3.30 names the tier in the comment (endpoints.go:704); v3.28.5/v3.29.6 do not.
    const why = `${actionWord(drop)} if no policies passed packet`;
    const comment = ctx.version === '3.30' ? `End of tier ${tier}. ${why}` : why;
    rules.push({ match: [m.markClear(marks.pass)], action: drop, comment: [comment], owner: own() });
  }
  return rules;
}

/** The profiles of a Kubernetes workload, in Felix's order (k8s conversion: kns, then ksa). */
export const profilesOf = (ep: LocalEndpoint): string[] => [
  `kns.${ep.namespace}`,
  `ksa.${ep.namespace}.${ep.serviceAccount}`,
];

/** endpoints.go:421 endpointIptablesChain for a workload (chainTypeNormal, admin up, no QoS). */
function endpointChain(ctx: Ctx, ep: LocalEndpoint, dir: Direction, groups: Chain[]): Chain {
  const { marks } = ctx;
  const own = (profile?: string): RuleOwner => ({ kind: 'endpoint', ifname: ep.ifname, direction: dir, profile });
  const rules: Rule[] = [
    // endpoints.go:781 appendConntrackRules (IptablesFilterAllowAction ACCEPT).
    { match: [m.ctstate('RELATED,ESTABLISHED')], action: a.accept(), owner: own() },
    { match: [m.ctstate('INVALID')], action: a.drop(), owner: own() },
    { action: a.clearMark(marks.accept | marks.pass), owner: own() },
  ];
  if (dir === 'egress') {
    // Encapsulated packets from a pod could bypass egress policy (AllowVXLAN/IPIPPacketsFromWorkloads false).
    const drop = a.drop();
    const word = actionWord(drop);
    rules.push(
      {
        match: [m.proto('17'), m.dstPorts([{ first: VXLAN_PORT, last: VXLAN_PORT }])],
        action: drop,
        comment: [`${word} VXLAN encapped packets originating in workloads`],
        owner: own(),
      },
      {
        match: [m.proto('4')],
        action: drop,
        comment: [`${word} IPinIP encapped packets originating in workloads`],
        owner: own(),
      },
    );
  }
  rules.push(...policyRules(ctx, ep, dir, groups));
  for (const profile of profilesOf(ep)) {
    rules.push({ action: a.jump(profileChainName(dir, profile)), owner: own(profile) });
    rules.push({
      match: [m.markSet(marks.accept)],
      action: a.ret(),
      comment: ['Return if profile accepted'],
      owner: own(profile),
    });
  }
  rules.push({ action: a.drop(), comment: ['Drop if no profiles matched'], owner: own() });
  return { name: endpointChainName(dir === 'ingress' ? TO_ENDPOINT : FROM_ENDPOINT, ep.ifname), rules };
}

/** endpoints.go:49 WorkloadEndpointToIptablesChains: the to- and from-endpoint chains, plus any
 *  policy-group chains they reference. */
export function workloadChains(ctx: Ctx, ep: LocalEndpoint): Chain[] {
  const groups: Chain[] = [];
  const tw = endpointChain(ctx, ep, 'ingress', groups);
  const fw = endpointChain(ctx, ep, 'egress', groups);
  return [tw, fw, ...groups];
}
