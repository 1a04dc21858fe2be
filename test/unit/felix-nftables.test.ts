// Felix's nftables mode, derived from the iptables model: Felix's own nft test vectors for hashes,
// comments, matches and actions (projectcalico/calico v3.30.7 felix/nftables/*_test.go), then a
// representative node's `table ip calico` and counters read back from real `nft list` output.
// The node's script was also loaded (twice) into a scratch network namespace with nft 1.0.6.
import test from 'ava';
import {
  describeRule,
  type FelixIptablesInput,
  type FelixTables,
  movedCounters,
  renderFelixIptables,
} from '../../src/calico/felix/iptables/index.ts';
import {
  loadable,
  nftCleanup,
  nftComment,
  nftRuleHashes,
  nftScript,
  parseNftCounters,
  renderNft,
  translateRule,
} from '../../src/calico/felix/nftables/index.ts';
import type { CalicoPolicy } from '../../src/calico/policy/types.ts';
import type { CalicoVersion } from '../../src/calico/versions.ts';
import { deps, policy } from './felix-fixture.ts';

test('nftRuleHashes: the vectors of felix/nftables/table_test.go (nft text only, no comment, no "-A")', (t) => {
  t.deepEqual(nftRuleHashes('filter-FORWARD', ['counter drop', 'counter accept', 'counter drop', 'counter accept']), [
    'DCGauXoHP5A9-AIO',
    '6tpY0LmXqEPD5dsI',
    '_Zdh35A6d8kLWs7z',
    'K23j5egouXzd1qRD',
  ]);
  // Appended rules hash under "<chain>*appends*" (table.go:654).
  t.deepEqual(nftRuleHashes('filter-FORWARD*appends*', ['counter accept']), ['Q43zYEHuKfFnJfs1']);
  t.deepEqual(nftRuleHashes('filter-FORWARD*appends*', ['counter drop', 'counter accept']), [
    'T41ctVF7TLDIehjM',
    'AodlDFLDC_KqOIJO',
  ]);
  t.deepEqual(nftRuleHashes('cali-foobar', ['counter accept', 'counter drop', 'counter return']), [
    'en3LGdDuVUQEgLl8',
    'iSw4pE2oK6hZ-s52',
    'UvIbKv-XqfNkFU3a',
  ]);
});

test('nftComment: "cali:<hash>;" then the comments, cut to 128 characters (rules_test.go)', (t) => {
  t.is(nftComment('TEST', ['boz', 'fizz']), 'cali:TEST; boz fizz');
  t.is(nftComment('TEST', ['a'.repeat(129)]), `cali:TEST; ${'a'.repeat(117)}`);
  t.is(nftComment('DCGauXoHP5A9-AIO', []), 'cali:DCGauXoHP5A9-AIO;');
  // Two comments share what is left after the 22-character hash: 53 characters each.
  t.is(nftComment('DCGauXoHP5A9-AIO', ['x'.repeat(60), 'y'.repeat(60)]).length, 22 + 1 + 53 + 1 + 53 - 2);
});

const plain = { chain: (n: string) => n, bareLogPrefix: false };
const match = (body: string) => translateRule(body, plain).hashed;

test('translateRule: iptables match fragments become match_builder_test.go texts', (t) => {
  const cases: [string, string][] = [
    ['-m mark --mark 0/0x400a', 'meta mark & 0x400a == 0'],
    ['-m mark ! --mark 0/0x400a', 'meta mark & 0x400a != 0'],
    ['-m mark --mark 0x4000/0x4000', 'meta mark & 0x4000 == 0x4000'],
    ['-m mark --mark 0x400a/0xf00f', 'meta mark & 0xf00f == 0x400a'],
    ['-m mark ! --mark 0x400a/0xf00f', 'meta mark & 0xf00f != 0x400a'],
    ['-m conntrack --ctstate INVALID', 'ct state invalid'],
    ['-m conntrack --ctstate RELATED,ESTABLISHED', 'ct state related,established'],
    ['-m conntrack ! --ctstate DNAT', 'ct status != dnat'],
    ['--in-interface tap1234abcd', 'iifname tap1234abcd'],
    ['--out-interface cali+', 'oifname cali*'],
    ['-m addrtype --src-type LOCAL --limit-iface-out', 'fib saddr . oif type local'],
    ['-m addrtype --src-type LOCAL', 'fib saddr type local'],
    ['-m addrtype ! --src-type LOCAL --limit-iface-out', 'fib saddr . oif type != local'],
    ['-m addrtype ! --src-type LOCAL', 'fib saddr type != local'],
    ['-m addrtype --dst-type LOCAL', 'fib daddr type local'],
    ['-m rpfilter --invert --validmark', 'fib saddr . mark . iif oif 0'],
    ['-p tcp', 'meta l4proto tcp'],
    ['! -p tcp', 'meta l4proto != tcp'],
    ['-p 4', 'meta l4proto 4'],
    ['! -p 123', 'meta l4proto != 123'],
    ['--source 10.0.0.4', 'ip saddr 10.0.0.4'],
    ['! --source 10.0.0.4', 'ip saddr != 10.0.0.4'],
    ['--destination 10.0.0.4', 'ip daddr 10.0.0.4'],
    ['! --destination 10.0.0.4', 'ip daddr != 10.0.0.4'],
    ['-m set --match-set calits:12345abc-_ src', 'ip saddr @calits-12345abc-_'],
    ['-m set ! --match-set calits:12345abc-_ src', 'ip saddr != @calits-12345abc-_'],
    ['-m set --match-set calits:12345abc-_ dst', 'ip daddr @calits-12345abc-_'],
    ['-m set ! --match-set calits:12345abc-_ dst', 'ip daddr != @calits-12345abc-_'],
    ['-m set --match-set calitn:12345abc-_ src,src', 'ip saddr . meta l4proto . th sport @calitn-12345abc-_'],
    ['-m set ! --match-set calitn:12345abc-_ dst,dst', 'ip daddr . meta l4proto . th dport != @calitn-12345abc-_'],
    ['-p tcp -m multiport --source-ports 1234,5678', 'meta l4proto tcp tcp sport { 1234, 5678 }'],
    ['-p udp -m multiport ! --source-ports 1234,5678', 'meta l4proto udp udp sport != { 1234, 5678 }'],
    ['-p udp -m multiport --destination-ports 1234,5678:6000', 'meta l4proto udp udp dport { 1234, 5678-6000 }'],
    ['-p 6 -m multiport --source-ports 1234,5678', 'meta l4proto 6 tcp sport { 1234, 5678 }'],
    ['-p 17 -m multiport ! --destination-ports 1234,5678', 'meta l4proto 17 udp dport != { 1234, 5678 }'],
    ['-p udp --dport 4789', 'meta l4proto udp udp dport 4789'],
    [
      '-p tcp -m multiport --source-ports 1234 -m multiport --destination-ports 8080',
      'meta l4proto tcp tcp sport { 1234 } tcp dport { 8080 }',
    ],
    ['-m icmp --icmp-type 123', 'icmp type 123'],
    ['-m icmp ! --icmp-type 123', 'icmp type != 123'],
    ['-m icmp --icmp-type 123/5', 'icmp type 123 code 5'],
    ['-m icmp ! --icmp-type 123/5', 'icmp type != 123 code != 5'],
  ];
  for (const [iptables, nft] of cases) t.is(match(iptables), nft, iptables);
});

test('translateRule: actions as actions_test.go renders them, after "counter" (renderer.go:62)', (t) => {
  const cases: [string, string][] = [
    ['--goto cali-abcd', 'counter goto cali-abcd'],
    ['--jump cali-abcd', 'counter jump cali-abcd'],
    ['--jump RETURN', 'counter return'],
    ['--jump DROP', 'counter drop'],
    ['--jump ACCEPT', 'counter accept'],
    ['--jump NOTRACK', 'counter notrack'],
    ['--jump LOG --log-prefix "prefix: " --log-level 5', 'counter log prefix "prefix: " level info'],
    ['--jump MASQUERADE', 'counter masquerade'],
    ['--jump MASQUERADE --random-fully', 'counter masquerade fully-random'],
    ['--jump MARK --set-mark 0/0x1000', 'counter meta mark set mark & 0xffffefff'],
    ['--jump MARK --set-mark 0x1000/0x1000', 'counter meta mark set mark or 0x1000'],
    ['--jump MARK --set-mark 0x1000/0xf000', 'counter meta mark set mark & 0xffff0fff ^ 0x1000'],
    ['--jump MARK --set-mark 0x0/0x180000', 'counter meta mark set mark & 0xffe7ffff ^ 0x0'],
  ];
  for (const [iptables, nft] of cases) t.is(match(iptables), nft, iptables);
  // Comments leave the rule text (they go to the nft comment); a rule with nothing left is "continue".
  t.is(match('-m comment --comment "Policy x ingress"'), 'continue');
  t.is(match('-m comment --comment "Unknown interface" --jump DROP'), 'counter drop');
  t.like(translateRule('--goto cali-fw-x', { ...plain, chain: (n) => `filter-${n}` }), {
    hashed: 'counter goto filter-cali-fw-x',
    kind: 'goto',
    target: 'filter-cali-fw-x',
  });
  // v3.29.6's LogAction printed the bare prefix.
  t.is(
    translateRule('--jump LOG --log-prefix "calico-packet: " --log-level 5', { ...plain, bareLogPrefix: true }).hashed,
    'counter log prefix calico-packet level info',
  );
});

test('translateRule: fails loudly on what it does not know', (t) => {
  t.throws(() => match('-m physdev --physdev-in x'), { message: /unknown match module physdev/ });
  t.throws(() => match('-m toString'), { message: /unknown match module toString/ });
  t.throws(() => match('-m multiport --destination-ports 80'), { message: /without a TCP\/UDP\/SCTP protocol/ });
  t.throws(() => match('--jump REJECT'), { message: /unsupported iptables target REJECT/ });
  t.throws(() => match('--jump ACCEPT --log-level 5'), { message: /words after the action/ });
});

test('loadable: nft 1.0.6 rejects Felix\'s "icmp type T code C"; the script loads an equivalent', (t) => {
  t.is(
    loadable('meta l4proto icmp icmp type 8 code 0 counter accept'),
    'meta l4proto icmp icmp type 8 icmp code 0 counter accept',
  );
  t.is(loadable('icmp type != 3 code != 1 counter drop'), 'icmp type . icmp code != { 3 . 1 } counter drop');
  t.is(loadable('icmp type 8 counter accept'), 'icmp type 8 counter accept');
});

// A representative node: IPIP with a natOutgoing pool, two workloads in two namespaces, a converted
// Kubernetes default-deny, a policy with a selector rule and ports, and a GlobalNetworkPolicy Pass.
const WEB = 'cali1a2b3c4d5e6';
const DNS = 'cali9f00000000a';

const DEFAULT_DENY = policy({
  kind: 'NetworkPolicy',
  name: 'knp.default.default-deny',
  namespace: 'default',
  selector: "projectcalico.org/orchestrator == 'k8s'",
});
const ALLOW_WEB = policy({
  kind: 'NetworkPolicy',
  name: 'knp.default.allow-web',
  namespace: 'default',
  selector: "app == 'web'",
  ingress: [
    { action: 'Allow', protocol: 'TCP', source: { selector: "role == 'client'" }, destination: { ports: [80, 443] } },
  ],
});
const PASS_DNS = policy({
  kind: 'GlobalNetworkPolicy',
  name: 'default.pass-dns',
  types: ['Egress'],
  egress: [{ action: 'Pass', protocol: 'UDP', source: {}, destination: { ports: [53] } }],
});
const ref = (p: CalicoPolicy) => ({ tier: 'default', name: p.name, namespace: p.namespace, kind: p.kind });

const node = (version: CalicoVersion = '3.30', over: Partial<FelixIptablesInput> = {}): FelixTables =>
  renderFelixIptables(
    {
      version,
      ipipEnabled: true,
      vxlanEnabled: false,
      hostIps: ['192.168.10.10', '192.168.10.101'],
      thisHostIps: ['192.168.10.101'],
      masqPools: ['172.16.0.0/16'],
      allPools: ['172.16.0.0/16'],
      tunnelDevices: ['tunl0'],
      endpoints: [
        {
          ifname: WEB,
          namespace: 'default',
          serviceAccount: 'default',
          ingress: [ref(DEFAULT_DENY), ref(ALLOW_WEB)],
          egress: [ref(PASS_DNS)],
        },
        { ifname: DNS, namespace: 'kube-system', serviceAccount: 'coredns', ingress: [], egress: [ref(PASS_DNS)] },
      ],
      policies: [DEFAULT_DENY, ALLOW_WEB, PASS_DNS],
      endpointToHostAction: 'ACCEPT',
      ...over,
    },
    deps,
  );

const nftChain = (nft: FelixTables, layer: keyof FelixTables['tables'], name: string) => {
  const c = nft.tables[layer].chains.find((x) => x.name === name);
  if (!c) throw new Error(`no chain ${name}`);
  return c;
};

test('nftScript: replaces table ip calico whole, with every base chain Felix declares (table.go:106)', (t) => {
  const lines = nftScript(node()).split('\n');
  t.deepEqual(lines.slice(0, 3), ['table ip calico', 'delete table ip calico', 'table ip calico {']);
  const declarations = lines.filter((l) => l.includes(' hook '));
  t.deepEqual(
    declarations.map((l) => l.trim()),
    [
      'type filter hook prerouting priority -300; policy accept;',
      'type filter hook output priority -300; policy accept;',
      'type filter hook prerouting priority -150; policy accept;',
      'type filter hook input priority -150; policy accept;',
      'type filter hook forward priority -150; policy accept;',
      'type route hook output priority -150; policy accept;',
      'type filter hook postrouting priority -150; policy accept;',
      'type nat hook prerouting priority -100; policy accept;',
      'type nat hook input priority -100; policy accept;',
      'type nat hook output priority 110; policy accept;',
      'type nat hook postrouting priority 110; policy accept;',
      'type filter hook input priority 0; policy accept;',
      'type filter hook forward priority 0; policy accept;',
      'type filter hook output priority 0; policy accept;',
    ],
  );
  t.is(
    lines[lines.indexOf('\tchain nat-POSTROUTING {') + 1],
    '\t\ttype nat hook postrouting priority 110; policy accept;',
  );
  t.is(lines.at(-2), '}');
  t.is(nftCleanup(), 'table ip calico\ndelete table ip calico\n');
});

test('nftScript: sets named without ":", nets as interval sets, members as elements', (t) => {
  const script = nftScript(node());
  t.true(
    script.includes(
      '\tset cali40masq-ipam-pools {\n\t\ttype ipv4_addr\n\t\tflags interval\n\t\telements = { 172.16.0.0/16 }\n\t}',
    ),
  );
  t.true(script.includes('\tset cali40this-host {\n\t\ttype ipv4_addr\n\t\telements = { 192.168.10.101 }\n\t}'));
  const nft = renderNft(node());
  const selectorSet = nft.sets.find((s) => s.name.startsWith('cali40s-'))!;
  t.regex(selectorSet.source, /^cali40s:/);
  t.deepEqual(selectorSet.elements, [], 'selector sets come without members');
  const named = renderNft({
    ...node(),
    ipsets: [{ name: 'cali40n:x', id: 'n:x', type: 'hash:ip,port', members: ['10.0.0.1,tcp:8080'] }],
  });
  t.deepEqual(named.sets, [
    {
      name: 'cali40n-x',
      type: 'ipv4_addr . inet_proto . inet_service',
      flags: [],
      elements: ['10.0.0.1 . tcp . 8080'],
      source: 'cali40n:x',
    },
  ]);
});

test('renderNft: hooks hash under the base chain, appends under "<chain>*appends*" (table.go:643)', (t) => {
  const nft = renderNft(node());
  const forward = nftChain(nft, 'filter', 'filter-FORWARD');
  t.true(forward.kernel);
  t.deepEqual(
    forward.rules.map((r) => r.body),
    [
      'counter jump filter-cali-FORWARD',
      'meta mark & 0x10000 == 0x10000 counter accept',
      'counter meta mark set mark or 0x10000',
    ],
  );
  t.deepEqual(
    forward.rules.map((r) => r.hash),
    [
      ...nftRuleHashes('filter-FORWARD', ['counter jump filter-cali-FORWARD']),
      ...nftRuleHashes(
        'filter-FORWARD*appends*',
        forward.rules.slice(1).map((r) => r.body),
      ),
    ],
  );
  t.is(
    forward.rules[1].text,
    `${forward.rules[1].body} comment "cali:${forward.rules[1].hash}; Policy explicitly accepted packet."`,
  );
  t.deepEqual(nftChain(nft, 'mangle', 'mangle-INPUT').rules, [], 'unused base chains exist, empty');
  t.is(
    nftChain(nft, 'raw', 'raw-cali-PREROUTING').rules[3].body,
    'meta mark & 0x80000 == 0x80000 fib saddr . mark . iif oif 0 counter drop',
  );
});

test('renderNft: nat-outgoing MASQUERADE, fully random, with its nft-mode hash', (t) => {
  const nft = renderNft(node());
  const [masq] = nftChain(nft, 'nat', 'nat-cali-nat-outgoing').rules;
  const body = 'ip saddr @cali40masq-ipam-pools ip daddr != @cali40all-ipam-pools counter masquerade fully-random';
  t.is(masq.body, body);
  t.deepEqual([masq.hash], nftRuleHashes('nat-cali-nat-outgoing', [body]));
  // Regression value; iptables mode's hash for this rule is flqWnvo8yq4ULQLa (doc 003).
  t.is(masq.text, `${body} comment "cali:JjuWIaIfSLZi41Xk;"`);
  t.deepEqual(
    nftChain(nft, 'nat', 'nat-cali-POSTROUTING').rules.map((r) => r.body),
    [
      'counter jump nat-cali-fip-snat',
      'counter jump nat-cali-nat-outgoing',
      'oifname tunl0 fib saddr . oif type != local fib saddr type local counter masquerade fully-random',
    ],
  );
});

test('renderNft: policy chains keep the whole <tier>/<name> (no 28-character limit in nft)', (t) => {
  const f = node();
  const nft = renderNft(f);
  t.true(f.tables.filter.chains.some((c) => c.name === 'cali-pi-_1Endnr5KwXwKO4PkHo4'));
  const deny = nftChain(nft, 'filter', 'filter-cali-pi-default/default/knp.default.default-deny');
  const [hash] = nftRuleHashes(deny.name, ['continue']);
  t.deepEqual(
    deny.rules.map((r) => r.text),
    [`continue comment "cali:${hash}; Policy default/knp.default.default-deny ingress"`],
  );
  const allow = nftChain(nft, 'filter', 'filter-cali-pi-default/default/knp.default.allow-web');
  const set = nft.sets.find((s) => s.name.startsWith('cali40s-'))!.name;
  t.deepEqual(
    allow.rules.map((r) => r.body),
    [`meta l4proto tcp ip saddr @${set} tcp dport { 80, 443 } counter meta mark set mark or 0x10000`],
  );
  t.like(allow.rules[0], { owner: { kind: 'policy', name: 'default/knp.default.allow-web', ruleIndex: 0 } });
  const tw = nftChain(nft, 'filter', `filter-cali-tw-${WEB}`).rules.map((r) => r.body);
  t.true(tw.includes('meta mark & 0x20000 == 0 counter jump filter-cali-pi-default/default/knp.default.default-deny'));
  t.true(tw.includes('meta mark & 0x20000 == 0 counter drop'));
  t.deepEqual(
    nftChain(nft, 'filter', 'filter-cali-po-default/default.pass-dns').rules.map((r) => r.body),
    ['meta l4proto udp udp dport { 53 } counter meta mark set mark or 0x20000'],
  );
});

test('renderNft v3.30: workloads are dispatched through verdict maps (dispatch.go:583)', (t) => {
  const nft = renderNft(node());
  t.deepEqual(nft.maps, [
    {
      name: 'filter-cali-from-wl-dispatch',
      type: 'ifname : verdict',
      elements: [
        { key: WEB, verdict: `goto filter-cali-fw-${WEB}` },
        { key: DNS, verdict: `goto filter-cali-fw-${DNS}` },
      ],
    },
    {
      name: 'filter-cali-to-wl-dispatch',
      type: 'ifname : verdict',
      elements: [
        { key: WEB, verdict: `goto filter-cali-tw-${WEB}` },
        { key: DNS, verdict: `goto filter-cali-tw-${DNS}` },
      ],
    },
  ]);
  const from = nftChain(nft, 'filter', 'filter-cali-from-wl-dispatch');
  t.deepEqual(
    from.rules.map((r) => r.body),
    ['iifname vmap @filter-cali-from-wl-dispatch', 'counter drop'],
  );
  t.is(from.rules[1].comments[0], 'Unknown interface');
  t.true(nftScript(node()).includes(`\t\telements = { "${WEB}" : goto filter-cali-fw-${WEB}, "${DNS}" : goto`));
  // Interfaces sharing a prefix get no child chains either.
  const three = node('3.30', {
    endpoints: ['cali1a', 'cali1b', 'cali2c'].map((ifname) => ({
      ifname,
      namespace: 'default',
      serviceAccount: 'default',
      ingress: [],
      egress: [],
    })),
  });
  t.true(three.tables.filter.chains.some((c) => c.name === 'cali-from-wl-dispatch-1'));
  const threeNft = renderNft(three);
  t.false(threeNft.tables.filter.chains.some((c) => c.name.startsWith('filter-cali-from-wl-dispatch-')));
  t.deepEqual(
    threeNft.maps[0].elements.map((e) => e.key),
    ['cali1a', 'cali1b', 'cali2c'],
  );
});

test('renderNft v3.29: dispatch chains as in iptables mode; v3.28 has no nftables mode', (t) => {
  const nft = renderNft(node('3.29'));
  t.deepEqual(nft.maps, []);
  t.deepEqual(
    nftChain(nft, 'filter', 'filter-cali-from-wl-dispatch').rules.map((r) => r.body),
    [
      `iifname ${WEB} counter goto filter-cali-fw-${WEB}`,
      `iifname ${DNS} counter goto filter-cali-fw-${DNS}`,
      'counter drop',
    ],
  );
  t.throws(() => renderNft(node('3.28')), { message: /v3.28.5 has no nftables mode/ });
});

// Real `nft -a list table ip calico` output of this renderer's script (nft 1.0.6, kernel 6.18),
// after two pings to 127.0.0.1 in the namespace; trimmed to two chains, a set and a map.
const LISTED = (input: number, mark: number) =>
  [
    'table ip calico { # handle 3',
    '\tset cali40all-hosts-net { # handle 65',
    '\t\ttype ipv4_addr',
    '\t\tflags interval',
    '\t\telements = { 192.168.10.10, 192.168.10.101 }',
    '\t}',
    '\tmap filter-cali-to-wl-dispatch { # handle 70',
    '\t\ttype ifname : verdict',
    '\t\telements = { "cali1a2b3c4d5e6" : goto filter-cali-tw-cali1a2b3c4d5e6,',
    '\t\t\t     "cali9f00000000a" : goto filter-cali-tw-cali9f00000000a }',
    '\t}',
    '\tchain filter-INPUT { # handle 27',
    '\t\ttype filter hook input priority filter; policy accept;',
    `\t\tcounter packets ${input} bytes ${input * 84} jump filter-cali-INPUT ` +
      'comment "cali:H0S9z2pOh43UL0cc;" # handle 104',
    '\t}',
    '\tchain filter-cali-INPUT { # handle 31',
    '\t\tmeta l4proto ipencap ip saddr @cali40all-hosts-net fib daddr type local counter packets 0 bytes 0 accept ' +
      'comment "cali:x6gV2bXroghBAxvL; Allow IPIP packets from Calico hosts" # handle 115',
    '\t\tmeta l4proto ipencap counter packets 0 bytes 0 drop ' +
      'comment "cali:azWq7E7LhmwAV1dU; Drop IPIP packets from non-Calico hosts" # handle 116',
    '\t\tiifname "cali*" counter packets 0 bytes 0 goto filter-cali-wl-to-host ' +
      'comment "cali:IWZo_Apd6uRWaMhF;" # handle 119',
    '\t\tmeta mark & 0x00010000 == 0x00010000 counter packets 0 bytes 0 accept ' +
      'comment "cali:_3n4RS_sUf4dArzN;" # handle 120',
    `\t\tcounter packets ${mark} bytes ${mark * 84} meta mark set meta mark & 0xffe4ffff ` +
      'comment "cali:5bg4jnZlYU45_gMR;" # handle 121',
    '\t}',
    '}',
    '',
  ].join('\n');

test('parseNftCounters: chains by layer, counters and hashes; movedCounters maps them to Felix rules', (t) => {
  const after = parseNftCounters(LISTED(4, 4));
  t.deepEqual(Object.keys(after), ['filter']);
  t.deepEqual(
    after.filter.map((c) => [c.name, c.policy, c.rules.length]),
    [
      ['filter-INPUT', 'accept', 1],
      ['filter-cali-INPUT', undefined, 5],
    ],
  );
  t.like(after.filter[1].rules[0], {
    table: 'filter',
    chain: 'filter-cali-INPUT',
    num: 1,
    packets: 0,
    hash: 'x6gV2bXroghBAxvL',
    comments: ['Allow IPIP packets from Calico hosts'],
  });
  t.like(after.filter[1].rules[4], { num: 5, packets: 4, bytes: 336, hash: '5bg4jnZlYU45_gMR', comments: [] });
  t.false(after.filter[1].rules[4].text.includes('packets'));

  // The rendered view of the same node (the listing's node had VXLAN too: its rules are cut above,
  // so compare by hash, which survives the positions).
  const nft = renderNft(node('3.30', { vxlanEnabled: true, tunnelDevices: ['tunl0', 'vxlan.calico'] }));
  const moved = movedCounters(parseNftCounters(LISTED(0, 0)), after, nft);
  t.deepEqual(
    moved.map((d) => [d.rule.chain, d.packets, d.felix?.hash]),
    [
      ['filter-INPUT', 4, 'H0S9z2pOh43UL0cc'],
      ['filter-cali-INPUT', 4, '5bg4jnZlYU45_gMR'],
    ],
  );
  t.is(describeRule(moved[0].rule, nft), 'filter filter-INPUT #1 filter-cali-INPUT');
  // `nft list ruleset`: other tables' chains are not Felix's.
  const other = 'table ip nat {\n\tchain filter-x {\n\t\tcounter packets 9 bytes 9 accept\n\t}\n}\n';
  t.deepEqual(parseNftCounters(other + LISTED(4, 4)), after);
});
