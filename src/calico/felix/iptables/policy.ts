// Policy and profile chains (felix/rules/policy.go:38 PolicyToIptablesChains, 74
// ProfileToIptablesChains, 108 ProtoRulesToIptablesRules) and their names.
import type { CalicoPolicy } from '../../policy/types.ts';
import type { CalicoVersion } from '../../versions.ts';
import { type Ctx, hasTiers } from './context.ts';
import { felixRule } from './felix-rule.ts';
import { chainName } from './hash.ts';
import type { PolicyRef } from './input.ts';
import type { Chain, Rule, RuleOwner } from './model.ts';
import { renderRule } from './rules.ts';

export type Direction = 'ingress' | 'egress';

/** The name Felix keys a policy by: `<namespace>/<name>` for namespaced kinds
 *  (updateprocessors/networkpolicyprocessor.go convertNetworkPolicyV2ToV1Key). */
export const felixPolicyName = (ref: Pick<PolicyRef, 'name' | 'namespace' | 'kind'>): string =>
  ref.kind === 'NetworkPolicy' ? `${ref.namespace}/${ref.name}` : ref.name;

/** policy.go:1051 PolicyChainName: v3.29+ qualify the name with the tier; v3.28.5 does not. */
export function policyChainName(version: CalicoVersion, dir: Direction, tier: string, felixName: string): string {
  const prefix = dir === 'ingress' ? 'cali-pi-' : 'cali-po-';
  return chainName(prefix, hasTiers(version) ? `${tier}/${felixName}` : felixName);
}

/** policy.go:1063 ProfileChainName. */
export const profileChainName = (dir: Direction, profile: string): string =>
  chainName(dir === 'ingress' ? 'cali-pri-' : 'cali-pro-', profile);

/** policy.go:108 ProtoRulesToIptablesRules: trailing RETURNs are no-ops and go; the chain's comment
 *  rides on its first rule (a comment-only rule when there are none). */
function finishChain(rules: Rule[], comment: string, owner: RuleOwner): Rule[] {
  const out = [...rules];
  while (out.length && out[out.length - 1].action?.kind === 'return') out.pop();
  if (!out.length) out.push({ owner });
  out[0] = { ...out[0], comment: [...(out[0].comment ?? []), comment] };
  return out;
}

export function findPolicy(policies: CalicoPolicy[], ref: PolicyRef): CalicoPolicy {
  const p = policies.find(
    (x) => x.kind === ref.kind && x.name === ref.name && (x.namespace ?? '') === (ref.namespace ?? ''),
  );
  if (!p) throw new Error(`no ${ref.kind} ${felixPolicyName(ref)} among the input policies`);
  return p;
}

/** policy.go:38 PolicyToIptablesChains, for the one direction an endpoint uses. */
export function policyChain(ctx: Ctx, ref: PolicyRef, dir: Direction): Chain {
  const policy = findPolicy(ctx.input.policies, ref);
  const name = felixPolicyName(ref);
  const base = { kind: 'policy', policyKind: ref.kind, tier: ref.tier, name, direction: dir } as const;
  const rules = (dir === 'ingress' ? policy.ingress : policy.egress).flatMap((rule, ruleIndex) =>
    renderRule(ctx, felixRule(ctx, policy, rule)).map((r) => ({ ...r, owner: { ...base, ruleIndex } })),
  );
  return {
    name: policyChainName(ctx.version, dir, ref.tier, name),
    rules: finishChain(rules, `Policy ${name} ${dir}`, base),
  };
}

/** The Kubernetes profiles on every workload (libcalico-go k8s conversion): `kns.<ns>` allows
 *  everything both ways (NamespaceToProfile), `ksa.<ns>.<sa>` only carries labels. Allow renders as
 *  a mark (its RETURN is trailing and stripped). */
export function profileChain(ctx: Ctx, profile: string, dir: Direction): Chain {
  const owner = { kind: 'profile', name: profile, direction: dir } as const;
  const allow = profile.startsWith('kns.');
  const rules = allow
    ? renderRule(ctx, {
        action: 'allow',
        src: emptySide(),
        dst: emptySide(),
      }).map((r) => ({ ...r, owner: { ...owner, ruleIndex: 0 } }))
    : [];
  return { name: profileChainName(dir, profile), rules: finishChain(rules, `Profile ${profile} ${dir}`, owner) };
}

const emptySide = () => ({
  nets: [],
  notNets: [],
  ports: [],
  notPorts: [],
  named: [],
  notNamed: [],
  sets: [],
  notSets: [],
});
