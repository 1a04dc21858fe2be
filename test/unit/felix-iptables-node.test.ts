// Felix's iptables renderer on a representative node: two workloads in two namespaces, a converted
// Kubernetes default-deny selecting one of them and a GlobalNetworkPolicy with a Pass rule; then
// policy rule rendering, the idempotent restore, counters read back and IP sets.
import test from 'ava';
import {
  describeRule,
  type FelixIptablesInput,
  type FelixTables,
  felixRuleSelectors,
  iptablesRestore,
  ipsetRestore,
  movedCounters,
  parseSaveCounters,
  renderFelixIptables,
  staleIpsetRestore,
} from '../../src/calico/felix/iptables/index.ts';
import { parseSelector } from '../../src/calico/policy/selector.ts';
import type { CalicoPolicy, PolicyRule } from '../../src/calico/policy/types.ts';
import type { CalicoVersion } from '../../src/calico/versions.ts';
import { deps, policy } from './felix-fixture.ts';

const WEB = 'cali1a2b3c4d5e6';
// An interface and service account from a public kubenet AKS dump, so its chains' first hashes are known.
const METRICS = 'cali112d888c0c2';

const DEFAULT_DENY = policy({
  kind: 'NetworkPolicy',
  name: 'knp.default.default-deny',
  namespace: 'default',
  order: 1000,
  selector: "projectcalico.org/orchestrator == 'k8s'",
});
const PASS_DNS = policy({
  kind: 'GlobalNetworkPolicy',
  name: 'default.pass-dns',
  order: 10,
  types: ['Egress'],
  egress: [{ action: 'Pass', protocol: 'UDP', source: {}, destination: { ports: [53] } }],
});

const knp = { tier: 'default', name: 'knp.default.default-deny', namespace: 'default', kind: 'NetworkPolicy' } as const;
const gnp = { tier: 'default', name: 'default.pass-dns', kind: 'GlobalNetworkPolicy' } as const;

const node = (version: CalicoVersion, over: Partial<FelixIptablesInput> = {}): FelixIptablesInput => ({
  version,
  ipipEnabled: true,
  vxlanEnabled: false,
  hostIps: ['192.168.10.10', '192.168.10.101'],
  thisHostIps: ['192.168.10.101'],
  masqPools: ['172.16.0.0/16'],
  allPools: ['172.16.0.0/16'],
  tunnelDevices: ['tunl0'],
  endpoints: [
    { ifname: WEB, namespace: 'default', serviceAccount: 'default', ingress: [knp], egress: [gnp] },
    { ifname: METRICS, namespace: 'kube-system', serviceAccount: 'metrics-server', ingress: [], egress: [gnp] },
  ],
  policies: [DEFAULT_DENY, PASS_DNS],
  endpointToHostAction: 'ACCEPT',
  ...over,
});

const END_OF_TIER =
  '-m comment --comment "End of tier default. Drop if no policies passed packet" -m mark --mark 0/0x20000 --jump DROP';

const chain = (t: FelixTables, name: string, table: keyof FelixTables['tables'] = 'filter') => {
  const c = t.tables[table].chains.find((x) => x.name === name);
  if (!c) throw new Error(`no chain ${name}`);
  return c;
};
const bodies = (t: FelixTables, name: string) => chain(t, name).rules.map((r) => r.body);

test('v3.30 cali-tw of the selected pod: tier section, default-deny, end-of-tier drop, then profiles', (t) => {
  const f = renderFelixIptables(node('3.30'), deps);
  t.deepEqual(bodies(f, `cali-tw-${WEB}`), [
    '-m conntrack --ctstate RELATED,ESTABLISHED --jump ACCEPT',
    '-m conntrack --ctstate INVALID --jump DROP',
    '--jump MARK --set-mark 0/0x30000',
    '-m comment --comment "Start of tier default" --jump MARK --set-mark 0/0x20000',
    '-m mark --mark 0/0x20000 --jump cali-pi-_1Endnr5KwXwKO4PkHo4',
    '-m comment --comment "Return if policy accepted" -m mark --mark 0x10000/0x10000 --jump RETURN',
    END_OF_TIER,
    '--jump cali-pri-kns.default',
    '-m comment --comment "Return if profile accepted" -m mark --mark 0x10000/0x10000 --jump RETURN',
    '--jump cali-pri-ksa.default.default',
    '-m comment --comment "Return if profile accepted" -m mark --mark 0x10000/0x10000 --jump RETURN',
    '-m comment --comment "Drop if no profiles matched" --jump DROP',
  ]);
  // A default-deny has no rules: its chain is the comment alone.
  t.deepEqual(bodies(f, 'cali-pi-_1Endnr5KwXwKO4PkHo4'), [
    '-m comment --comment "Policy default/knp.default.default-deny ingress"',
  ]);
  // Regression values (rendered by this module, not observed on a v3.30 node).
  t.deepEqual(
    chain(f, `cali-tw-${WEB}`)
      .rules.map((r) => r.hash)
      .slice(0, 7),
    [
      'aAviOZqWyEAwmBpc',
      'mc3hHAqPoPQCvclA',
      'XxqZU8Xh64Y0eEsF',
      'gFHIHF9xYNQqKo5B',
      'ifjuRjJDAZ6Qmg2P',
      'c-5udZ8zYMhxKCrC',
      'E10jogS_i1QnvgvP',
    ],
  );
});

test('v3.30 cali-fw: encapsulation drops, the Pass policy, and a policy chain with its RETURN stripped', (t) => {
  const f = renderFelixIptables(node('3.30'), deps);
  const po = 'cali-po-_O4s_Kxz4-qTtzaXXa24';
  t.deepEqual(bodies(f, `cali-fw-${WEB}`).slice(3, 9), [
    '-m comment --comment "Drop VXLAN encapped packets originating in workloads" -p 17 ' +
      '-m multiport --destination-ports 4789 --jump DROP',
    '-m comment --comment "Drop IPinIP encapped packets originating in workloads" -p 4 --jump DROP',
    '-m comment --comment "Start of tier default" --jump MARK --set-mark 0/0x20000',
    `-m mark --mark 0/0x20000 --jump ${po}`,
    '-m comment --comment "Return if policy accepted" -m mark --mark 0x10000/0x10000 --jump RETURN',
    END_OF_TIER,
  ]);
  // Pass sets the pass bit; the RETURN after it ends the chain, so Felix drops it.
  t.deepEqual(bodies(f, po), [
    '-m comment --comment "Policy default.pass-dns egress" -p udp -m multiport --destination-ports 53 ' +
      '--jump MARK --set-mark 0x20000/0x20000',
  ]);
  t.like(chain(f, po).rules[0].owner, { kind: 'policy', name: 'default.pass-dns', direction: 'egress', ruleIndex: 0 });
  // Only the directions the endpoints use are programmed (table.go refcounts).
  t.false(f.tables.filter.chains.some((c) => c.name === 'cali-pi-_O4s_Kxz4-qTtzaXXa24'));
});

test('chains of the metrics-server pod keep the hashes a real Felix gave them (kubenet AKS dump)', (t) => {
  const f = renderFelixIptables(node('3.30'), deps);
  t.deepEqual(
    chain(f, `cali-tw-${METRICS}`)
      .rules.map((r) => r.hash)
      .slice(0, 2),
    ['YxaG793HT-1CxTcX', '6MWAWkG1GPepwS3w'],
  );
  t.deepEqual(
    chain(f, `cali-fw-${METRICS}`)
      .rules.map((r) => r.hash)
      .slice(0, 2),
    ['gxYrST51OJyfBgWw', '6xENQhO2T0QW5LgN'],
  );
  t.deepEqual(
    chain(f, 'cali-pri-_CVSZITRyIpEmH8AB6H').rules.map((r) => r.hash),
    ['Jm7TmoNoWplOEka1'],
  );
  t.deepEqual(
    chain(f, 'cali-pro-_CVSZITRyIpEmH8AB6H').rules.map((r) => r.hash),
    ['jzJff9OzGIv_OyaY'],
  );
  // kns profiles: the first rule (the allow's mark) is unchanged; v3.28+ drop the trailing RETURN.
  t.deepEqual(
    chain(f, 'cali-pri-kns.kube-system').rules.map((r) => r.hash),
    ['J1TyxtHWd0qaBGK-'],
  );
  t.deepEqual(
    chain(f, 'cali-pro-kns.kube-system').rules.map((r) => r.hash),
    ['tgOR2S8DVHZW3F1M'],
  );
});

test('dispatch: sub-chains for interfaces sharing a prefix; six distinct ones hash as in the AKS dump', (t) => {
  const f = renderFelixIptables(node('3.30'), deps);
  // Common prefix "cali1", next characters "1" and "a": one goto each.
  t.deepEqual(bodies(f, 'cali-from-wl-dispatch'), [
    `--in-interface ${METRICS} --goto cali-fw-${METRICS}`,
    `--in-interface ${WEB} --goto cali-fw-${WEB}`,
    '-m comment --comment "Unknown interface" --jump DROP',
  ]);
  const third = { ifname: 'cali1a2b3c4d5e7', namespace: 'default', serviceAccount: 'default', ingress: [], egress: [] };
  const g = renderFelixIptables(node('3.30', { endpoints: [...node('3.30').endpoints, third] }), deps);
  t.deepEqual(bodies(g, 'cali-to-wl-dispatch'), [
    `--out-interface ${METRICS} --goto cali-tw-${METRICS}`,
    '--out-interface cali1a+ --goto cali-to-wl-dispatch-a',
    '-m comment --comment "Unknown interface" --jump DROP',
  ]);
  t.deepEqual(bodies(g, 'cali-to-wl-dispatch-a'), [
    `--out-interface ${WEB} --goto cali-tw-${WEB}`,
    '--out-interface cali1a2b3c4d5e7 --goto cali-tw-cali1a2b3c4d5e7',
    '-m comment --comment "Unknown interface" --jump DROP',
  ]);
  const ifnames = [
    'calif6abb148530',
    'cali112d888c0c2',
    'cali26cecacb712',
    'cali55f439ddb0e',
    'cali9d7310e16e7',
    'calic5a1f1aa0ed',
  ];
  const six = renderFelixIptables(
    node('3.28', {
      endpoints: ifnames.map((ifname) => ({
        ifname,
        namespace: 'kube-system',
        serviceAccount: 'x',
        ingress: [],
        egress: [],
      })),
    }),
    deps,
  );
  t.deepEqual(
    chain(six, 'cali-from-wl-dispatch').rules.map((r) => r.hash),
    [
      '887K6j2m0yTxV8XZ',
      '-1f18nv9_J5o_MPL',
      'X28EvX2q55aZM8gM',
      'CxKCBaJmNdZnWGOY',
      'ZPC1pWieGIBIr5A7',
      'xDvXvF5yVFq7Y1QJ',
      'FUqQW1upEuPXcL7s',
    ],
  );
  t.deepEqual(
    chain(six, 'cali-to-wl-dispatch').rules.map((r) => r.hash),
    [
      '2HgECeqPiWlvDcYF',
      'qItgN3WleQpIBiyv',
      '_Ru9douyhVpAz36r',
      'D9Su0ifqHghdWNA-',
      'yXvE2mPsXdk4a0va',
      'bHXL9zWxzC6IixEY',
      'XGNeZ7jL7MJ6PeId',
    ],
  );
});

test('versions: v3.28 has no tier rules or tier in chain names; v3.29 adds them with the old drop comment', (t) => {
  const v328 = renderFelixIptables(node('3.28'), deps);
  t.deepEqual(bodies(v328, `cali-tw-${WEB}`).slice(3, 6), [
    '-m mark --mark 0/0x20000 --jump cali-pi-_R3gvoG4sTTQrQ1d4clb',
    '-m comment --comment "Return if policy accepted" -m mark --mark 0x10000/0x10000 --jump RETURN',
    '-m comment --comment "Drop if no policies passed packet" -m mark --mark 0/0x20000 --jump DROP',
  ]);
  const v329 = renderFelixIptables(node('3.29'), deps);
  t.deepEqual(bodies(v329, `cali-tw-${WEB}`).slice(3, 7), [
    '-m comment --comment "Start of tier default" --jump MARK --set-mark 0/0x20000',
    '-m mark --mark 0/0x20000 --jump cali-pi-_1Endnr5KwXwKO4PkHo4',
    '-m comment --comment "Return if policy accepted" -m mark --mark 0x10000/0x10000 --jump RETURN',
    '-m comment --comment "Drop if no policies passed packet" -m mark --mark 0/0x20000 --jump DROP',
  ]);
  // A Pass tier (Tier.spec.defaultAction) has no end-of-tier drop.
  const pass = renderFelixIptables(node('3.30', { tierDefaultActions: { default: 'Pass' } }), deps);
  t.false(bodies(pass, `cali-tw-${WEB}`).some((b) => b.includes('End of tier')));
});

const rulesOf = (version: CalicoVersion, rules: PolicyRule[], extra: Partial<CalicoPolicy> = {}) => {
  const p = policy({ kind: 'GlobalNetworkPolicy', name: 'default.p', ingress: rules, ...extra });
  const ref = { tier: 'default', name: 'default.p', kind: 'GlobalNetworkPolicy' } as const;
  const f = renderFelixIptables(
    node(version, {
      policies: [p],
      endpoints: [{ ifname: WEB, namespace: 'default', serviceAccount: 'default', ingress: [ref], egress: [] }],
    }),
    deps,
  );
  const name = f.tables.filter.chains.find((c) => c.name.startsWith('cali-pi-'))!.name;
  return { f, bodies: bodies(f, name).map((b) => b.replace(/^-m comment --comment "Policy default.p ingress" ?/, '')) };
};

test('policy rules: Deny is mark-then-drop in v3.30, a plain DROP before; Log; ICMP; negations', (t) => {
  const deny: PolicyRule = {
    action: 'Deny',
    protocol: 'TCP',
    source: { nets: ['10.0.0.5'] },
    destination: { notPorts: [22] },
  };
  t.deepEqual(rulesOf('3.30', [deny]).bodies, [
    '-p tcp --source 10.0.0.5/32 -m multiport ! --destination-ports 22 --jump MARK --set-mark 0x40000/0x40000',
    '-m mark --mark 0x40000/0x40000 --jump DROP',
  ]);
  t.deepEqual(rulesOf('3.28', [deny]).bodies, [
    '-p tcp --source 10.0.0.5/32 -m multiport ! --destination-ports 22 --jump DROP',
  ]);
  const log: PolicyRule = {
    action: 'Log',
    protocol: 'ICMP',
    icmp: { type: 8 },
    notICMP: { type: 3, code: 1 },
    source: {},
    destination: {},
  };
  t.deepEqual(rulesOf('3.30', [log]).bodies, [
    '-p icmp -m icmp --icmp-type 8 -m icmp ! --icmp-type 3/1 --jump LOG --log-prefix "calico-packet: " --log-level 5',
  ]);
  const allow: PolicyRule = { action: 'Allow', notProtocol: 17, source: { notNets: ['10.1.2.3/16'] }, destination: {} };
  t.deepEqual(rulesOf('3.30', [allow]).bodies, [
    '! -p 17 ! --source 10.1.0.0/16 --jump MARK --set-mark 0x10000/0x10000',
  ]);
  // Negating 0.0.0.0/0 matches nothing: v3.29.6 and v3.30.3+ drop the rule, v3.28.5 renders it.
  const everything: PolicyRule = { action: 'Allow', source: { notNets: ['0.0.0.0/0'] }, destination: {} };
  t.deepEqual(rulesOf('3.30', [everything]).bodies, ['']);
  t.deepEqual(rulesOf('3.28', [everything]).bodies, ['! --source 0.0.0.0/0 --jump MARK --set-mark 0x10000/0x10000']);
});

test('policy rules: port and CIDR lists that do not fit one rule become mark-bit match blocks', (t) => {
  const rule: PolicyRule = {
    action: 'Allow',
    protocol: 'TCP',
    source: { nets: ['10.0.0.0/8', '192.168.0.0/16'], notNets: ['10.9.0.0/16'] },
    destination: { ports: [80, '8000:8080', 'http'] },
  };
  const { f, bodies: b } = rulesOf('3.30', [rule]);
  const named = f.ipsets.find((s) => s.type === 'hash:ip,port')!;
  t.deepEqual(named.namedPort, { protocol: 'tcp', name: 'http' });
  t.is(named.selector, 'all()');
  t.deepEqual(b, [
    '--jump MARK --set-mark 0x0/0x180000',
    '-p tcp -m multiport --destination-ports 80,8000:8080 --jump MARK --set-mark 0x80000/0x80000',
    `-m set --match-set ${named.name} dst,dst --jump MARK --set-mark 0x80000/0x80000`,
    '--source 10.0.0.0/8 --jump MARK --set-mark 0x100000/0x100000',
    '--source 192.168.0.0/16 --jump MARK --set-mark 0x100000/0x100000',
    '-m mark --mark 0/0x100000 --jump MARK --set-mark 0/0x80000',
    // One negated net fits the main rule once the positive nets went into a block (policy.go:346).
    '-p tcp ! --source 10.9.0.0/16 -m mark --mark 0x80000/0x80000 --jump MARK --set-mark 0x10000/0x10000',
  ]);
  const negated = rulesOf('3.30', [
    { action: 'Allow', source: { nets: ['10.0.0.0/8'], notNets: ['10.9.0.0/16'] }, destination: {} },
  ]);
  t.deepEqual(negated.bodies, [
    '--jump MARK --set-mark 0x80000/0x180000',
    '--source 10.9.0.0/16 --jump MARK --set-mark 0/0x80000',
    '--source 10.0.0.0/8 -m mark --mark 0x80000/0x80000 --jump MARK --set-mark 0x10000/0x10000',
  ]);
  // Over 15 multiport slots: one block rule per 15.
  const many = rulesOf('3.28', [
    {
      action: 'Allow',
      protocol: 'UDP',
      source: {},
      destination: { ports: Array.from({ length: 16 }, (_, i) => 1000 + i) },
    },
  ]);
  t.is(many.bodies.length, 4);
  t.is(many.bodies[2], '-p udp -m multiport --destination-ports 1015 --jump MARK --set-mark 0x40000/0x40000');
});

test('policy rules: selectors become cali40s: sets of the canonical, namespace-scoped selector', (t) => {
  const np = policy({
    kind: 'NetworkPolicy',
    name: 'allow-frontend',
    namespace: 'default',
    ingress: [
      { action: 'Allow', source: { selector: "role == 'frontend'", notSelector: "tier == 'x'" }, destination: {} },
    ],
  });
  const ref = { tier: 'default', name: 'allow-frontend', namespace: 'default', kind: 'NetworkPolicy' } as const;
  const f = renderFelixIptables(
    node('3.30', {
      policies: [np],
      endpoints: [{ ifname: WEB, namespace: 'default', serviceAccount: 'default', ingress: [ref], egress: [] }],
    }),
    deps,
  );
  const expected = parseSelector(
    "((projectcalico.org/namespace == 'default') && (role == 'frontend')) && (!(tier == 'x'))",
  ).canonical;
  const set = f.ipsets.find((s) => s.selector === expected)!;
  t.truthy(set);
  t.is(set.type, 'hash:net');
  t.regex(set.name, /^cali40s:[\w-]{23}$/);
  t.true(
    f.tables.filter.chains.some((c) => c.rules.some((r) => r.body.includes(`-m set --match-set ${set.name} src`))),
  );
});

test('felixRuleSelectors: libcalico-go getEndpointSelector and Felix combineMatchesIfPossible', (t) => {
  const fake = { canonicalSelector: (s: string) => `C[${s}]`, prefixSelector: (s: string, p: string) => `P[${p}${s}]` };
  const np = policy({ kind: 'NetworkPolicy', name: 'x', namespace: 'ns1' });
  const gnp = policy({ kind: 'GlobalNetworkPolicy', name: 'default.x' });
  const r = (source: PolicyRule['source']): PolicyRule => ({ action: 'Allow', source, destination: {} });
  t.deepEqual(felixRuleSelectors(fake, np, r({ selector: 'a == "b"' }), 'source'), {
    selector: `C[(projectcalico.org/namespace == 'ns1') && (a == "b")]`,
  });
  t.deepEqual(felixRuleSelectors(fake, np, r({ namespaceSelector: 'all()' }), 'source'), {
    selector: 'C[P[pcns.has(projectcalico.org/namespace)]]',
  });
  t.deepEqual(felixRuleSelectors(fake, gnp, r({ notSelector: 'c == "d"' }), 'source'), { notSelector: 'C[c == "d"]' });
  t.deepEqual(felixRuleSelectors(fake, np, r({ notSelector: 'c == "d"' }), 'source'), {
    selector: `C[(projectcalico.org/namespace == 'ns1') && (!(c == "d"))]`,
  });
  t.deepEqual(
    felixRuleSelectors(fake, np, r({ serviceAccounts: { names: ['sa1', 'sa2'] }, selector: 'e == "f"' }), 'source'),
    {
      selector:
        `C[(projectcalico.org/namespace == 'ns1') && ` +
        `((C[projectcalico.org/serviceaccount in { 'sa1', 'sa2' }]) && (e == "f"))]`,
    },
  );
  t.deepEqual(felixRuleSelectors(fake, gnp, r({}), 'source'), {});
});

test('policy groups: consecutive policies with one selector share a cali-gi- chain', (t) => {
  const mk = (name: string, order: number) =>
    policy({
      kind: 'GlobalNetworkPolicy',
      name,
      order,
      selector: "app == 'web'",
      ingress: [{ action: 'Allow', source: {}, destination: {} }],
    });
  const names = ['default.a', 'default.b', 'default.c', 'default.d', 'default.e', 'default.f'];
  const refs = names.map((name) => ({ tier: 'default', name, kind: 'GlobalNetworkPolicy' as const }));
  const f = renderFelixIptables(
    node('3.30', {
      policies: names.map((n, i) => mk(n, i)),
      endpoints: [{ ifname: WEB, namespace: 'default', serviceAccount: 'default', ingress: refs, egress: [] }],
    }),
    deps,
  );
  const group = f.tables.filter.chains.find((c) => c.name.startsWith('cali-gi-'))!;
  t.is(group.name.length, 28);
  t.is(bodies(f, `cali-tw-${WEB}`)[4], `-m mark --mark 0/0x20000 --jump ${group.name}`);
  const b = group.rules.map((r) => r.body);
  t.is(b.length, 7);
  t.regex(b[0], /^--jump cali-pi-/);
  t.regex(b[1], /^-m mark --mark 0\/0x30000 --jump cali-pi-/);
  t.is(b[5], '-m comment --comment "Return on verdict" -m mark ! --mark 0/0x30000 --jump RETURN');
  t.regex(b[6], /^--jump cali-pi-/);
});

/** What iptables-save -c prints for rules Felix wrote (iptables-nft 1.8.9 spelling). */
const saveOf = (f: FelixTables, counters: (hash: string) => string = () => '[0:0]') =>
  Object.values(f.tables)
    .map((table) => {
      const lines = table.chains.flatMap((c) =>
        c.rules.map((r) => `${counters(r.hash)} ${r.text.replaceAll('--jump', '-j').replaceAll('--goto', '-g')}`),
      );
      const heads = table.chains.map((c) => (c.kernel ? `:${c.name} ACCEPT [0:0]` : `:${c.name} - [0:0]`));
      return [`*${table.name}`, ...heads, ...lines, 'COMMIT'].join('\n');
    })
    .join('\n');

test('iptablesRestore: a first apply declares, hooks and fills; a re-apply against the live state is empty', (t) => {
  const f = renderFelixIptables(node('3.30'), deps);
  const first = iptablesRestore(f);
  t.true(first.startsWith('*raw\n:cali-OUTPUT - -\n'));
  t.true(first.includes('-I INPUT -m comment --comment "cali:Cz_u1IQiXIMmKD4c" --jump cali-INPUT\n'));
  t.true(first.includes('-A POSTROUTING -m comment --comment "cali:0i8pjzKKPyA34aQD" --jump cali-POSTROUTING\n'));
  t.is(iptablesRestore(f, parseSaveCounters(saveOf(f))), '');
});

test('iptablesRestore: only changed chains are rewritten; displaced hooks are deleted and re-inserted', (t) => {
  const before = renderFelixIptables(node('3.30'), deps);
  // kube-proxy inserted its own rule above Felix's INPUT hook; the metrics pod went away.
  const live = saveOf(before).replace('*filter\n', '*filter\n[0:0] -A INPUT -j KUBE-FIREWALL\n');
  const after = renderFelixIptables(node('3.30', { endpoints: node('3.30').endpoints.slice(0, 1) }), deps);
  const lines = iptablesRestore(after, parseSaveCounters(live)).trim().split('\n');
  t.false(lines.includes('*raw'), 'raw is unchanged');
  t.true(lines.includes('-D INPUT -m comment --comment "cali:Cz_u1IQiXIMmKD4c" -j cali-INPUT'));
  t.true(lines.includes('-I INPUT -m comment --comment "cali:Cz_u1IQiXIMmKD4c" --jump cali-INPUT'));
  t.true(lines.includes(':cali-to-wl-dispatch - -'));
  t.false(lines.includes(`:cali-tw-${WEB} - -`), 'an unchanged chain keeps its rules and counters');
  // Stale chains are flushed with the rest, then deleted in a transaction of their own.
  t.true(lines.includes(`:cali-fw-${METRICS} - -`));
  const deletions = lines.slice(lines.lastIndexOf('*filter') + 1, -1);
  t.true(deletions.every((l) => l.startsWith('--delete-chain cali-')));
  t.true(deletions.includes(`--delete-chain cali-fw-${METRICS}`));
  t.true(deletions.includes('--delete-chain cali-pri-kns.kube-system'));
  t.is(lines[lines.length - 1], 'COMMIT');
});

test('parseSaveCounters, movedCounters and describeRule map a moved counter back to its policy', (t) => {
  const f = renderFelixIptables(node('3.30'), deps);
  const drop = chain(f, `cali-tw-${WEB}`).rules.find((r) => r.comments[0]?.startsWith('End of tier'))!;
  const before = parseSaveCounters(saveOf(f));
  const after = parseSaveCounters(saveOf(f, (h) => (h === drop.hash ? '[3:180]' : '[0:0]')));
  const saved = after.filter.find((c) => c.name === `cali-tw-${WEB}`)!.rules[6];
  t.like(saved, {
    num: 7,
    hash: drop.hash,
    packets: 3,
    bytes: 180,
    comments: ['End of tier default. Drop if no policies passed packet'],
  });
  const moved = movedCounters(before, after, f);
  t.is(moved.length, 1);
  t.like(moved[0], { packets: 3, bytes: 180 });
  t.is(moved[0].felix, drop);
  t.is(
    describeRule(moved[0].rule, f),
    `filter cali-tw-${WEB} #7 DROP "End of tier default. Drop if no policies passed packet" (ingress of ${WEB})`,
  );
  const pi = chain(f, 'cali-pi-_1Endnr5KwXwKO4PkHo4').rules[0];
  t.is(
    describeRule(pi),
    'filter cali-pi-_1Endnr5KwXwKO4PkHo4 #1 "Policy default/knp.default.default-deny ingress" ' +
      '(NetworkPolicy default/knp.default.default-deny (tier default) ingress)',
  );
});

test('ipsetRestore swaps each set in whole; staleIpsetRestore destroys only Felix sets no rule uses', (t) => {
  const f = renderFelixIptables(node('3.30'), deps);
  t.deepEqual(
    f.ipsets.map((s) => s.name),
    ['cali40all-ipam-pools', 'cali40masq-ipam-pools', 'cali40this-host', 'cali40all-hosts-net'],
  );
  const text = ipsetRestore(f.ipsets.slice(2, 3));
  t.is(
    text,
    [
      'create cali40this-host hash:ip family inet maxelem 1048576 -exist',
      'create cali4t1 hash:ip family inet maxelem 1048576 -exist',
      'flush cali4t1',
      'add cali4t1 192.168.10.101',
      'swap cali40this-host cali4t1',
      'destroy cali4t1',
      '',
    ].join('\n'),
  );
  t.is(
    staleIpsetRestore(f.ipsets, ['cali40this-host', 'cali40s:gone', 'KUBE-X', 'cali4t3']),
    'destroy cali40s:gone\ndestroy cali4t3\n',
  );
});
