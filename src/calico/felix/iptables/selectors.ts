// The selector strings Felix's calc graph parses for a policy and its rules, built the way
// libcalico-go's update processors build them from the v3 resource. Canonicalisation (and label
// prefixing) needs Calico's selector parser, which the caller injects.
import type { CalicoPolicy, EntityRule, PolicyRule } from '../../policy/types.ts';
import type { RenderDeps, RuleSelectors, RuleSide } from './input.ts';

const NAMESPACE_LABEL = 'projectcalico.org/namespace';
const SERVICE_ACCOUNT_LABEL = 'projectcalico.org/serviceaccount';
/** libcalico-go/lib/backend/k8s/conversion/constants.go: namespace and service account labels on endpoints. */
const NAMESPACE_LABEL_PREFIX = 'pcns.';
const SERVICE_ACCOUNT_LABEL_PREFIX = 'pcsa.';

function prefixed(deps: RenderDeps, text: string, prefix: string): string {
  if (!deps.prefixSelector) throw new Error(`rendering a ${prefix}* selector needs deps.prefixSelector: ${text}`);
  return deps.prefixSelector(text, prefix);
}

/** updateprocessors/rules.go parseServiceAccounts. */
function serviceAccountSelector(deps: RenderDeps, sa: NonNullable<EntityRule['serviceAccounts']>): string {
  const bySelector = sa.selector ? prefixed(deps, sa.selector, SERVICE_ACCOUNT_LABEL_PREFIX) : '';
  if (!sa.names?.length) return bySelector;
  const byName = deps.canonicalSelector(`${SERVICE_ACCOUNT_LABEL} in { '${sa.names.join("', '")}' }`);
  return bySelector ? `(${bySelector}) && (${byName})` : byName;
}

/** updateprocessors/rules.go getEndpointSelector: a namespaced policy's rule selectors are scoped to
 *  its namespace unless a namespaceSelector says otherwise. */
function entitySelector(deps: RenderDeps, er: EntityRule, ns: string): string {
  let nsSel = '';
  if (er.namespaceSelector) {
    nsSel = prefixed(deps, er.namespaceSelector, NAMESPACE_LABEL_PREFIX)
      .replaceAll('all()', `has(${NAMESPACE_LABEL})`)
      .replaceAll('global()', `!has(${NAMESPACE_LABEL})`);
  } else if (ns) nsSel = `${NAMESPACE_LABEL} == '${ns}'`;
  const parts = [er.serviceAccounts ? serviceAccountSelector(deps, er.serviceAccounts) : '', er.selector ?? ''];
  const present = parts.filter((s) => s !== '');
  let selector = present.length > 1 ? `(${present.join(') && (')})` : (present[0] ?? '');
  if (nsSel && (selector || er.notSelector || er.namespaceSelector))
    selector = selector ? `(${nsSel}) && (${selector})` : nsSel;
  return selector;
}

/** The selectors Felix renders as ipsets for one side of a rule: GetEntityRuleSelector
 *  (updateprocessors/rules.go) then felix/calc/rule_scanner.go combineMatchesIfPossible, which folds
 *  the notSelector into a positive selector when there is one. Canonical strings. */
export function felixRuleSelectors(
  deps: RenderDeps,
  policy: CalicoPolicy,
  rule: PolicyRule,
  side: RuleSide,
): RuleSelectors {
  const er = rule[side];
  const selector = entitySelector(deps, er, policy.namespace ?? '');
  const not = er.notSelector ?? '';
  if (!selector) return not ? { notSelector: deps.canonicalSelector(not) } : {};
  return { selector: deps.canonicalSelector(not ? `(${selector}) && (!(${not}))` : selector) };
}

/** A policy's own selector as Felix sees it (networkpolicyprocessor.go:61-72): namespaced kinds are
 *  ANDed with their namespace. Felix groups consecutive policies with equal selectors into one chain. */
export function felixPolicySelector(deps: RenderDeps, policy: CalicoPolicy): string {
  const sel = policy.selector ?? '';
  if (policy.kind !== 'NetworkPolicy' || !policy.namespace) return deps.canonicalSelector(sel);
  const nsSel = `${NAMESPACE_LABEL} == '${policy.namespace}'`;
  return deps.canonicalSelector(sel ? `(${sel}) && ${nsSel}` : nsSel);
}
