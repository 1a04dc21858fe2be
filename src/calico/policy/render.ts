// A CalicoPolicy back as the projectcalico.org/v3 resource calicoctl prints (`get -o yaml`): the
// fields in the Go structs' order (api/pkg/apis/projectcalico/v3 networkpolicy.go,
// globalnetworkpolicy.go, policy_common.go), empty optional fields left out as their omitempty
// tags do, but a rule's source and destination always there (`{}` when empty: encoding/json never
// omits a struct). A policy written as projectcalico.org/v3 shows the name the user gave it
// (clientv3 keeps it), a converted Kubernetes one its knp.default. name.
import type { PolicyScopeFields } from './scope.ts';
import type { CalicoPolicy, EntityRule, PolicyRule } from './types.ts';

type Out = Record<string, unknown>;

/** Copies the present, non-empty entries of `from`, in `keys` order. */
function pick(from: object, keys: readonly string[]): Out {
  const out: Out = {};
  for (const k of keys) {
    const v = (from as Out)[k];
    if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = v;
  }
  return out;
}

const ENTITY_KEYS = ['nets', 'selector', 'namespaceSelector', 'ports', 'notNets', 'notSelector', 'notPorts'] as const;

function entity(er: EntityRule): Out {
  const out = pick(er, ENTITY_KEYS);
  if (er.serviceAccounts) out.serviceAccounts = pick(er.serviceAccounts, ['names', 'selector']);
  return out;
}

function rule(r: PolicyRule): Out {
  return {
    ...pick(r, ['action', 'protocol']),
    ...(r.icmp ? { icmp: pick(r.icmp, ['type', 'code']) } : {}),
    ...pick(r, ['notProtocol']),
    ...(r.notICMP ? { notICMP: pick(r.notICMP, ['type', 'code']) } : {}),
    source: entity(r.source),
    destination: entity(r.destination),
  };
}

const displayName = (p: CalicoPolicy): string =>
  p.origin.apiVersion === 'projectcalico.org/v3' ? p.origin.name : p.name;

export function toCalicoResource(p: CalicoPolicy & PolicyScopeFields): Out {
  const spec: Out = {
    tier: p.tier,
    ...(p.order === undefined ? {} : { order: p.order }),
    ...(p.ingress.length ? { ingress: p.ingress.map(rule) } : {}),
    ...(p.egress.length ? { egress: p.egress.map(rule) } : {}),
    ...pick(p, ['selector', 'types']),
    ...pick(
      p,
      p.kind === 'NetworkPolicy' ? ['serviceAccountSelector'] : ['serviceAccountSelector', 'namespaceSelector'],
    ),
  };
  const metadata: Out = { name: displayName(p), ...(p.namespace ? { namespace: p.namespace } : {}) };
  return { apiVersion: 'projectcalico.org/v3', kind: p.kind, metadata, spec };
}
