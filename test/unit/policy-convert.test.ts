// Kubernetes NetworkPolicy -> Calico, against the expectations of
// libcalico-go/lib/backend/k8s/conversion/conversion_test.go (v3.30.7) and the update processors'
// rules_test.go (the selectors Felix finally matches).
import test from 'ava';
import {
  type K8sNetworkPolicy,
  type K8sPeer,
  k8sNetworkPolicyToCalico,
  k8sSelectorToCalico,
} from '../../src/calico/policy/convert.ts';
import { simplifyPorts } from '../../src/calico/policy/ports.ts';
import { felixPolicySelector, felixRuleSelectors } from '../../src/calico/policy/scope.ts';
import type { PolicyRule } from '../../src/calico/policy/types.ts';

const np = (spec: K8sNetworkPolicy['spec'], name = 'test.policy'): K8sNetworkPolicy => ({
  metadata: { name, namespace: 'default' },
  spec,
});
const convert = (spec: K8sNetworkPolicy['spec']) => k8sNetworkPolicyToCalico(np(spec), 'test');
const k8s = "projectcalico.org/orchestrator == 'k8s'";
const kv: K8sPeer = { podSelector: { matchLabels: { k: 'v', k2: 'v2' } } };
const label12 = { matchLabels: { label: 'value', label2: 'value2' } };

test('basic policy: knp.default. name, order 1000, default tier, sorted matchLabels, TCP defaulted', (t) => {
  const p = convert({
    podSelector: label12,
    ingress: [{ ports: [{ port: 80 }, { port: 'foo' }], from: [kv] }],
    policyTypes: ['Ingress'],
  });
  t.is(p.name, 'knp.default.test.policy');
  t.is(p.namespace, 'default');
  t.is(p.order, 1000);
  t.is(p.tier, 'default');
  t.is(p.selector, `${k8s} && label == 'value' && label2 == 'value2'`);
  t.deepEqual(p.ingress, [
    {
      action: 'Allow',
      protocol: 'TCP',
      source: { selector: `${k8s} && k == 'v' && k2 == 'v2'` },
      destination: { ports: [80, 'foo'] },
    },
  ]);
  t.deepEqual(p.types, ['Ingress']);
  t.deepEqual(p.egress, []);
});

test('no ports: no protocol; blank port: all TCP ports', (t) => {
  const noPorts = convert({ podSelector: label12, ingress: [{ from: [kv] }], policyTypes: ['Ingress'] });
  t.deepEqual(noPorts.ingress, [
    { action: 'Allow', source: { selector: `${k8s} && k == 'v' && k2 == 'v2'` }, destination: {} },
  ]);
  const blank = convert({ podSelector: label12, ingress: [{ ports: [{ port: 80 }, {}], from: [kv] }] });
  t.deepEqual(blank.ingress, [
    { action: 'Allow', protocol: 'TCP', source: { selector: `${k8s} && k == 'v' && k2 == 'v2'` }, destination: {} },
  ]);
});

test('egress with blank ports and a UDP rule', (t) => {
  const p = convert({
    podSelector: label12,
    egress: [{ ports: [{}, { port: 80 }], to: [kv] }, { ports: [{ port: 53, protocol: 'UDP' }] }],
    policyTypes: ['Egress'],
  });
  t.deepEqual(p.egress, [
    { action: 'Allow', protocol: 'TCP', source: {}, destination: { selector: `${k8s} && k == 'v' && k2 == 'v2'` } },
    { action: 'Allow', protocol: 'UDP', source: {}, destination: { ports: [53] } },
  ]);
  t.deepEqual(p.types, ['Egress']);
});

test('rules with invalid ports are dropped, the others kept', (t) => {
  const problems: string[] = [];
  const p = k8sNetworkPolicyToCalico(
    np({
      podSelector: label12,
      ingress: [
        { ports: [{ port: 80 }, { port: 'foo' }], from: [kv] },
        { ports: [{ port: 80 }, { port: '-50:-1' }], from: [kv] },
      ],
    }),
    'test',
    problems,
  );
  t.is(p.ingress.length, 1);
  t.deepEqual(p.ingress[0].destination.ports, [80, 'foo']);
  t.deepEqual(problems, ['ingress[1] dropped: invalid port -50:-1']);
});

test('no rules; default-deny egress with an empty podSelector', (t) => {
  const p = convert({ podSelector: { matchLabels: { label: 'value' } }, policyTypes: ['Ingress'] });
  t.is(p.selector, `${k8s} && label == 'value'`);
  t.deepEqual([p.ingress, p.egress, p.types], [[], [], ['Ingress']]);
  const deny = k8sNetworkPolicyToCalico(np({ podSelector: {}, policyTypes: ['Egress'] }, 'testPolicy'), 'x');
  t.is(deny.name, 'knp.default.testPolicy');
  t.is(deny.selector, k8s);
  t.deepEqual(deny.types, ['Egress']);
});

test('multiple peers: one rule each; multiple peers and ports: per protocol (sorted), then per peer', (t) => {
  const peers: K8sPeer[] = [
    { podSelector: { matchLabels: { k: 'v' } } },
    { podSelector: { matchLabels: { k2: 'v2' } } },
  ];
  const p = convert({ podSelector: { matchLabels: { label: 'value' } }, ingress: [{ ports: [{}], from: peers }] });
  t.deepEqual(
    p.ingress.map((r) => r.source.selector),
    [`${k8s} && k == 'v'`, `${k8s} && k2 == 'v2'`],
  );
  const q = convert({
    podSelector: { matchLabels: { label: 'value' } },
    ingress: [
      {
        ports: [
          { port: 90, protocol: 'UDP' },
          { port: 80, protocol: 'TCP' },
        ],
        from: peers,
      },
    ],
  });
  t.deepEqual(
    q.ingress.map((r) => [r.protocol, r.source.selector, r.destination.ports]),
    [
      ['TCP', `${k8s} && k == 'v'`, [80]],
      ['TCP', `${k8s} && k2 == 'v2'`, [80]],
      ['UDP', `${k8s} && k == 'v'`, [90]],
      ['UDP', `${k8s} && k2 == 'v2'`, [90]],
    ],
  );
});

test('DoesNotExist, In; namespace selectors: nil, empty (all()), with labels, with pods', (t) => {
  t.is(
    k8sSelectorToCalico({ matchExpressions: [{ key: 'toast', operator: 'DoesNotExist' }] }, 'pod'),
    `${k8s} && ! has(toast)`,
  );
  t.is(
    k8sSelectorToCalico({ matchExpressions: [{ key: 'k', operator: 'In', values: ['v1', 'v2'] }] }, 'pod'),
    `${k8s} && k in { 'v1', 'v2' }`,
  );
  const ns = { matchLabels: { namespaceRole: 'dev', namespaceFoo: 'bar' } };
  const rule = (peer: K8sPeer) => convert({ podSelector: {}, ingress: [{ from: [peer] }] }).ingress[0].source;
  t.deepEqual(rule({ namespaceSelector: ns }), {
    selector: k8s,
    namespaceSelector: "namespaceFoo == 'bar' && namespaceRole == 'dev'",
  });
  t.deepEqual(rule({ podSelector: {} }), { selector: k8s });
  t.deepEqual(rule({ namespaceSelector: { matchLabels: {} } }), { selector: k8s, namespaceSelector: 'all()' });
  t.deepEqual(rule({ namespaceSelector: ns, podSelector: { matchLabels: { podA: 'B', podC: 'D' } } }), {
    selector: `${k8s} && podA == 'B' && podC == 'D'`,
    namespaceSelector: "namespaceFoo == 'bar' && namespaceRole == 'dev'",
  });
});

test('port ranges (endPort) and ipBlocks (nets / notNets, host bits cleared)', (t) => {
  const range = convert({ podSelector: {}, ingress: [{ ports: [{ protocol: 'TCP', port: 32000, endPort: 32768 }] }] });
  t.deepEqual(range.ingress[0], {
    action: 'Allow',
    protocol: 'TCP',
    source: {},
    destination: { ports: ['32000:32768'] },
  });
  const block = { cidr: '192.168.0.0/16', except: ['192.168.3.0/24', '192.168.4.0/24', '192.168.5.0/24'] };
  const egress = convert({
    podSelector: {},
    egress: [
      {
        ports: [
          { port: 90, protocol: 'UDP' },
          { port: 80, protocol: 'TCP' },
        ],
        to: [{ ipBlock: block }],
      },
    ],
    policyTypes: ['Egress'],
  });
  t.deepEqual(
    egress.egress.map((r) => r.destination),
    [
      { ports: [80], nets: ['192.168.0.0/16'], notNets: block.except },
      { ports: [90], nets: ['192.168.0.0/16'], notNets: block.except },
    ],
  );
  const masked = convert({ podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.1.2.3/8' } }] }] });
  t.deepEqual(masked.ingress[0].source, { nets: ['10.0.0.0/8'] });
  const bad = convert({ podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '192.168.0.0/55' } }] }] });
  t.deepEqual(bad.ingress[0].source, {});
  const v6 = convert({ podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: 'fd00:0:0::1/64' } }] }] });
  t.deepEqual(v6.ingress[0].source, { nets: ['fd00::/64'] });
});

test('types: Ingress then Egress whatever the order; none means Ingress', (t) => {
  t.deepEqual(convert({ podSelector: {}, policyTypes: ['Egress', 'Ingress'] }).types, ['Ingress', 'Egress']);
  t.deepEqual(convert({ podSelector: {} }).types, ['Ingress']);
});

test('empty ingress rule [{}] allows everything; ingress: [] allows nothing', (t) => {
  t.deepEqual(convert({ podSelector: {}, ingress: [{}] }).ingress, [{ action: 'Allow', source: {}, destination: {} }]);
  t.deepEqual(convert({ podSelector: {}, ingress: [], policyTypes: ['Ingress'] }).ingress, []);
});

test('SimplifyPorts: named ports first, numeric ports merged into ranges', (t) => {
  t.deepEqual(simplifyPorts([80, 81, 82, 9090, 'foo']), ['foo', '80:82', 9090]);
  t.deepEqual(simplifyPorts([80, 'foo']), [80, 'foo']);
  t.deepEqual(simplifyPorts(['8000:8002', 8001, 8003, 7]), [7, '8000:8003']);
});

test("Felix's view: policy selector scoped to the namespace (networkpolicyprocessor.go)", (t) => {
  const p = convert({ podSelector: { matchLabels: { app: 'db' } } });
  t.is(felixPolicySelector(p), `(${k8s} && app == 'db') && projectcalico.org/namespace == 'default'`);
});

const rule = (source: PolicyRule['source'], destination: PolicyRule['destination'] = {}): PolicyRule => ({
  action: 'Allow',
  source,
  destination,
});

test('rules_test.go: rule selectors as Felix sees them', (t) => {
  let s = felixRuleSelectors(rule({ selector: 'has(foo)' }, { selector: 'has(foo)' }), '');
  t.deepEqual([s.src, s.dst], ['has(foo)', 'has(foo)']);
  s = felixRuleSelectors(rule({ ports: [80] }, { ports: [80] }), '');
  t.deepEqual([s.src, s.dst], ['', '']);
  const both = { selector: k8s, namespaceSelector: "key == 'value'" };
  s = felixRuleSelectors(rule(both, both), 'namespace');
  t.is(s.src, `(pcns.key == "value") && (${k8s})`);
  t.is(s.dst, s.src);
  const complex = "!has(key) || (has(key) && !key in {'value'})";
  s = felixRuleSelectors(rule({ namespaceSelector: complex }), 'namespace');
  t.is(s.src, '(!has(pcns.key) || (has(pcns.key) && !pcns.key in {"value"}))');
  s = felixRuleSelectors(
    rule(
      { serviceAccounts: { names: ['sa1', 'sa2'], selector: "key == 'value1'" } },
      { namespaceSelector: "nskey == 'nsvalue'", serviceAccounts: { names: ['sa3'], selector: "key == 'value2'" } },
    ),
    'namespace',
  );
  t.is(
    s.src,
    '(projectcalico.org/namespace == \'namespace\') && ((pcsa.key == "value1") && ' +
      '(projectcalico.org/serviceaccount in {"sa1", "sa2"}))',
  );
  t.is(s.dst, '(pcns.nskey == "nsvalue") && ((pcsa.key == "value2") && (projectcalico.org/serviceaccount in {"sa3"}))');
  s = felixRuleSelectors(rule({ serviceAccounts: {} }), '');
  t.is(s.src, '');
  s = felixRuleSelectors(
    rule(
      {},
      {
        namespaceSelector: "nskey == 'nsvalue'",
        serviceAccounts: { names: ['sa3'], selector: "key == 'value2'" },
        selector: 'has(label1)',
      },
    ),
    'namespace',
  );
  t.is(
    s.dst,
    '(pcns.nskey == "nsvalue") && (((pcsa.key == "value2") && (projectcalico.org/serviceaccount in ' +
      '{"sa3"})) && (has(label1)))',
  );
  s = felixRuleSelectors(rule({ namespaceSelector: 'all()' }, { namespaceSelector: 'global()' }), 'ns1');
  t.deepEqual([s.src, s.dst], ['has(projectcalico.org/namespace)', '!has(projectcalico.org/namespace)']);
  s = felixRuleSelectors(rule({ notSelector: 'has(label1)' }, { nets: ['10.0.0.0/8'] }), 'ns1');
  t.deepEqual(s, { src: "projectcalico.org/namespace == 'ns1'", dst: '', notSrc: 'has(label1)', notDst: '' });
});
