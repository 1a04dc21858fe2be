// Policy YAML in, CalicoPolicy out: Kubernetes and Calico kinds, defaults, every field checked
// with a message naming the source, document, field, problem and fix; and the way back to a
// projectcalico.org/v3 resource for `calilab get networkpolicy -o yaml`.
import test from 'ava';
import {
  PolicyInputError,
  parsePolicyDocuments,
  parsePolicyObject,
  policyKey,
  toCalicoResource,
} from '../../src/calico/policy/documents.ts';

const K8S = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-web
  namespace: shop
spec:
  podSelector:
    matchLabels: {app: web}
  ingress:
  - from:
    - namespaceSelector: {}
      podSelector:
        matchLabels: {role: lb}
    ports:
    - port: 8080
    - port: 8443
      endPort: 8444
`;

const CALICO = `apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata:
  name: deny-egress-ext
spec:
  order: 10
  selector: has(projectcalico.org/namespace)
  egress:
  - action: Deny
    destination:
      notNets: [10.0.0.0/8]
  - action: Pass
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata:
  name: allow-dns
spec:
  selector: all()
  types: [Egress]
  egress:
  - action: Allow
    protocol: UDP
    destination:
      ports: [53, "5353:5354", dns]
`;

function fails(t: import('ava').ExecutionContext, text: string, message: string) {
  const e = t.throws(() => parsePolicyDocuments(text, 'policies.yaml'), { instanceOf: PolicyInputError });
  t.is(e?.message, message);
}

const k8s = (spec: string, meta = 'metadata: {name: p}') =>
  `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n${meta}\nspec:\n${spec}\n`;
const gnp = (spec: string, meta = 'metadata: {name: p}') =>
  `apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\n${meta}\nspec:\n${spec}\n`;

test('Kubernetes NetworkPolicy: converted, namespace kept, k8s defaults applied', (t) => {
  const [p] = parsePolicyDocuments(K8S, 'policies.yaml');
  t.is(p.name, 'knp.default.allow-web');
  t.is(p.namespace, 'shop');
  t.deepEqual(p.types, ['Ingress']);
  t.deepEqual(p.ingress, [
    {
      action: 'Allow',
      protocol: 'TCP',
      source: { selector: "projectcalico.org/orchestrator == 'k8s' && role == 'lb'", namespaceSelector: 'all()' },
      destination: { ports: [8080, '8443:8444'] },
    },
  ]);
  t.deepEqual(p.origin, {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    name: 'allow-web',
    namespace: 'shop',
    source: 'policies.yaml document 1',
  });
  t.is(policyKey(p), 'NetworkPolicy/shop/knp.default.allow-web');
});

test('Kubernetes defaults: namespace default, policyTypes Ingress plus Egress when egress rules exist', (t) => {
  const [p] = parsePolicyDocuments(k8s('  podSelector: {}\n  egress: [{}]', 'metadata: {name: x}'), 'p.yaml');
  t.is(p.namespace, 'default');
  t.deepEqual(p.types, ['Ingress', 'Egress']);
  t.deepEqual(p.egress, [{ action: 'Allow', source: {}, destination: {} }]);
  t.deepEqual(p.ingress, []);
});

test('Calico kinds: default. prefix, namespaced default namespace, types defaulted, ports normalised', (t) => {
  const [g, n] = parsePolicyDocuments(CALICO, 'calico.yaml');
  t.is(g.kind, 'GlobalNetworkPolicy');
  t.is(g.name, 'default.deny-egress-ext');
  t.is(g.namespace, undefined);
  t.is(g.order, 10);
  t.deepEqual(g.types, ['Egress']);
  t.is(policyKey(g), 'GlobalNetworkPolicy//default.deny-egress-ext');
  t.is(n.name, 'default.allow-dns');
  t.is(n.namespace, 'default');
  t.is(n.order, undefined);
  t.deepEqual(n.egress[0].destination.ports, [53, '5353:5354', 'dns']);
  t.is(n.origin.source, 'calico.yaml document 2');
});

test('types default as clientv3 does: no egress -> Ingress; egress only -> Egress; both -> both', (t) => {
  const doc = (spec: string) =>
    parsePolicyObject(
      {
        apiVersion: 'projectcalico.org/v3',
        kind: 'GlobalNetworkPolicy',
        metadata: { name: 'p' },
        spec: JSON.parse(spec),
      },
      'x',
    ).types;
  t.deepEqual(doc('{}'), ['Ingress']);
  t.deepEqual(doc('{"egress": [{"action": "Allow"}]}'), ['Egress']);
  t.deepEqual(doc('{"ingress": [{"action": "Allow"}], "egress": [{"action": "Allow"}]}'), ['Ingress', 'Egress']);
});

test('tiered names: outside the default tier a policy is named <tier>.<name>', (t) => {
  const obj = (name: string, tier?: string) => ({
    apiVersion: 'projectcalico.org/v3',
    kind: 'GlobalNetworkPolicy',
    metadata: { name },
    spec: tier ? { tier } : {},
  });
  t.is(parsePolicyObject(obj('security.block', 'security'), 'x').name, 'security.block');
  t.is(parsePolicyObject(obj('security.block', 'security'), 'x').tier, 'security');
  t.is(parsePolicyObject(obj('default.p'), 'x').name, 'default.p');
  const e = t.throws(() => parsePolicyObject(obj('block', 'security'), 'x'), { instanceOf: PolicyInputError });
  t.is(
    e.message,
    'x: metadata.name: "block" does not fit tier security; name a policy in tier security "security.<name>"',
  );
});

test('a v1 List of policies and empty documents', (t) => {
  const text = `---\napiVersion: v1\nkind: List\nitems:\n- ${K8S.replaceAll('\n', '\n  ').trimEnd()}\n---\n`;
  const ps = parsePolicyDocuments(text, 'list.yaml');
  t.is(ps.length, 1);
  t.is(ps[0].origin.source, 'list.yaml document 1 items[0]');
});

test('errors name the source, document, field, problem and fix (Kubernetes)', (t) => {
  fails(
    t,
    `${CALICO}---\n${k8s('  ingress:\n  - ports:\n    - port: 70000')}`,
    'policies.yaml document 3: spec.ingress[0].ports[0].port: 70000 is not a port; write a number from 1 ' +
      'to 65535 or a named port like http (for a range, add endPort)',
  );
  fails(
    t,
    k8s('  ingress:\n  - from:\n    - podSelector: {}\n    - podSelector:\n        matchLabels: {app: true}'),
    'policies.yaml document 1: spec.ingress[0].from[1].podSelector.matchLabels.app: true is not a string;' +
      ' write matchLabels as a mapping of label keys to values (quote values like "true" or "80")',
  );
  fails(
    t,
    k8s('  ingress:\n  - form: []'),
    'policies.yaml document 1: spec.ingress[0].form: unknown field; did you mean from? a ' +
      'NetworkPolicyIngressRule has the fields from, ports',
  );
  fails(
    t,
    k8s('  ingress:\n  - ports: [{port: "80"}]'),
    'policies.yaml document 1: spec.ingress[0].ports[0].port: "80" is a string; write 80 without quotes',
  );
  fails(
    t,
    k8s('  ingress:\n  - ports: [{port: http, endPort: 90}]'),
    'policies.yaml document 1: spec.ingress[0].ports[0].endPort: endPort needs a numeric port; set port ' +
      'to the first port of the range',
  );
  fails(
    t,
    k8s('  ingress:\n  - ports: [{protocol: tcp}]'),
    'policies.yaml document 1: spec.ingress[0].ports[0].protocol: "tcp" is not a protocol; write TCP, UDP' +
      ' or SCTP (upper case)',
  );
  fails(
    t,
    k8s('  egress:\n  - to:\n    - ipBlock: {cidr: 10.0.0.0/8, except: [192.168.0.0/16]}'),
    'policies.yaml document 1: spec.egress[0].to[0].ipBlock.except[0]: "192.168.0.0/16" is not a CIDR ' +
      'strictly inside 10.0.0.0/8; write a smaller CIDR within cidr',
  );
  fails(
    t,
    k8s('  ingress:\n  - from:\n    - ipBlock: {cidr: 10.0.0.0/8}\n      podSelector: {}'),
    'policies.yaml document 1: spec.ingress[0].from[0]: ipBlock is set with a pod or namespace selector; ' +
      'write ipBlock as a peer of its own',
  );
  fails(
    t,
    k8s('  podSelector:\n    matchExpressions: [{key: app, operator: In}]'),
    'policies.yaml document 1: spec.podSelector.matchExpressions[0].values: In needs values; list at least one value',
  );
  fails(
    t,
    k8s('  podSelector: {}', 'metadata: {namespace: x}'),
    'policies.yaml document 1: metadata.name: nothing is not a string; give the policy a name',
  );
  fails(
    t,
    k8s('  policyTypes: [Ingress, ingress]'),
    'policies.yaml document 1: spec.policyTypes[1]: "ingress" is not a policy type; write Ingress or Egress',
  );
});

test('errors name the source, document, field, problem and fix (Calico)', (t) => {
  const rule = (r: string) => gnp(`  ingress:\n  - ${r}`);
  fails(
    t,
    rule('{action: Allow, protocol: TCP, destination: {ports: [70000]}}'),
    'policies.yaml document 1: spec.ingress[0].destination.ports[0]: 70000 is not a port; write a number ' +
      'from 1 to 65535, a range like 8000:8080, or a named port',
  );
  fails(
    t,
    rule('{action: Allow, protocol: TCP, destination: {ports: ["90:80"]}}'),
    'policies.yaml document 1: spec.ingress[0].destination.ports[0]: "90:80" is not a port (a range from ' +
      'high to low); write a number from 1 to 65535, a range like 8000:8080, or a named port',
  );
  fails(
    t,
    rule('{action: Allow, destination: {ports: [80]}}'),
    'policies.yaml document 1: spec.ingress[0].destination.ports: rules that specify ports must set ' +
      'protocol to TCP or UDP or SCTP; add protocol: TCP (or UDP, SCTP)',
  );
  fails(
    t,
    rule('{action: allow}'),
    'policies.yaml document 1: spec.ingress[0].action: "allow" is not an action; write one of Allow, Deny, Log, Pass',
  );
  fails(
    t,
    rule('{action: Allow, protocol: tcp}'),
    `policies.yaml document 1: spec.ingress[0].protocol: "tcp" is not a protocol; write TCP (Calico's ` +
      `names are case-sensitive)`,
  );
  fails(
    t,
    rule('{action: Allow, source: {selector: "app == web"}}'),
    'policies.yaml document 1: spec.ingress[0].source.selector: "app == web" is not a selector: expected ' +
      'a quoted string after == at position 7, found label web; write a Calico selector like app == "web" ' +
      '&& tier in {"db", "cache"}',
  );
  fails(
    t,
    rule('{action: Allow, source: {nets: [10.0.0.1/8]}}'),
    'policies.yaml document 1: spec.ingress[0].source.nets[0]: "10.0.0.1/8" has host bits set; write 10.0.0.0/8',
  );
  fails(
    t,
    rule('{action: Allow, source: {nets: [10.0.0.300/8]}}'),
    'policies.yaml document 1: spec.ingress[0].source.nets[0]: "10.0.0.300/8" is not a CIDR; write a CIDR' +
      ' like 10.0.0.0/8 or 10.1.2.3/32',
  );
  fails(
    t,
    rule('{action: Allow, source: {nets: [10.0.0.0/8]}, destination: {nets: ["fd00::/8"]}}'),
    'policies.yaml document 1: spec.ingress[0]: rule contains both IPv4 and IPv6 CIDRs; split it into one' +
      ' rule per IP version',
  );
  fails(
    t,
    rule('{action: Allow, icmp: {type: 8}}'),
    'policies.yaml document 1: spec.ingress[0].icmp: rules that specify ICMP fields must set protocol to ' +
      'ICMP; add protocol: ICMP',
  );
  fails(
    t,
    rule('{action: Allow, source: {namespaceSelector: "global() && a == \'b\'"}}'),
    'policies.yaml document 1: spec.ingress[0].source.namespaceSelector: global() cannot be combined with' +
      ' other selectors; write namespaceSelector: global() on its own',
  );
  fails(
    t,
    gnp('  selector: app = "x"'),
    'policies.yaml document 1: spec.selector: "app = \\"x\\"" is not a selector: expected == at position ' +
      '5, found \' \'; write a Calico selector like app == "web" && tier in {"db", "cache"}',
  );
  fails(
    t,
    gnp('  order: 1', 'metadata: {name: p, namespace: x}'),
    'policies.yaml document 1: metadata.namespace: a GlobalNetworkPolicy has no namespace; remove ' +
      'metadata.namespace, or use kind NetworkPolicy',
  );
  fails(
    t,
    gnp('  preDNAT: true'),
    'policies.yaml document 1: spec.preDNAT: preDNAT policy applies only to host endpoints, which calilab' +
      ' does not model; remove spec.preDNAT',
  );
  fails(
    t,
    gnp('  oder: 1'),
    'policies.yaml document 1: spec.oder: unknown field; did you mean order? a GlobalNetworkPolicySpec ' +
      'has the fields tier, order, ingress, egress, selector, types, serviceAccountSelector, ' +
      'performanceHints, doNotTrack, preDNAT, applyOnForward, namespaceSelector',
  );
  fails(
    t,
    gnp('  types: [Ingress, Ingress]'),
    "policies.yaml document 1: spec.types[1]: 'Ingress' type specified more than once; list each type once",
  );
});

test('errors for the document as a whole: kind, apiVersion, YAML, duplicates', (t) => {
  fails(
    t,
    'apiVersion: networking.k8s.io/v1beta1\nkind: NetworkPolicy\n',
    'policies.yaml document 1: kind: "networking.k8s.io/v1beta1" "NetworkPolicy" is not a policy kind ' +
      'calilab reads; write a networking.k8s.io/v1 NetworkPolicy, projectcalico.org/v3 NetworkPolicy or ' +
      'projectcalico.org/v3 GlobalNetworkPolicy',
  );
  fails(
    t,
    'metadata: {name: x}\n',
    'policies.yaml document 1: kind: missing; write a networking.k8s.io/v1 NetworkPolicy, ' +
      'projectcalico.org/v3 NetworkPolicy or projectcalico.org/v3 GlobalNetworkPolicy',
  );
  fails(
    t,
    'a: [1\n',
    'policies.yaml document 1: YAML error: Flow sequence in block collection must be sufficiently ' +
      'indented and end with a ] at line 2, column 1; fix the YAML syntax',
  );
  fails(
    t,
    `${K8S}---\n${K8S}`,
    'policies.yaml document 2: metadata.name: NetworkPolicy/shop/knp.default.allow-web is also defined in' +
      ' policies.yaml document 1; rename one or remove the duplicate',
  );
});

test('parsePolicyObject: an inline object, named by its caller', (t) => {
  const e = t.throws(
    () =>
      parsePolicyObject(
        { apiVersion: 'projectcalico.org/v3', kind: 'NetworkPolicy', metadata: { name: 'Bad_Name' } },
        'topology.yaml policies[3]',
      ),
    { instanceOf: PolicyInputError },
  );
  t.is(
    e.message,
    'topology.yaml policies[3]: metadata.name: "Bad_Name" is not a valid NetworkPolicy name; use ' +
      'lower-case letters, digits and "-", with at most one "." after a tier name',
  );
  const p = parsePolicyObject(
    {
      apiVersion: 'projectcalico.org/v3',
      kind: 'NetworkPolicy',
      metadata: { name: 'ok', namespace: 'data' },
      spec: {},
    },
    'topology.yaml policies[0]',
  );
  t.is(p.origin.source, 'topology.yaml policies[0]');
  t.is(policyKey(p), 'NetworkPolicy/data/default.ok');
});

test('toCalicoResource: Calico field names and order, empty fields left out, source and destination kept', (t) => {
  const [g, n] = parsePolicyDocuments(CALICO, 'calico.yaml');
  t.deepEqual(toCalicoResource(g), {
    apiVersion: 'projectcalico.org/v3',
    kind: 'GlobalNetworkPolicy',
    metadata: { name: 'deny-egress-ext' },
    spec: {
      tier: 'default',
      order: 10,
      egress: [
        { action: 'Deny', source: {}, destination: { notNets: ['10.0.0.0/8'] } },
        { action: 'Pass', source: {}, destination: {} },
      ],
      selector: 'has(projectcalico.org/namespace)',
      types: ['Egress'],
    },
  });
  t.deepEqual(Object.keys(toCalicoResource(n).spec as object), ['tier', 'egress', 'selector', 'types']);
  const [k] = parsePolicyDocuments(K8S, 'k.yaml');
  const r = toCalicoResource(k);
  t.deepEqual(r.metadata, { name: 'knp.default.allow-web', namespace: 'shop' });
  t.deepEqual(Object.keys(r.spec as object), ['tier', 'order', 'ingress', 'selector', 'types']);
  t.deepEqual(Object.keys((r.spec as any).ingress[0]), ['action', 'protocol', 'source', 'destination']);
  t.deepEqual(Object.keys((r.spec as any).ingress[0].source), ['selector', 'namespaceSelector']);
  const round = parsePolicyObject(toCalicoResource(n), 'again');
  t.deepEqual({ ...round, origin: n.origin }, n);
});
