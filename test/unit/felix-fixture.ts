// What the Felix renderer tests share: the selector parser the renderer is handed, and a policy
// builder that fills the fields a test does not care about.
import { parseSelector } from '../../src/calico/policy/selector.ts';
import type { CalicoPolicy } from '../../src/calico/policy/types.ts';

export const deps = { canonicalSelector: (s: string) => parseSelector(s).canonical };

export const policy = (p: Partial<CalicoPolicy> & Pick<CalicoPolicy, 'kind' | 'name'>): CalicoPolicy => ({
  tier: 'default',
  selector: 'all()',
  types: ['Ingress'],
  ingress: [],
  egress: [],
  origin: { apiVersion: 'projectcalico.org/v3', kind: p.kind, name: p.name, namespace: p.namespace, source: 'test' },
  ...p,
});
