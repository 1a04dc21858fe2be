// Doc 000's cluster, built for real: routes and devices as the document shows them, every pod
// pair reachable, and nothing left behind after `down`.
import test from 'ava';
import { execa } from 'execa';
import { down, up } from '../../src/lab/lab.ts';
import type { LabRecord } from '../../src/lab/state.ts';
import { verifyLab } from '../../src/verify/verify.ts';
import { renderTrace, trace } from '../../src/verify/trace.ts';
import { pathMtu } from '../../src/kernel/ping.ts';
import { lostAt, PROBES, prove } from '../../src/verify/prove.ts';
import { renderHtml } from '../../src/report/html.ts';
import { ping } from '../../src/kernel/ping.ts';
import { leftovers, requireDatapath, rootSnapshot, testTopology } from './lab-fixture.ts';

const topo = testTopology('topologies/calico-ipip-3node.yaml', 'ipip3');
let rec: LabRecord;
let rootBefore = '';
const pcapDir = `out/e2e-pcap-${process.pid}`;
const cp1 = () => rec.plan.nodes.find((n) => n.name === 'k8s-cp1')!.netns;

test.before(async () => {
  await requireDatapath();
  rootBefore = await rootSnapshot();
  rec = (await up(topo)).record;
});

test.after.always(async () => {
  await down(topo.name).catch(() => {});
});

test.serial("k8s-cp1's route -n holds doc 000's rows", async (t) => {
  const { stdout } = await execa('ip', ['netns', 'exec', cp1(), 'route', '-n']);
  const rows = stdout
    .split('\n')
    .slice(2)
    .map((l) => l.trim().split(/\s+/));
  const row = (dst: string) => rows.find((r) => r[0] === dst);
  t.deepEqual(row('10.8.247.192')?.slice(0, 4), ['10.8.247.192', '10.10.20.4', '255.255.255.192', 'UG']);
  t.is(row('10.8.247.192')?.[7], 'tunl0');
  t.deepEqual(row('10.8.94.64')?.slice(0, 4), ['10.8.94.64', '10.10.20.5', '255.255.255.192', 'UG']);
  t.is(row('10.8.94.64')?.[7], 'tunl0');
  for (const ip of ['10.8.170.65', '10.8.170.66', '10.8.170.67']) {
    const r = row(ip);
    t.deepEqual(r?.slice(0, 4), [ip, '0.0.0.0', '255.255.255.255', 'UH'], `${ip} /32 row`);
    t.regex(r?.[7] ?? '', /^cali[0-9a-f]{11}$/);
  }
  t.deepEqual(row('10.10.20.0'), ['10.10.20.0', '0.0.0.0', '255.255.252.0', 'U', '100', '0', '0', 'eth0']);
  t.deepEqual(row('0.0.0.0'), ['0.0.0.0', '10.10.20.1', '0.0.0.0', 'UG', '100', '0', '0', 'eth0']);
});

test.serial('ip route marks the remote blocks proto bird onlink and the own block blackhole', async (t) => {
  const { stdout } = await execa('ip', ['-n', cp1(), 'route']);
  t.regex(stdout, /^10\.8\.247\.192\/26 via 10\.10\.20\.4 dev tunl0 proto bird onlink\s*$/m);
  t.regex(stdout, /^10\.8\.94\.64\/26 via 10\.10\.20\.5 dev tunl0 proto bird onlink\s*$/m);
  t.regex(stdout, /^blackhole 10\.8\.170\.64\/26 proto bird\s*$/m);
});

test.serial("tunl0 is an ipip device with mtu 1480 and the block's first address", async (t) => {
  const { stdout } = await execa('ip', ['-n', cp1(), '-d', 'address', 'show', 'tunl0']);
  t.regex(stdout, /tunl0@NONE: <NOARP,UP,LOWER_UP> mtu 1480/);
  t.regex(stdout, /link\/ipip 0\.0\.0\.0 brd 0\.0\.0\.0/);
  t.regex(stdout, /\n\s+ipip ipip remote any local any/);
  t.regex(stdout, /inet 10\.8\.170\.64\/32 scope global tunl0/);
});

test.serial('cali interfaces: ee:ee:ee:ee:ee:ee, peer in the pod namespace, no IPv4 address', async (t) => {
  const { stdout } = await execa('ip', ['-n', cp1(), 'address', 'show']);
  const cali = stdout.split(/\n(?=\d+: )/).filter((b) => /^\d+: cali/.test(b));
  t.is(cali.length, 3);
  for (const b of cali) {
    t.regex(b, /^\d+: cali[0-9a-f]{11}@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1480/);
    t.regex(b, /link\/ether ee:ee:ee:ee:ee:ee brd ff:ff:ff:ff:ff:ff link-netns \S+-pod-default\.pod-[abc]/);
    t.notRegex(b, /inet /);
  }
});

test.serial('every ordered pod pair is proven from real pcaps: IPIP across nodes, local on one node', async (t) => {
  const report = await verifyLab(rec, { pcapDir: pcapDir });
  t.is(report.pairs.length, 20);
  t.deepEqual(
    report.pairs.filter((p) => !p.ok).map((p) => `${p.from}>${p.to}: ${p.error}`),
    [],
  );
  const doc = report.pairs.find((p) => p.from === '10.8.170.65' && p.to === '10.8.247.196')!;
  t.is(doc.encapsulation, 'ipip');
  t.deepEqual(doc.outer, { src: '10.10.20.3', dst: '10.10.20.4' });
  t.deepEqual(doc.inner, { src: '10.8.170.65', dst: '10.8.247.196' });
  t.regex(
    doc.evidence[0],
    new RegExp(
      /^k8s-cp1 eth0 Out: IP 10\.10\.20\.3 > 10\.10\.20\.4: IP 10\.8\.170\.65 > 10\.8\.247\.196: /.source +
        /ICMP echo request, id \d+, seq 1, length 64$/.source,
    ),
  );
  t.is(report.pairs.filter((p) => p.encapsulation === 'local').length, 6);
  t.is(report.pairs.filter((p) => p.encapsulation === 'ipip').length, 14);
  // MTU and TTL facts: 1480 on every reachable pair; 63 on one node, 62 across nodes.
  t.deepEqual([...new Set(report.pairs.map((p) => p.pathMtu))], [1480]);
  t.regex(doc.mtuWhy, /1500 underlay - 20 for IPIP \(outer IPv4 20\) = 1480/);
  t.is(doc.ttl, 62);
  t.regex(doc.ttlWhy, /node k8s-w1 forwards \(63\), node k8s-cp1 forwards \(62\)/);
  t.deepEqual([...new Set(report.pairs.filter((p) => p.sameNode).map((p) => p.ttl))], [63]);
  // verify --html from these real packets: one coloured cell per pair, the IPIP evidence quoted.
  const html = renderHtml(rec.topology, rec.plan, report);
  t.is(html.match(/<td style="background:#8fb8ea"/g)?.length, 14);
  t.true(html.includes('IP 10.10.20.3 &gt; 10.10.20.4: IP 10.8.170.65 &gt; 10.8.247.196: ICMP echo request'));
  // tshark, a decoder no one here wrote, reads the same outer and inner addresses.
  const ts = await execa(
    'tshark',
    [
      '-r',
      doc.pcap,
      '-T',
      'fields',
      '-e',
      'ip.src',
      '-e',
      'ip.dst',
      '-e',
      'ip.proto',
      '-Y',
      'ip.proto == 4 && icmp.type == 8 && ip.dst == 10.8.247.196',
    ],
    { env: { HOME: pcapDir } },
  );
  t.true(ts.stdout.split('\n').includes('10.10.20.3,10.8.170.65\t10.10.20.4,10.8.247.196\t4,1'), ts.stdout);
});

test.serial("trace: doc 000's two flows, from live kernel state", async (t) => {
  const podA = rec.plan.workloads.find((w) => w.ip === '10.8.170.65')!;
  await ping(podA.netns, '10.8.247.196', { count: 1 });
  const cross = renderTrace(podA, '10.8.247.196', await trace(rec, podA, '10.8.247.196'));
  t.log(cross);
  t.regex(
    cross,
    /1\. \[pod pod-a\] 10\.8\.170\.65 sends to 10\.8\.247\.196 with ttl 64: route via 169\.254\.1\.1 dev eth0/,
  );
  t.regex(cross, /\[node k8s-cp1\] 169\.254\.1\.1 is answered by proxy ARP on cali[0-9a-f]{11} \(ee:ee:ee:ee:ee:ee\)/);
  t.regex(
    cross,
    /\[node k8s-cp1\] routes 10\.8\.247\.196 by 10\.8\.247\.192\/26 via 10\.10\.20\.4 dev tunl0 onlink proto bird/,
  );
  t.regex(
    cross,
    /encapsulates in IPIP \(protocol 4\): outer 10\.10\.20\.3 > 10\.10\.20\.4, inner 10\.8\.170\.65 > 10\.8\.247\.196/,
  );
  t.regex(cross, /\[node k8s-w1\] tunl0 decapsulates/);
  t.regex(cross, /\[pod pod-d\] 10\.8\.247\.196 receives the packet on eth0 with ttl 62/);
  const local = renderTrace(podA, '10.8.170.66', await trace(rec, podA, '10.8.170.66'));
  t.regex(local, /routes 10\.8\.170\.66 by 10\.8\.170\.66 dev cali[0-9a-f]{11}: the local workload's \/32/);
  t.notRegex(local, /encapsulates|underlay|router/);
});

test.serial('trace --prove: every hop of the cross-node flow counts the probes on its interface', async (t) => {
  const podA = rec.plan.workloads.find((w) => w.ip === '10.8.170.65')!;
  const hops = await trace(rec, podA, '10.8.247.196');
  const lost = await prove(podA, '10.8.247.196', hops);
  t.log(renderTrace(podA, '10.8.247.196', hops));
  t.is(lost, undefined);
  const probed = hops.filter((h) => h.probes);
  t.true(probed.length >= 7, 'pod eth0, cali, tunl0, eth0, bridge port, tunl0 rx, cali, pod eth0');
  t.true(probed.every((h) => h.seen));
  t.true(hops.find((h) => /decapsulates/.test(h.what))!.counted!['tunl0 rx'] >= PROBES);
  // The same probes with k8s-w1 dropping IPIP as it arrives (a firewall that forgot protocol 4):
  // the routes still promise the path, but the counters show where the packets stop.
  const w1 = rec.plan.nodes.find((n) => n.name === 'k8s-w1')!;
  const nft = (input: string) => execa('ip', ['netns', 'exec', w1.netns, 'nft', '-f', '-'], { input });
  await nft(
    'table ip e2e_drop {\n  chain pre {\n    type filter hook prerouting priority -300; policy accept;\n' +
      '    ip protocol 4 drop\n  }\n}\n',
  );
  try {
    const again = await trace(rec, podA, '10.8.247.196');
    const stop = await prove(podA, '10.8.247.196', again);
    t.log(renderTrace(podA, '10.8.247.196', again));
    t.regex(stop?.what ?? '', /tunl0 decapsulates/);
    t.regex(lostAt(again, stop) ?? '', /\[node k8s-w1\]: no probe crossed tunl0 rx/);
  } finally {
    await nft('delete table ip e2e_drop');
  }
});

test.serial('mtu: 1480 across IPIP from a 1500 underlay; one byte more is refused', async (t) => {
  const podA = rec.plan.workloads.find((w) => w.ip === '10.8.170.65')!;
  const r = await pathMtu(podA.netns, '10.8.247.196', 1500);
  t.is(r.pathMtu, 1480);
  t.regex(r.aboveError, /message too long, mtu=1480/);
});

test.serial('down removes every namespace, process and file, and the root namespace is unchanged', async (t) => {
  const r = await down(topo.name);
  t.is(r.namespaces, 9);
  t.is(r.processes, 3);
  t.deepEqual(await leftovers(topo.name), []);
  t.is(await rootSnapshot(), rootBefore);
  const again = await down(topo.name);
  t.deepEqual(again, { namespaces: 0, processes: 0 }, 'down is idempotent');
});
