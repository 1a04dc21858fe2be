// The evaluator on a four-namespace cluster: a default-deny namespace opened to another namespace
// by a namespaceSelector, a security tier ahead of the default tier that denies one namespace and
// Passes the rest, Calico policies ordered before and after the Kubernetes ones, and an egress
// allow-list. Plus the endpoint labels Felix matches, the policy order, and rule details.
import test from 'ava';
import { felixPolicyName, policiesFor, sortPolicies } from '../../src/calico/policy/applies.ts';
import { parsePolicyDocuments } from '../../src/calico/policy/documents.ts';
import { endpointLabels } from '../../src/calico/policy/endpoints.ts';
import { evaluate } from '../../src/calico/policy/evaluate.ts';
import type { CalicoPolicy, NamespaceInfo, PolicyEndpoint, PolicyRule, Probe } from '../../src/calico/policy/types.ts';

const namespaces: NamespaceInfo[] = [
  { name: 'frontend', labels: { team: 'web', env: 'prod' } },
  { name: 'backend', labels: { team: 'api', env: 'prod' } },
  { name: 'data', labels: { team: 'data' } },
  { name: 'dev', labels: { env: 'dev' } },
];

let n = 0;
function pod(namespace: string, name: string, labels: Record<string, string>, ports: PolicyEndpoint['ports'] = []) {
  n++;
  return {
    pod: name,
    namespace,
    serviceAccount: 'default',
    node: 'n1',
    ip: `10.244.0.${n}`,
    ifname: `cali${String(n).padStart(11, '0')}`,
    labels,
    ports,
  } satisfies PolicyEndpoint;
}

const web = pod('frontend', 'web', { app: 'web' });
const api = pod('backend', 'api', { app: 'api' }, [{ port: 8080, protocol: 'TCP', name: 'http' }]);
const db = pod('data', 'db', { app: 'db' });
const cache = pod('data', 'cache', { app: 'cache' });
const tester = pod('dev', 'tester', { app: 'tester' });

const POLICIES = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: data}
spec:
  podSelector: {}
  policyTypes: [Ingress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-from-backend, namespace: data}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {team: api}}
    ports: [{port: 5432}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-egress, namespace: frontend}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress:
  - to:
    - namespaceSelector: {matchLabels: {team: api}}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: security.deny-dev}
spec:
  tier: security
  order: 10
  selector: all()
  ingress:
  - action: Log
  - action: Deny
    source:
      namespaceSelector: env == "dev"
  - action: Pass
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: api-allow-web, namespace: backend}
spec:
  order: 500
  selector: app == "api"
  ingress:
  - action: Allow
    protocol: TCP
    source:
      namespaceSelector: team == "web"
    destination:
      ports: [http]
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: deny-all-api}
spec:
  order: 2000
  selector: app == "api"
  ingress:
  - action: Deny
`;

const policies = parsePolicyDocuments(POLICIES, 'scenario.yaml');
const tiers = [{ name: 'security', order: 100 }];
const probe = (from: PolicyEndpoint, to: PolicyEndpoint, protocol: Probe['protocol'], port: number | null = null) =>
  evaluate({ from, to, protocol, port }, policies, namespaces, { tiers });
const summary = (d: ReturnType<typeof probe>) => [d.verdict, d.direction, d.policy];

test('web -> api:8080 (named port http): web egress allows, the order-500 Calico policy allows ingress', (t) => {
  const d = probe(web, api, 'tcp', 8080);
  t.deepEqual(summary(d), ['allowed', 'ingress', 'backend/default.api-allow-web']);
  t.is(d.egress.policy, 'frontend/knp.default.web-egress');
  t.is(
    d.why,
    'egress of frontend/web: allowed by frontend/knp.default.web-egress, rule egress[0] (Allow); ' +
      'ingress of backend/api: allowed by backend/default.api-allow-web, rule ingress[0] (Allow)',
  );
});

test('web -> api:9090 and ICMP: denied by the order-2000 global policy after the security tier passed', (t) => {
  t.deepEqual(summary(probe(web, api, 'tcp', 9090)), ['denied', 'ingress', 'default.deny-all-api']);
  t.deepEqual(summary(probe(web, api, 'icmp')), ['denied', 'ingress', 'default.deny-all-api']);
});

test('web -> db: denied by web egress (end of tier default), before any ingress', (t) => {
  const d = probe(web, db, 'tcp', 5432);
  t.deepEqual(summary(d), ['denied', 'egress', 'frontend/knp.default.web-egress']);
  t.is(d.why, 'egress of frontend/web: no policy selecting frontend/web allowed it (end of tier default)');
  t.is(d.ingress, undefined);
});

test('api -> db:5432 allowed from the namespaceSelector; other ports hit the default deny', (t) => {
  const ok = probe(api, db, 'tcp', 5432);
  t.deepEqual(summary(ok), ['allowed', 'ingress', 'data/knp.default.allow-from-backend']);
  t.is(ok.egress.policy, 'kns.backend');
  t.is(ok.egress.why, 'egress of backend/api: no policy selects backend/api for egress; profile kns.backend allows it');
  const no = probe(api, db, 'tcp', 6379);
  t.deepEqual(summary(no), ['denied', 'ingress', 'data/knp.default.default-deny']);
  t.is(no.ingress?.why, 'ingress of data/db: no policy selecting data/db allowed it (end of tier default)');
  t.deepEqual(summary(probe(api, cache, 'icmp')), ['denied', 'ingress', 'data/knp.default.default-deny']);
  t.deepEqual(summary(probe(api, db, 'udp', 5432)), ['denied', 'ingress', 'data/knp.default.default-deny']);
});

test('dev is denied everywhere by the security tier; traffic into dev passes to the profile', (t) => {
  const d = probe(tester, api, 'tcp', 8080);
  t.deepEqual(summary(d), ['denied', 'ingress', 'security.deny-dev']);
  t.regex(d.why, /denied by security\.deny-dev, rule ingress\[1\] \(Deny\)$/);
  const into = probe(api, tester, 'icmp');
  t.deepEqual(summary(into), ['allowed', 'ingress', 'kns.dev']);
  t.regex(into.why, /security\.deny-dev \(rule ingress\[2\], Pass\) passed it on .*; profile kns\.dev allows it$/);
});

test('without the security Tier resource its tier sorts after default, which decides first', (t) => {
  const order = policiesFor(api, policies, namespaces, 'Ingress').map(felixPolicyName);
  t.deepEqual(order, ['backend/default.api-allow-web', 'default.deny-all-api', 'security.deny-dev']);
  const d = evaluate({ from: tester, to: api, protocol: 'tcp', port: 8080 }, policies, namespaces);
  t.deepEqual(summary(d), ['denied', 'ingress', 'default.deny-all-api']);
});

test('a tier whose defaultAction is Pass hands unmatched packets on', (t) => {
  const [p] = parsePolicyDocuments(
    'apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: t1.only-web}\n' +
      'spec: {tier: t1, selector: all(), ingress: [{action: Allow, source: {selector: app == "web"}}]}\n',
    'x',
  );
  const pass = { from: api, to: tester, protocol: 'icmp' as const, port: null };
  t.is(evaluate(pass, [p], namespaces, { tiers: [{ name: 't1', order: 1 }] }).verdict, 'denied');
  const d = evaluate(pass, [p], namespaces, { tiers: [{ name: 't1', order: 1, defaultAction: 'Pass' }] });
  t.deepEqual(summary(d), ['allowed', 'ingress', 'kns.dev']);
});

test('a pod probing its own address is not policed', (t) => {
  t.deepEqual(summary(probe(db, db, 'tcp', 1)), ['allowed', 'egress', 'kns.data']);
});

test('endpointLabels: own labels, projectcalico.org/*, then pcns.* and pcsa.* inherited; own labels win', (t) => {
  const ep = { ...db, labels: { app: 'db', 'pcns.team': 'mine' } };
  t.deepEqual(endpointLabels(ep, namespaces, [{ name: 'default', namespace: 'data', labels: { tier: 'x' } }]), {
    app: 'db',
    'pcns.team': 'mine',
    'projectcalico.org/namespace': 'data',
    'projectcalico.org/orchestrator': 'k8s',
    'projectcalico.org/serviceaccount': 'default',
    'pcns.projectcalico.org/name': 'data',
    'pcsa.tier': 'x',
    'pcsa.projectcalico.org/name': 'default',
  });
});

test('policiesFor: tier order, then policy order (none last), then Felix name; own namespace only', (t) => {
  const names = (ps: CalicoPolicy[]) => ps.map(felixPolicyName);
  t.deepEqual(names(policiesFor(db, policies, namespaces, 'Ingress', { tiers })), [
    'security.deny-dev',
    'data/knp.default.allow-from-backend',
    'data/knp.default.default-deny',
  ]);
  t.deepEqual(names(policiesFor(api, policies, namespaces, 'ingress', { tiers })), [
    'security.deny-dev',
    'backend/default.api-allow-web',
    'default.deny-all-api',
  ]);
  t.deepEqual(names(policiesFor(web, policies, namespaces, 'Egress', { tiers })), ['frontend/knp.default.web-egress']);
  t.deepEqual(names(policiesFor(api, policies, namespaces, 'Egress', { tiers })), []);
  const unordered = { ...policies[0], name: 'zzz', order: undefined };
  t.deepEqual(names(sortPolicies([unordered, policies[1], policies[0]])), [
    'data/knp.default.allow-from-backend',
    'data/knp.default.default-deny',
    'data/zzz',
  ]);
});

const allowIngress = (rule: Omit<PolicyRule, 'action'>): CalicoPolicy => ({
  kind: 'GlobalNetworkPolicy',
  name: 'default.r',
  tier: 'default',
  selector: 'app == "api"',
  types: ['Ingress'],
  ingress: [{ action: 'Allow', ...rule }],
  egress: [],
  origin: { apiVersion: 'projectcalico.org/v3', kind: 'GlobalNetworkPolicy', name: 'r', source: 't' },
});
const verdict = (rule: Omit<PolicyRule, 'action'>, protocol: Probe['protocol'] = 'tcp', port: number | null = 8080) =>
  evaluate({ from: web, to: api, protocol, port }, [allowIngress(rule)], namespaces).verdict;

test('rule criteria: protocol, ports (named, source), nets, notNets, notSelector, ICMP type', (t) => {
  t.is(verdict({ protocol: 'UDP', source: {}, destination: {} }), 'denied');
  t.is(verdict({ protocol: 6, source: {}, destination: { ports: ['8000:8100'] } }), 'allowed');
  t.is(verdict({ protocol: 'TCP', source: {}, destination: { ports: ['http'] } }), 'allowed');
  t.is(verdict({ protocol: 'UDP', source: {}, destination: { ports: ['http'] } }, 'udp'), 'denied');
  t.is(verdict({ protocol: 'TCP', source: {}, destination: { notPorts: [8080] } }), 'denied');
  t.is(verdict({ protocol: 'TCP', source: { ports: [53] }, destination: {} }), 'denied');
  t.is(verdict({ protocol: 'TCP', source: { ports: ['1024:65535'] }, destination: {} }), 'allowed');
  t.is(verdict({ protocol: 'TCP', source: { notPorts: [53] }, destination: {} }), 'allowed');
  t.is(verdict({ source: { nets: [`${web.ip}/32`] }, destination: {} }), 'allowed');
  t.is(verdict({ source: { notNets: ['10.244.0.0/16'] }, destination: {} }), 'denied');
  t.is(verdict({ source: { nets: ['fd00::/8'] }, destination: {} }), 'denied');
  t.is(verdict({ source: { notSelector: 'app == "web"' }, destination: {} }), 'denied');
  t.is(verdict({ source: { selector: 'app == "web"' }, destination: {} }), 'allowed', 'a global rule spans namespaces');
  t.is(verdict({ source: { selector: 'pcns.team == "web"' }, destination: {} }), 'allowed');
  t.is(verdict({ protocol: 'ICMP', icmp: { type: 8 }, source: {}, destination: {} }, 'icmp', null), 'allowed');
  t.is(verdict({ protocol: 'ICMP', icmp: { type: 0 }, source: {}, destination: {} }, 'icmp', null), 'denied');
  t.is(
    verdict({ protocol: 'ICMP', notICMP: { type: 8, code: 0 }, source: {}, destination: {} }, 'icmp', null),
    'denied',
  );
  t.is(verdict({ notProtocol: 'ICMP', source: {}, destination: {} }, 'icmp', null), 'denied');
});

test("a namespaced policy's rule selectors stay in its namespace unless a namespaceSelector widens them", (t) => {
  const doc = (source: string) =>
    parsePolicyDocuments(
      'apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata: {name: p, namespace: backend}\n' +
        `spec: {selector: app == "api", ingress: [{action: Allow, source: ${source}}]}\n`,
      'x',
    );
  const run = (source: string) =>
    evaluate({ from: web, to: api, protocol: 'icmp', port: null }, doc(source), namespaces);
  t.is(run('{selector: app == "web"}').verdict, 'denied');
  t.is(run('{selector: app == "web", namespaceSelector: all()}').verdict, 'allowed');
  t.is(run('{namespaceSelector: projectcalico.org/name == "frontend"}').verdict, 'allowed');
  t.is(run('{namespaceSelector: global()}').verdict, 'denied');
  t.is(run('{notSelector: app == "db"}').verdict, 'denied', 'notSelector scopes the rule to the namespace too');
  t.is(run('{nets: [10.244.0.0/16]}').verdict, 'allowed', 'nets alone are not scoped');
});
