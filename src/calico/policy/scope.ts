// The selectors Felix actually matches: libcalico-go's syncer update processors rewrite a policy's
// selector and each rule's selectors before Felix sees them (v3.30.7
// libcalico-go/lib/backend/syncersv1/updateprocessors/). A namespaced policy only selects
// endpoints of its namespace, and its rules' selectors are scoped to that namespace unless the
// rule names a namespaceSelector, which becomes a selector over the `pcns.`-prefixed labels every
// endpoint inherits from its namespace's profile (see endpoints.ts).
import { type SelectorNode, fromNode, parseSelector } from './selector.ts';
import type { CalicoPolicy, EntityRule, PolicyRule } from './types.ts';

export const LABEL_NAMESPACE = 'projectcalico.org/namespace';
export const LABEL_ORCHESTRATOR = 'projectcalico.org/orchestrator';
export const LABEL_SERVICE_ACCOUNT = 'projectcalico.org/serviceaccount';
/** conversion/constants.go */
export const NAMESPACE_LABEL_PREFIX = 'pcns.';
export const SERVICE_ACCOUNT_LABEL_PREFIX = 'pcsa.';

/** Policy-level fields the shared model has no slot for; documents.ts sets them on the policy
 *  object it returns (a CalicoPolicy with extra optional properties). */
export interface PolicyScopeFields {
  /** GlobalNetworkPolicy spec.namespaceSelector. */
  namespaceSelector?: string;
  /** NetworkPolicy / GlobalNetworkPolicy spec.serviceAccountSelector. */
  serviceAccountSelector?: string;
}

function prefixed(node: SelectorNode, prefix: string): SelectorNode {
  switch (node.type) {
    case 'all':
    case 'global':
      return node;
    case 'not':
      return { type: 'not', operand: prefixed(node.operand, prefix) };
    case 'and':
    case 'or':
      return { type: node.type, operands: node.operands.map((o) => prefixed(o, prefix)) };
    default:
      return { ...node, label: prefix + node.label };
  }
}

/** selectors.go parseSelectorAttachPrefix: every label name gets `prefix` (parser.PrefixVisitor);
 *  the result is printed canonically. Unparseable input gives "", as there. */
export function prefixSelector(text: string, prefix: string): string {
  try {
    return fromNode(prefixed(parseSelector(text).root, prefix)).canonical;
  } catch {
    return '';
  }
}

/** selectors.go prefixAndAppendSelector. */
function prefixAndAppend(current: string, added: string | undefined, prefix: string): string {
  if (!added) return current;
  const p = prefixSelector(added, prefix);
  if (!p) return current;
  return current ? `(${current}) && ${p}` : p;
}

/** The v1 selector Felix matches endpoints against: networkpolicyprocessor.go
 *  ConvertNetworkPolicyV3ToV1Value and globalnetworkpolicyprocessor.go
 *  ConvertGlobalNetworkPolicyV3ToV1Value (including their textual all() replacements). */
export function felixPolicySelector(p: CalicoPolicy & PolicyScopeFields): string {
  let sel = p.selector;
  if (p.kind === 'NetworkPolicy') {
    if (p.namespace) {
      const ns = `${LABEL_NAMESPACE} == '${p.namespace}'`;
      sel = sel ? `(${sel}) && ${ns}` : ns;
    }
    return prefixAndAppend(sel, p.serviceAccountSelector, SERVICE_ACCOUNT_LABEL_PREFIX);
  }
  if (p.namespaceSelector) {
    sel = prefixAndAppend(sel, p.namespaceSelector, NAMESPACE_LABEL_PREFIX);
    sel = sel.replaceAll('all()', `has(${LABEL_NAMESPACE})`);
  }
  if (p.serviceAccountSelector) {
    sel = prefixAndAppend(sel, p.serviceAccountSelector, SERVICE_ACCOUNT_LABEL_PREFIX);
    sel = sel.replaceAll('all()', `has(${LABEL_SERVICE_ACCOUNT})`);
  }
  return sel;
}

/** rules.go parseServiceAccounts: names become `projectcalico.org/serviceaccount in {...}`
 *  (normalised), the selector is prefixed with pcsa., both must hold. */
function serviceAccountSelector(sa: NonNullable<EntityRule['serviceAccounts']>): string {
  const sel = sa.selector ? prefixSelector(sa.selector, SERVICE_ACCOUNT_LABEL_PREFIX) : '';
  if (!sa.names?.length) return sel;
  const names = parseSelector(`${LABEL_SERVICE_ACCOUNT} in { '${sa.names.join("', '")}' }`).canonical;
  return sel ? `(${sel}) && (${names})` : names;
}

/** rules.go getEndpointSelector via GetEntityRuleSelector: the one selector an entity rule's
 *  selector, namespaceSelector and serviceAccounts become, scoped to namespace `ns` ("" for a
 *  global policy). notSelector is not scoped; Felix matches it as written. */
export function felixEntitySelector(er: EntityRule, ns: string): string {
  let nsSel = '';
  if (er.namespaceSelector) {
    nsSel = prefixSelector(er.namespaceSelector, NAMESPACE_LABEL_PREFIX)
      .replaceAll('all()', `has(${LABEL_NAMESPACE})`)
      .replaceAll('global()', `!has(${LABEL_NAMESPACE})`);
  } else if (ns) {
    nsSel = `${LABEL_NAMESPACE} == '${ns}'`;
  }
  const parts = [er.serviceAccounts ? serviceAccountSelector(er.serviceAccounts) : '', er.selector ?? ''].filter(
    Boolean,
  );
  let sel = parts.length > 1 ? `(${parts.join(') && (')})` : (parts[0] ?? '');
  if (nsSel && (sel || er.notSelector || er.namespaceSelector)) sel = sel ? `(${nsSel}) && (${sel})` : nsSel;
  return sel;
}

export interface FelixRuleSelectors {
  src: string;
  dst: string;
  notSrc: string;
  notDst: string;
}

/** rules.go RuleAPIV3ToBackend's four selectors for a rule of a policy in namespace `ns`. */
export function felixRuleSelectors(rule: PolicyRule, ns: string): FelixRuleSelectors {
  return {
    src: felixEntitySelector(rule.source, ns),
    dst: felixEntitySelector(rule.destination, ns),
    notSrc: rule.source.notSelector ?? '',
    notDst: rule.destination.notSelector ?? '',
  };
}
