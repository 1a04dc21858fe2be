// Doc 003's captures after its walk to WireGuard: the state's patches applied to kans-4node's
// topology purely (no kernel), the calicoctl views rendered from that record and compared; the
// kernel's outputs (ip, ifconfig, wg) only through their notes and outputs recorded on the VM runner.
import { createHash } from 'node:crypto';
import test from 'ava';
import { wireguardConf } from '../../src/calico/felix/dataplane.ts';
import { compareCapture, notEmulated, renderSideBySide } from '../../src/doc/compare.ts';
import { GOLDENS, type Golden, STATES, statesOf } from '../../src/doc/goldens.ts';
import { GOLDENS_003_WIREGUARD } from '../../src/doc/goldens-003-wireguard.ts';
import { type RecordView, renderView, type ViewContext } from '../../src/doc/views.ts';
import { KANS_CREATED, kansRecord, recordInState } from './lab-record.ts';

const golden = (id: string): Golden => GOLDENS.find((g) => g.id === id)!;
const wireguardRecord = () => recordInState(kansRecord(), 'wireguard');

/** A WireGuard public key per node, shaped as `wg pubkey` prints one (32 bytes in base64). */
const keys = (nodes: string[]) =>
  new Map(nodes.map((n) => [n, createHash('sha256').update(n).digest('base64')] as [string, string]));

const ctx = (publicKeys?: Map<string, string>): ViewContext => ({
  now: new Date(KANS_CREATED),
  kernelRelease: '6.1.0-28-amd64',
  modules: [],
  publicKeys,
});

const render = (g: Golden, publicKeys = keys(['k8s-m', 'k8s-w0', 'k8s-w1', 'k8s-w2'])) =>
  renderView(wireguardRecord(), g.view as RecordView, ctx(publicKeys));

test("the wireguard state is the document's own walk: Never (1110), CrossSubnet (1254), WireGuard on (1278)", (t) => {
  t.deepEqual(statesOf('003'), ['wireguard']);
  t.deepEqual(
    STATES.wireguard.steps.map((s) => [s.source, s.kind, s.patch]),
    [
      ['003 line 1110', 'ippool', '{"spec":{"ipipMode":"Never"}}'],
      ['003 line 1254', 'ippool', '{"spec":{"ipipMode":"CrossSubnet"}}'],
      ['003 line 1278', 'felixconfiguration', '{"spec":{"wireguardEnabled":true}}'],
    ],
  );
  for (const g of GOLDENS.filter((x) => x.state)) t.is(STATES[g.state!].doc, g.doc, g.id);
  t.deepEqual(
    GOLDENS_003_WIREGUARD.map((g) => [g.id, g.state]),
    GOLDENS_003_WIREGUARD.map((g) => [g.id, 'wireguard']),
  );
  for (const g of GOLDENS_003_WIREGUARD) t.true(GOLDENS.includes(g), g.id);
});

test("after the walk, as in the document: k8s-m's wireguard.cali is 172.16.116.2 (tunl0 .1), fwmark 0x100000", (t) => {
  const before = kansRecord();
  const rec = recordInState(before, 'wireguard');
  t.is(before.topology.ipPools[0].ipipMode, 'Always', 'the input record is not touched');
  t.is(rec.topology.ipPools[0].ipipMode, 'CrossSubnet');
  t.true(rec.topology.wireguard);
  const m = rec.plan.felix.find((f) => f.node === 'k8s-m')!;
  t.is(m.wireguard?.address, '172.16.116.2');
  t.is(m.wireguard?.fwmark, '0x100000');
  t.is(m.wireguard?.mtu, 8941);
  t.deepEqual(
    m.wireguard?.peers.map((p) => [p.endpoint, p.allowedIps.join(', ')]),
    [
      ['192.168.10.101:51820', '172.16.158.0/24, 172.16.158.1/32, 172.16.158.2/32'],
      ['192.168.10.102:51820', '172.16.184.0/24, 172.16.184.1/32, 172.16.184.2/32'],
      ['192.168.20.100:51820', '172.16.34.0/24, 172.16.34.1/32, 172.16.34.2/32'],
    ],
  );
  t.deepEqual(
    rec.plan.workloads.map((w) => w.ip),
    before.plan.workloads.map((w) => w.ip),
    'pods keep their addresses',
  );
});

for (const id of ['003-wg-felixconfig', '003-wg-node-keys', '003-wg-node-key-w1']) {
  test(`${id}: calicoctl's YAML of the walked lab, grepped, matches line for line`, (t) => {
    const r = compareCapture(golden(id), render(golden(id)));
    t.is(r.status, 'match', renderSideBySide(r));
    t.is(r.live.length, golden(id).expected.split('\n').length, 'as many lines as the document');
  });
}

test("the node keys are each node's, in the NodeList's name order; k8s-w1's alone for `get node k8s-w1`", (t) => {
  const k = keys(['k8s-m', 'k8s-w0', 'k8s-w1', 'k8s-w2']);
  t.deepEqual(
    compareCapture(golden('003-wg-node-keys'), render(golden('003-wg-node-keys'), k)).live,
    ['k8s-m', 'k8s-w0', 'k8s-w1', 'k8s-w2'].map((n) => `    wireguardPublicKey: ${k.get(n)}`),
  );
  t.deepEqual(compareCapture(golden('003-wg-node-key-w1'), render(golden('003-wg-node-key-w1'), k)).live, [
    `  wireguardPublicKey: ${k.get('k8s-w1')}`,
  ]);
});

test('without published keys (WireGuard off, or Felix not there yet) the key captures differ', (t) => {
  t.is(compareCapture(golden('003-wg-node-keys'), render(golden('003-wg-node-keys'), new Map())).status, 'differs');
  const off = renderView(kansRecord(), 'get felixconfiguration default -o yaml', ctx());
  t.is(compareCapture(golden('003-wg-felixconfig'), off).status, 'differs');
});

test('the get-yaml view: a named resource as itself, none named as the List, an unknown kind or name refused', (t) => {
  const rec = wireguardRecord();
  t.regex(renderView(rec, 'get node k8s-w1 -o yaml', ctx()), /^apiVersion: projectcalico\.org\/v3\nkind: Node\n/);
  t.regex(renderView(rec, 'get nodes -o yaml', ctx()), /^apiVersion: projectcalico\.org\/v3\nitems:\n/m);
  t.regex(renderView(rec, 'get node -o yaml', ctx()), /\nkind: NodeList\n/);
  t.throws(() => renderView(rec, 'get widget -o yaml', ctx()), { message: /no resource type widget/ });
  t.throws(() => renderView(rec, 'get node k8s-w9 -o yaml', ctx()), { message: /no such Node/ });
});

/** The lines of a capture its known notes cover: compared with no output, only they are not `differs`. */
const knownLines = (id: string) =>
  compareCapture(golden(id), '')
    .lines.filter((l) => l.status === 'known')
    .map((l) => l.doc);

test("the kernel captures' notes cover exactly the lines that cannot match, each its own documented line", (t) => {
  t.deepEqual(knownLines('003-wg-addr'), [
    'link/none promiscuity 0 minmtu 0 maxmtu 2147483552',
    'wireguard numtxqueues 1 numrxqueues 1 gso_max_size 65536 gso_max_segs 65535',
  ]);
  t.deepEqual(knownLines('003-wg-ifconfig'), [
    'RX packets 0 bytes 0 (0.0 B)',
    'RX errors 0 dropped 0 overruns 0 frame 0',
    'TX packets 0 bytes 0 (0.0 B)',
    'TX errors 0 dropped 0 overruns 0 carrier 0 collisions 0',
  ]);
  const allowed = [
    '172.16.158.0/24, 172.16.158.7/32, 172.16.158.9/32',
    '172.16.34.2/32, 172.16.34.0/24, 172.16.34.4/32',
    '172.16.184.0/24, 172.16.184.1/32, 172.16.184.3/32',
  ];
  t.deepEqual(
    knownLines('003-wg-showconf'),
    allowed.map((a) => `AllowedIPs = ${a}`),
  );
  t.deepEqual(
    knownLines('003-wg-show'),
    allowed.map((a) => `allowed ips: ${a}`),
  );
  // Every note of every doc 003 golden is used by some line of its own capture (no dead notes).
  for (const g of GOLDENS.filter((x) => x.doc === '003'))
    for (const n of [...(g.known ?? []), ...(g.hostOnly ?? [])])
      t.true(
        compareCapture(g, '').lines.some((l) => l.why === n.why),
        `${g.id}: ${n.pattern}`,
      );
});

test("calilab's own AllowedIPs are not covered by the notes: a wrong address would show as differs", (t) => {
  const live = [
    'AllowedIPs = 172.16.158.0/24, 172.16.158.1/32, 172.16.158.3/32',
    'allowed ips: 172.16.158.0/24, 172.16.158.1/32, 172.16.158.2/32',
  ];
  for (const l of live) for (const n of golden('003-wg-show').known!) t.notRegex(l, new RegExp(n.pattern));
});

test("wg showconf: the configuration calilab hands `wg setconf` on k8s-m, line by line against the document's", (t) => {
  // `wg showconf` prints what `wg setconf` was given (ListenPort and FwMark before PrivateKey,
  // AllowedIPs before Endpoint); compare.ts looks each line up wherever it is.
  const rec = wireguardRecord();
  const m = rec.plan.felix.find((f) => f.node === 'k8s-m')!.wireguard!;
  const k = keys(['k8s-m', 'k8s-w0', 'k8s-w1', 'k8s-w2']);
  const conf = wireguardConf(
    k.get('k8s-m')!,
    m.fwmark,
    m.peers.map((p) => ({ ...p, publicKey: k.get(p.node)! })),
  );
  const r = compareCapture(golden('003-wg-showconf'), conf);
  t.is(r.status, 'known', renderSideBySide(r));
  t.is(r.lines.filter((l) => l.status === 'match').length, 13, renderSideBySide(r));
  // Each known line beside the same peer's line of calilab's.
  t.deepEqual(
    r.lines.filter((l) => l.status === 'known').map((l) => l.live),
    [
      'AllowedIPs = 172.16.158.0/24, 172.16.158.1/32, 172.16.158.2/32',
      'AllowedIPs = 172.16.34.0/24, 172.16.34.1/32, 172.16.34.2/32',
      'AllowedIPs = 172.16.184.0/24, 172.16.184.1/32, 172.16.184.2/32',
    ],
  );
});

/** `ip -d addr show wireguard.cali` and `ifconfig wireguard.cali` as the VM runner printed them (Debian 12:
 *  Linux 6.1.0-56-amd64, iproute2 6.1.0, net-tools 2.10) for a device set up as Felix does on k8s-m. */
const VM_IP_D_ADDR = [
  '2: wireguard.cali: <POINTOPOINT,NOARP,UP,LOWER_UP> mtu 8941 qdisc noqueue state UNKNOWN group default qlen 1000',
  '    link/none  promiscuity 0  allmulti 0 minmtu 0 maxmtu 2147483552 ',
  '    wireguard numtxqueues 1 numrxqueues 1 gso_max_size 65536 gso_max_segs 65535 tso_max_size 65536 ' +
    'tso_max_segs 65535 gro_max_size 65536 ',
  '    inet 172.16.116.2/32 scope global wireguard.cali',
  '       valid_lft forever preferred_lft forever',
].join('\n');
const VM_IFCONFIG = [
  'wireguard.cali: flags=209<UP,POINTOPOINT,RUNNING,NOARP>  mtu 8941',
  '        inet 172.16.116.2  netmask 255.255.255.255  destination 172.16.116.2',
  '        unspec 00-00-00-00-00-00-00-00-00-00-00-00-00-00-00-00  txqueuelen 1000  (UNSPEC)',
  '        RX packets 0  bytes 0 (0.0 B)',
  '        RX errors 0  dropped 0  overruns 0  frame 0',
  '        TX packets 0  bytes 0 (0.0 B)',
  '        TX errors 0  dropped 0 overruns 0  carrier 0  collisions 0',
  '',
].join('\n');

test("on the VM's iproute2 6.1, ip -d differs only in the two detail lines; ifconfig matches", (t) => {
  const ipd = compareCapture(golden('003-wg-addr'), VM_IP_D_ADDR);
  t.is(ipd.status, 'known', renderSideBySide(ipd));
  t.is(ipd.lines.filter((l) => l.status === 'match').length, 3, renderSideBySide(ipd));
  const ifc = compareCapture(golden('003-wg-ifconfig'), VM_IFCONFIG);
  t.is(ifc.status, 'match', renderSideBySide(ifc));
  const busy = compareCapture(
    golden('003-wg-ifconfig'),
    VM_IFCONFIG.replace('RX packets 0  bytes 0 (0.0 B)', 'RX packets 3  bytes 444 (444.0 B)'),
  );
  t.is(busy.status, 'known', 'traffic counters are a documented difference');
});

test("doc 003's tcpdump of CoreDNS's probes: not emulated, so nothing is run and every line says why", (t) => {
  const g = golden('003-tcpdump-coredns');
  t.true(notEmulated(g));
  t.false(GOLDENS.filter((x) => x !== g).some(notEmulated), 'only this capture is wholly not emulated');
  const r = compareCapture(g, '');
  t.is(r.lines.length, 22);
  t.true(r.lines.every((l) => l.status === 'host-only'));
  t.is(new Set(r.lines.map((l) => l.why)).size, 2);
  t.regex(renderSideBySide(r), /^- .*\| \(not emulated\)$/m);
});
