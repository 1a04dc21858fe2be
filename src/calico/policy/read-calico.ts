// A projectcalico.org/v3 NetworkPolicy or GlobalNetworkPolicy as a user writes it, checked as
// calicoctl decodes (strictly: unknown fields are errors) and validates it
// (libcalico-go/lib/validator/v3/validator.go v3.30.7: validateNetworkPolicy,
// validateGlobalNetworkPolicySpec, validateRule, validateEntityRule, validatePort,
// validateProtocol, validateICMPFields; names/policy.go ValidateTieredPolicyName), with types
// defaulted as clientv3 does (globalnetworkpolicy.go defaultPolicyTypesField).
import { join, type Obj, type Reader, shown } from './fields.ts';
import { isDnsSubdomain } from './labels.ts';
import { readRule } from './read-rule.ts';
import { METADATA_FIELDS, readNamespace } from './read-k8s.ts';
import { readSelector } from './read-selector.ts';
import type { PolicyScopeFields } from './scope.ts';
import type { CalicoPolicy, Direction, PolicyRule } from './types.ts';

const LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const SUBDOMAIN = `${LABEL}(\\.${LABEL})*`;
/** validator.go networkPolicyNameRegex and globalNetworkPolicyNameRegex. */
const NP_NAME = new RegExp(`^((${LABEL})(\\.${LABEL})?|((knp|ossg)\\.default\\.(${SUBDOMAIN})))$`);
const GNP_NAME = new RegExp(`^(${LABEL}\\.)?${LABEL}$`);

const SPEC_FIELDS = [
  'tier',
  'order',
  'ingress',
  'egress',
  'selector',
  'types',
  'serviceAccountSelector',
  'performanceHints',
];
const GNP_SPEC_FIELDS = [...SPEC_FIELDS, 'doNotTrack', 'preDNAT', 'applyOnForward', 'namespaceSelector'];

type Kind = 'NetworkPolicy' | 'GlobalNetworkPolicy';

/** names/policy.go TieredPolicyName: Felix's name, "default." before an undotted name. */
export const tieredPolicyName = (name: string): string => (name.includes('.') ? name : `default.${name}`);

function metadata(r: Reader, o: Obj, kind: Kind): { name: string; namespace?: string } {
  const m = r.object(o.metadata, 'metadata', 'metadata', METADATA_FIELDS);
  const name = r.string(m.name, 'metadata.name', 'give the policy a name');
  const ok = name.length <= 253 && (kind === 'NetworkPolicy' ? NP_NAME : GNP_NAME).test(name);
  if (!ok)
    r.fail(
      'metadata.name',
      `${shown(name)} is not a valid ${kind} name`,
      'use lower-case letters, digits and "-", with at most one "." after a tier name',
    );
  if (kind === 'GlobalNetworkPolicy') {
    if (m.namespace !== undefined)
      r.fail(
        'metadata.namespace',
        'a GlobalNetworkPolicy has no namespace',
        'remove metadata.namespace, or use kind NetworkPolicy',
      );
    return { name };
  }
  return { name, namespace: readNamespace(r, m) };
}

/** names/policy.go ValidateTieredPolicyName: outside the default tier a name is "<tier>.<name>". */
function tier(r: Reader, spec: Obj, name: string): string {
  const t = spec.tier === undefined ? 'default' : r.string(spec.tier, 'spec.tier', 'write a tier name');
  if (!isDnsSubdomain(t))
    r.fail('spec.tier', `${shown(t)} is not a tier name`, 'use lower-case letters, digits and "-"');
  if (name.startsWith('knp.default.') || name.startsWith('ossg.')) return t;
  const dotted = name.includes('.');
  if ((!dotted && t !== 'default') || (dotted && !name.startsWith(`${t}.`)))
    r.fail(
      'metadata.name',
      `${shown(name)} does not fit tier ${t}`,
      `name a policy in tier ${t} "${t}.<name>"${t === 'default' ? ' or just "<name>"' : ''}`,
    );
  return t;
}

function types(r: Reader, spec: Obj, ingress: PolicyRule[], egress: PolicyRule[]): Direction[] {
  const fix = 'write a list of Ingress and/or Egress';
  const list = spec.types === undefined ? [] : r.strings(spec.types, 'spec.types', fix);
  list.forEach((t, i) => {
    if (t !== 'Ingress' && t !== 'Egress')
      r.fail(`spec.types[${i}]`, `${shown(t)} is not a policy type`, 'write Ingress or Egress');
    if (list.indexOf(t) !== i)
      r.fail(`spec.types[${i}]`, `'${t}' type specified more than once`, 'list each type once');
  });
  if (list.length) return list as Direction[];
  if (!egress.length) return ['Ingress'];
  return ingress.length ? ['Ingress', 'Egress'] : ['Egress'];
}

/** Fields of a GlobalNetworkPolicy that only act on host endpoints, which calilab does not model. */
function hostOnly(r: Reader, spec: Obj): void {
  for (const key of ['doNotTrack', 'preDNAT'] as const) {
    if (spec[key] !== undefined && r.boolean(spec[key], `spec.${key}`))
      r.fail(
        `spec.${key}`,
        `${key} policy applies only to host endpoints, which calilab does not model`,
        `remove spec.${key}`,
      );
  }
  if (spec.applyOnForward !== undefined) r.boolean(spec.applyOnForward, 'spec.applyOnForward');
}

function hints(r: Reader, spec: Obj): void {
  if (spec.performanceHints === undefined) return;
  r.strings(spec.performanceHints, 'spec.performanceHints', 'write a list of hints').forEach((h, i) => {
    if (h !== 'AssumeNeededOnEveryNode')
      r.fail(`spec.performanceHints[${i}]`, `${shown(h)} is not a hint`, 'write AssumeNeededOnEveryNode');
  });
}

function rules(r: Reader, spec: Obj, key: 'ingress' | 'egress'): PolicyRule[] {
  if (spec[key] === undefined) return [];
  const list = r.list(spec[key], `spec.${key}`, `write a list of ${key} rules`);
  return list.map((x, i) => readRule(r, x, join(`spec.${key}`, i)));
}

/** The checked policy in the shared model (plus the scope fields the model has no slot for). */
export function readCalicoPolicy(r: Reader, o: Obj, kind: Kind): CalicoPolicy & PolicyScopeFields {
  r.object(o, '', `a ${kind}`, ['apiVersion', 'kind', 'metadata', 'spec']);
  const meta = metadata(r, o, kind);
  const spec = r.object(
    o.spec ?? {},
    'spec',
    `a ${kind}Spec`,
    kind === 'NetworkPolicy' ? SPEC_FIELDS : GNP_SPEC_FIELDS,
  );
  if (kind === 'GlobalNetworkPolicy') hostOnly(r, spec);
  hints(r, spec);
  const ingress = rules(r, spec, 'ingress');
  const egress = rules(r, spec, 'egress');
  const scope: PolicyScopeFields = {};
  for (const key of ['namespaceSelector', 'serviceAccountSelector'] as const) {
    if (spec[key] !== undefined) scope[key] = readSelector(r, spec[key], `spec.${key}`, { global: 'forbidden' });
  }
  return {
    kind,
    name: tieredPolicyName(meta.name),
    ...(meta.namespace ? { namespace: meta.namespace } : {}),
    tier: tier(r, spec, meta.name),
    ...(spec.order === undefined ? {} : { order: r.number(spec.order, 'spec.order', 'write a number like 100') }),
    selector:
      spec.selector === undefined ? '' : readSelector(r, spec.selector, 'spec.selector', { global: 'forbidden' }),
    types: types(r, spec, ingress, egress),
    ingress,
    egress,
    origin: { apiVersion: 'projectcalico.org/v3', kind, name: meta.name, namespace: meta.namespace, source: r.source },
    ...scope,
  };
}
