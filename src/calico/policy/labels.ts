// Kubernetes' rules for names and labels (k8s.io/apimachinery/pkg/util/validation), which both
// Kubernetes and Calico's validator apply to what users write.

const NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** IsDNS1123Label: at most 63 lower-case alphanumerics or '-', alphanumeric at both ends. */
export const isDnsLabel = (s: string): boolean => s.length <= 63 && DNS_LABEL.test(s);

/** IsDNS1123Subdomain: dot-separated DNS labels, at most 253 characters. */
export const isDnsSubdomain = (s: string): boolean => s.length <= 253 && DNS_SUBDOMAIN.test(s);

/** IsQualifiedName: [prefix/]name, the prefix a DNS subdomain, the name at most 63 characters. */
export function labelKeyProblem(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return 'has more than one "/"';
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
  if (prefix !== undefined && !isDnsSubdomain(prefix)) return `has a prefix "${prefix}" that is not a DNS subdomain`;
  if (name.length > 63) return 'has a name part longer than 63 characters';
  if (!NAME.test(name)) return 'must be alphanumerics, "-", "_" or "." and start and end with an alphanumeric';
  return undefined;
}

/** IsValidLabelValue: empty, or at most 63 characters of the same alphabet as a key's name. */
export function labelValueProblem(value: string): string | undefined {
  if (value.length > 63) return 'is longer than 63 characters';
  return value === '' || NAME.test(value)
    ? undefined
    : 'must be empty or alphanumerics, "-", "_" or "." starting and ending with an alphanumeric';
}
