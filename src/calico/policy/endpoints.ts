// The labels Felix matches selectors against for a pod: the workload endpoint's own labels
// (libcalico-go/lib/backend/k8s/conversion/workload_endpoint_default.go
// podToDefaultWorkloadEndpoint) plus those it inherits from its profiles, kns.<namespace>
// (conversion.go NamespaceToProfile) then ksa.<namespace>.<serviceaccount>
// (ServiceAccountToProfile). An endpoint's own label wins over a profile's, and the namespace
// profile over the service account one (felix/labelindex/label_inheritance_index.go GetHandle).
import {
  LABEL_NAMESPACE,
  LABEL_ORCHESTRATOR,
  LABEL_SERVICE_ACCOUNT,
  NAMESPACE_LABEL_PREFIX,
  SERVICE_ACCOUNT_LABEL_PREFIX,
} from './scope.ts';
import type { NamespaceInfo, PolicyEndpoint } from './types.ts';

/** conversion/constants.go NameLabel: the profile's own name, for exact-name matches. */
export const NAME_LABEL = 'projectcalico.org/name';

/** A service account as its ksa. profile carries it. */
export interface ServiceAccountInfo {
  name: string;
  namespace: string;
  labels: Record<string, string>;
}

/** The WorkloadEndpoint's labels: the pod's, then projectcalico.org/namespace and /orchestrator,
 *  and /serviceaccount when the pod has one of fewer than 63 characters. */
export function workloadEndpointLabels(
  podLabels: Record<string, string>,
  namespace: string,
  serviceAccount: string,
): Record<string, string> {
  const labels: Record<string, string> = { ...podLabels };
  labels[LABEL_NAMESPACE] = namespace;
  labels[LABEL_ORCHESTRATOR] = 'k8s';
  if (serviceAccount && serviceAccount.length < 63) labels[LABEL_SERVICE_ACCOUNT] = serviceAccount;
  return labels;
}

function profileLabels(prefix: string, labels: Record<string, string>, name: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) out[prefix + k] = v;
  out[prefix + NAME_LABEL] = name;
  return out;
}

/** kns.<name>'s labelsToApply: pcns.<key> per namespace label, and pcns.projectcalico.org/name. */
export function namespaceProfileLabels(ns: NamespaceInfo): Record<string, string> {
  return profileLabels(NAMESPACE_LABEL_PREFIX, ns.labels, ns.name);
}

/** ksa.<namespace>.<name>'s labelsToApply: pcsa.<key> per label, and pcsa.projectcalico.org/name. */
export function serviceAccountProfileLabels(sa: Pick<ServiceAccountInfo, 'name' | 'labels'>): Record<string, string> {
  return profileLabels(SERVICE_ACCOUNT_LABEL_PREFIX, sa.labels, sa.name);
}

/** The profiles a pod's endpoint names, in order (podToDefaultWorkloadEndpoint). */
export function profileNames(ep: Pick<PolicyEndpoint, 'namespace' | 'serviceAccount'>): string[] {
  const names = [`kns.${ep.namespace}`];
  if (ep.serviceAccount) names.push(`ksa.${ep.namespace}.${ep.serviceAccount}`);
  return names;
}

/** Everything Felix's selectors see for `ep`: own labels first, then kns.<ns>'s, then ksa's. A
 *  namespace missing from `namespaces` contributes only its name; a service account missing from
 *  `serviceAccounts` only its name. */
export function endpointLabels(
  ep: PolicyEndpoint,
  namespaces: NamespaceInfo[],
  serviceAccounts: ServiceAccountInfo[] = [],
): Record<string, string> {
  const ns = namespaces.find((n) => n.name === ep.namespace) ?? { name: ep.namespace, labels: {} };
  const parents = [namespaceProfileLabels(ns)];
  if (ep.serviceAccount) {
    const sa = serviceAccounts.find((s) => s.namespace === ep.namespace && s.name === ep.serviceAccount);
    parents.push(serviceAccountProfileLabels(sa ?? { name: ep.serviceAccount, labels: {} }));
  }
  const own = workloadEndpointLabels(ep.labels, ep.namespace, ep.serviceAccount);
  return Object.assign({}, ...parents.reverse(), own);
}
