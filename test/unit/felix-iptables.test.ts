// Felix's iptables renderer against what real Felix wrote: `cali:` hashes quoted in
// projectcalico/calico issues and in public iptables-save dumps, doc 003's `iptables -L | grep cali`
// of a v3.28.1 node, and Calico's own test vectors for names.
import test from 'ava';
import {
  chainName,
  type FelixIptablesInput,
  type FelixTables,
  listTargets,
  renderFelixIptables,
  ruleHashes,
  selectorIpSetName,
} from '../../src/calico/felix/iptables/index.ts';

const deps = { canonicalSelector: (s: string) => s };

/** A node like doc 003's control plane: IPIP pool with natOutgoing, no workloads. */
const node = (over: Partial<FelixIptablesInput> = {}): FelixIptablesInput => ({
  version: '3.28',
  ipipEnabled: true,
  vxlanEnabled: false,
  hostIps: ['192.168.10.10', '192.168.10.101'],
  thisHostIps: ['192.168.10.10'],
  masqPools: ['172.16.0.0/16'],
  allPools: ['172.16.0.0/16'],
  tunnelDevices: ['tunl0'],
  endpoints: [],
  policies: [],
  endpointToHostAction: 'ACCEPT',
  ...over,
});

const hashesOf = (t: FelixTables, table: keyof FelixTables['tables'], chain: string) =>
  t.tables[table].chains.find((c) => c.name === chain)?.rules.map((r) => r.hash);

test('ruleHashes: SHA-224 chained over the chain name and "-A <chain> HASH <rule>"', (t) => {
  // doc 003 (v3.28.1): iptables -t nat -S cali-nat-outgoing.
  const masq = '-m set --match-set cali40masq-ipam-pools src -m set ! --match-set cali40all-ipam-pools dst';
  t.deepEqual(ruleHashes('cali-nat-outgoing', [`${masq} --jump MASQUERADE --random-fully`]), ['flqWnvo8yq4ULQLa']);
  // projectcalico/felix#1421 and every dump since: the jumps Felix inserts into the kernel chains.
  t.deepEqual(ruleHashes('INPUT', ['--jump cali-INPUT']), ['Cz_u1IQiXIMmKD4c']);
  t.deepEqual(ruleHashes('FORWARD', ['--jump cali-FORWARD']), ['wUHhoiAYhphO9Mso']);
  t.deepEqual(ruleHashes('OUTPUT', ['--jump cali-OUTPUT']), ['tVnHkvAo15HuiPy0']);
});

test('ruleHashes: each hash chains the previous one (projectcalico/calico#9290, a <=v3.27 cali-tw chain)', (t) => {
  // Rules 3-4 are pre-3.28 text (separate accept and pass clears, "Start of policies").
  const rules = [
    '-m conntrack --ctstate RELATED,ESTABLISHED --jump ACCEPT',
    '-m conntrack --ctstate INVALID --jump DROP',
    '--jump MARK --set-mark 0/0x10000',
    '-m comment --comment "Start of policies" --jump MARK --set-mark 0/0x20000',
    '-m mark --mark 0/0x20000 --jump cali-pi-_DGlcbEzkd1cvh5X1F7M',
  ];
  t.deepEqual(ruleHashes('cali-tw-cali11239f98883', rules), [
    '63AiEhcKlL4J9x0W',
    'U_uF6VQoKAohXmTC',
    '11psZo1M6h3_eNzY',
    '6lKycZxeeZ1PugZz',
    'cV0qHtGkHxu9syl8',
  ]);
});

test('chainName: hashutils GetLengthLimitedID (28 characters, "_" + SHA-256 when too long)', (t) => {
  // Profile and policy chains seen in projectcalico/calico#4511, #8243 and a kubenet AKS dump.
  t.is(chainName('cali-pri-', 'ksa.pdns-dev.default'), 'cali-pri-_O7PG5EVM_0SsI30l2d');
  t.is(chainName('cali-pro-', 'ksa.kube-system.coredns'), 'cali-pro-_u2Tn2rSoAPffvE7JO6');
  t.is(chainName('cali-pri-', 'ksa.kube-system.metrics-server'), 'cali-pri-_CVSZITRyIpEmH8AB6H');
  t.is(chainName('cali-po-', 'kube-system/knp.default.konnectivity-agent'), 'cali-po-_rWDSk9LLgWIl_lpnJE2');
  t.is(chainName('cali-po-', 'aaa-allow-konnectivity-agent'), 'cali-po-_j5sVgQTfF-APgMw0kN9');
  t.is(chainName('cali-pri-', 'kns.kube-system'), 'cali-pri-kns.kube-system');
  t.is(chainName('cali-tw-', 'cali11239f98883'), 'cali-tw-cali11239f98883');
  // felix/hashutils/id_test.go.
  t.is(chainName('felix', '1234', 10), 'felix1234');
  t.is(chainName('felix', '123456', 11), 'felix123456');
  t.is(chainName('felix', '_2345', 10), 'felix_kMQI', 'exactly the limit but starting "_"');
  t.is(chainName('felix', '12345678910', 13), 'felix_Y2QCZIS');
});

test('selectorIpSetName: cali40 + "s:" + SHA-224 of the canonical selector, 31 characters', (t) => {
  // libcalico-go/lib/selector/parser/parser_test.go canonicalisationTests: all() is s:5y5I3VdRZfDU01O--xXAPx2yxCQ…
  t.is(selectorIpSetName('all()'), 'cali40s:5y5I3VdRZfDU01O--xXAPx2');
  t.is(selectorIpSetName('!(has(b) || !has(a))'), 'cali40s:Iss0uCleLYv1GSv_pNm7hAO');
  t.is(selectorIpSetName('!(a == "b" && !c != "d")'), 'cali40s:lh3haoY1ikTRkd4UZu0nWSa');
});

test('v3.28 filter table of a node without workloads: every hash as a real Felix wrote it', (t) => {
  const f = renderFelixIptables(node(), deps);
  // A `iptables -t filter -S | grep cali` of an IPIP node without workloads (kans study notes, 2022):
  // the static chains' text has not changed since, only the mark bits moved in v3.30.
  t.deepEqual(hashesOf(f, 'filter', 'INPUT'), ['Cz_u1IQiXIMmKD4c']);
  t.deepEqual(hashesOf(f, 'filter', 'FORWARD'), ['wUHhoiAYhphO9Mso', 'S93hcgKJrXEqnTfs', 'mp77cMpurHhyjLrM']);
  t.deepEqual(hashesOf(f, 'filter', 'OUTPUT'), ['tVnHkvAo15HuiPy0']);
  t.deepEqual(hashesOf(f, 'filter', 'cali-FORWARD'), [
    'vjrMJCRpqwy5oRoX',
    'A_sPAO0mcxbT9mOV',
    '8ZoYfO5HKXWbB3pk',
    'jdEuaPBe14V2hutn',
    '12bc6HljsMKsmfr-',
    'NOSxoaGx8OIstr1z',
  ]);
  t.deepEqual(hashesOf(f, 'filter', 'cali-INPUT'), [
    'PajejrV4aFdkZojI',
    '_wjq-Yrma8Ly1Svo',
    '8TZGxLWh_Eiz66wc',
    '6McIeIDvPdL6PE1T',
    'YGPbrUms7NId8xVa',
    '2gmY7Bg2i0i84Wk_',
    'q-Vz2ZT9iGE331LL',
  ]);
  t.deepEqual(hashesOf(f, 'filter', 'cali-OUTPUT'), [
    'Mq1_rAdXXH3YkrzW',
    '69FkRTJDvD5Vu6Vl',
    'AnEsmO6bDZbQntWW',
    '9e9Uf3GU5tX--Lxy',
    '0f3LDz_VKuHFaA2K',
    'OgU2f8BVEAZ_fwkq',
  ]);
  t.deepEqual(hashesOf(f, 'filter', 'cali-from-wl-dispatch'), ['zTj6P0TIgYvgz-md']);
  t.deepEqual(hashesOf(f, 'filter', 'cali-to-wl-dispatch'), ['7KNphB1nNHw80nIO']);
  t.deepEqual(hashesOf(f, 'filter', 'cali-wl-to-host'), ['Ee9Sbo10IpVujdIY', 'nSZbcOoG1xPONxb8']);
  const input = f.tables.filter.chains.find((c) => c.name === 'cali-INPUT')!;
  t.is(
    input.rules[0].text,
    '-A cali-INPUT -m comment --comment "cali:PajejrV4aFdkZojI" -m comment --comment "Allow IPIP packets from ' +
      'Calico hosts" -p 4 -m set --match-set cali40all-hosts-net src -m addrtype --dst-type LOCAL --jump ACCEPT',
  );
});

test('v3.28 without IPIP (a kubenet AKS dump): cali-INPUT starts at the workload goto', (t) => {
  const f = renderFelixIptables(node({ ipipEnabled: false, tunnelDevices: [], masqPools: [] }), deps);
  t.deepEqual(hashesOf(f, 'filter', 'cali-INPUT'), [
    'FewJpBykm9iJ-YNH',
    'hder3ARWznqqv8Va',
    'xgOu2uJft6H9oDGF',
    '_-d-qojMfHM6NwBo',
    'LqmE76MP94lZTGhA',
  ]);
  t.deepEqual(hashesOf(f, 'nat', 'cali-nat-outgoing'), []);
  t.false(f.ipsets.some((s) => s.name === 'cali40all-hosts-net'));
});

test('v3.28 raw and mangle chains match public dumps (rpfilter, workload mark 0x40000)', (t) => {
  const f = renderFelixIptables(node(), deps);
  t.deepEqual(hashesOf(f, 'raw', 'PREROUTING'), ['6gwbT8clXdHdC1b1']);
  t.deepEqual(hashesOf(f, 'raw', 'cali-PREROUTING'), [
    'XFX5xbM8B9qR10JG',
    'EWMPb0zVROM-woQp',
    'PWuxTAIaFCtsg5Qa',
    'fSSbGND7dgyemWU7',
    'ImU0-4Rl2WoOI9Ou',
    'lV4V2MPoMBf0hl9T',
  ]);
  t.deepEqual(hashesOf(f, 'mangle', 'cali-PREROUTING'), [
    '6BJqBjBC7crtA-7-',
    'KX7AGNd6rMcDUai6',
    'wNH7KsA3ILKJBsY9',
    'Cg96MgVuoPm7UMRo',
  ]);
  t.deepEqual(
    f.tables.raw.chains.map((c) => c.name),
    [
      'PREROUTING',
      'OUTPUT',
      'cali-OUTPUT',
      'cali-PREROUTING',
      'cali-from-host-endpoint',
      'cali-rpf-skip',
      'cali-to-host-endpoint',
    ],
  );
});

test("nat: doc 003 MASQUERADE, the appended POSTROUTING hook and a VXLAN node's tunnel MASQUERADE", (t) => {
  const ipip = renderFelixIptables(node(), deps);
  t.deepEqual(hashesOf(ipip, 'nat', 'cali-nat-outgoing'), ['flqWnvo8yq4ULQLa']);
  // Appended after kube-proxy's rule, so hashed as "POSTROUTING*appends*" (seen after KUBE-POSTROUTING).
  t.deepEqual(hashesOf(ipip, 'nat', 'POSTROUTING'), ['0i8pjzKKPyA34aQD']);
  t.is(ipip.tables.nat.chains.find((c) => c.name === 'POSTROUTING')!.rules[0].position, 'append');
  const vxlan = renderFelixIptables(
    node({ version: '3.30', ipipEnabled: false, vxlanEnabled: true, tunnelDevices: ['vxlan.calico'] }),
    deps,
  );
  t.deepEqual(hashesOf(vxlan, 'nat', 'cali-POSTROUTING'), ['Z-c7XtVd2Bq7s_hA', 'nYKhEzDlr11Jccal', 'e9dnSgSVNmIcpVhP']);
  t.deepEqual(hashesOf(vxlan, 'nat', 'cali-PREROUTING'), ['r6XmIziWUJsdOK6Z']);
  t.deepEqual(hashesOf(vxlan, 'nat', 'cali-OUTPUT'), ['GBTAv2p5CwevEyJm']);
});

// Doc 003 (v3.28.1 control plane, IPIP, natOutgoing, no workloads): `iptables -t filter -L | grep cali`.
const DOC003_FILTER = `cali-INPUT  all
cali-FORWARD  all
ACCEPT     all
MARK       all
cali-OUTPUT  all
Chain cali-FORWARD (1 references)
MARK       all
cali-from-hep-forward  all
cali-from-wl-dispatch  all
cali-to-wl-dispatch  all
cali-to-hep-forward  all
cali-cidr-block  all
Chain cali-INPUT (1 references)
ACCEPT     ipencap
DROP       ipencap
cali-wl-to-host  all
ACCEPT     all
MARK       all
cali-from-host-endpoint  all
ACCEPT     all
Chain cali-OUTPUT (1 references)
ACCEPT     all
RETURN     all
ACCEPT     ipencap
MARK       all
cali-to-host-endpoint  all
ACCEPT     all
Chain cali-cidr-block (1 references)
Chain cali-from-hep-forward (1 references)
Chain cali-from-host-endpoint (1 references)
Chain cali-from-wl-dispatch (2 references)
DROP       all
Chain cali-to-hep-forward (1 references)
Chain cali-to-host-endpoint (1 references)
Chain cali-to-wl-dispatch (1 references)
DROP       all
Chain cali-wl-to-host (1 references)
cali-from-wl-dispatch  all
ACCEPT     all`;

const DOC003_NAT = `cali-PREROUTING  all
cali-OUTPUT  all
cali-POSTROUTING  all
Chain cali-OUTPUT (1 references)
cali-fip-dnat  all
Chain cali-POSTROUTING (1 references)
cali-fip-snat  all
cali-nat-outgoing  all
MASQUERADE  all
Chain cali-PREROUTING (1 references)
cali-fip-dnat  all
Chain cali-fip-dnat (2 references)
Chain cali-fip-snat (1 references)
Chain cali-nat-outgoing (1 references)
MASQUERADE  all`;

test("listTargets: doc 003's `iptables -L | grep cali` of a v3.28.1 node, chains, targets and order", (t) => {
  const f = renderFelixIptables(node(), deps);
  t.deepEqual(listTargets(f, 'filter'), DOC003_FILTER.split('\n'));
  t.deepEqual(listTargets(f, 'nat'), DOC003_NAT.split('\n'));
});

test('v3.30 moves scratch bits above a drop bit: clear masks 0x1b0000 / 0x1a0000, workload mark 0x80000', (t) => {
  const f = renderFelixIptables(node({ version: '3.30' }), deps);
  const body = (table: 'raw' | 'filter', chain: string) =>
    f.tables[table].chains.find((c) => c.name === chain)!.rules.map((r) => r.body);
  t.is(body('filter', 'cali-FORWARD')[0], '--jump MARK --set-mark 0/0x1a0000');
  t.is(body('filter', 'cali-INPUT')[4], '--jump MARK --set-mark 0/0x1b0000');
  t.deepEqual(body('raw', 'cali-PREROUTING').slice(0, 3), [
    '--jump MARK --set-mark 0/0x1b0000',
    '--in-interface cali+ --jump MARK --set-mark 0x80000/0x80000',
    '-m mark --mark 0x80000/0x80000 --jump cali-rpf-skip',
  ]);
  // The kernel hooks and the mark-free chains keep their hashes across versions.
  t.deepEqual(hashesOf(f, 'filter', 'FORWARD'), ['wUHhoiAYhphO9Mso', 'S93hcgKJrXEqnTfs', 'mp77cMpurHhyjLrM']);
  t.deepEqual(hashesOf(f, 'filter', 'cali-wl-to-host'), ['Ee9Sbo10IpVujdIY', 'nSZbcOoG1xPONxb8']);
});

test('VXLAN and WireGuard: cali-INPUT/OUTPUT allowances; v3.29+ leave VXLAN untracked in raw', (t) => {
  const wg = { port: 51820, mark: 0x200000, iface: 'wireguard.cali' };
  const over = {
    ipipEnabled: false,
    vxlanEnabled: true,
    wireguard: wg,
    tunnelDevices: ['wireguard.cali', 'vxlan.calico'],
  };
  const f = renderFelixIptables(node({ version: '3.29', ...over }), deps);
  const bodies = (table: 'raw' | 'filter' | 'nat', chain: string) =>
    f.tables[table].chains.find((c) => c.name === chain)!.rules.map((r) => r.body);
  t.deepEqual(bodies('filter', 'cali-INPUT').slice(0, 3), [
    '-m comment --comment "Allow IPv4 VXLAN packets from allowed hosts" -p 17 -m multiport --destination-ports 4789 ' +
      '-m set --match-set cali40all-vxlan-net src -m addrtype --dst-type LOCAL --jump ACCEPT',
    '-m comment --comment "Drop IPv4 VXLAN packets from non-allowed hosts" -p 17 ' +
      '-m multiport --destination-ports 4789 -m addrtype --dst-type LOCAL --jump DROP',
    '-m comment --comment "Allow incoming IPv4 Wireguard packets" -p 17 -m multiport --destination-ports 51820 ' +
      '-m addrtype --dst-type LOCAL --jump ACCEPT',
  ]);
  t.true(bodies('raw', 'cali-PREROUTING').includes('-p udp --dport 4789 --jump NOTRACK'));
  t.true(bodies('raw', 'cali-OUTPUT').includes('-p udp --dport 4789 --jump NOTRACK'));
  // Felix's device order: VXLAN before WireGuard whatever the input's order.
  t.deepEqual(
    bodies('nat', 'cali-POSTROUTING')
      .slice(2)
      .map((b) => b.split(' ')[1]),
    ['vxlan.calico', 'wireguard.cali'],
  );
  const v328 = renderFelixIptables(node({ version: '3.28', ...over }), deps);
  t.false(v328.tables.raw.chains.flatMap((c) => c.rules).some((r) => r.action === 'notrack'));
  t.deepEqual(
    f.ipsets.map((s) => `${s.name} ${s.type}`),
    [
      'cali40all-ipam-pools hash:net',
      'cali40masq-ipam-pools hash:net',
      'cali40this-host hash:ip',
      'cali40all-vxlan-net hash:net',
    ],
  );
});
