// Doc 002's kind cluster in VXLAN mode: vxlan.calico programmed by the Felix layer, pod MTU
// 1450, every cross-node pair carried in UDP 4789 with VNI 4096.
import test from 'ava';
import { execa } from 'execa';
import { down, up } from '../../src/lab/lab.ts';
import type { LabRecord } from '../../src/lab/state.ts';
import { verifyLab } from '../../src/verify/verify.ts';
import { prove } from '../../src/verify/prove.ts';
import { renderTrace, trace } from '../../src/verify/trace.ts';
import { leftovers, requireDatapath, testTopology } from './lab-fixture.ts';

const topo = testTopology('topologies/kind-vxlan-3node.yaml', 'kind');
let rec: LabRecord;
const worker = () => rec.plan.nodes.find((n) => n.name === 'pod-network-worker')!.netns;

test.before(async () => {
  await requireDatapath();
  rec = (await up(topo)).record;
});
test.after.always(async () => {
  await down(topo.name).catch(() => {});
});

test.serial(
  'vxlan.calico: VNI 4096, port 4789, mtu 1450, its own address; routes onlink via remote VTEPs',
  async (t) => {
    const d = await execa('ip', ['-n', worker(), '-d', 'address', 'show', 'vxlan.calico']);
    t.regex(d.stdout, /vxlan\.calico: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450/);
    t.regex(d.stdout, /vxlan id 4096 local 172\.18\.0\.3 dev eth0 .*dstport 4789/);
    t.regex(d.stdout, /inet 192\.168\.146\.64\/32 scope global vxlan\.calico/);
    const rt = await execa('ip', ['-n', worker(), 'route']);
    // Felix v3.30: tunnel routes proto boot (not printed), its own block's blackhole proto 80.
    t.regex(rt.stdout, /^192\.168\.60\.128\/26 via 192\.168\.60\.128 dev vxlan\.calico onlink\s*$/m);
    t.regex(rt.stdout, /^blackhole 192\.168\.146\.64\/26 proto 80\s*$/m);
    t.notRegex(rt.stdout, /proto bird/, 'BIRD programs no route of a VXLAN pool');
    t.regex(rt.stdout, /^192\.168\.146\.66 dev cali6d09fa47963 scope link\s*$/m);
    const pod = rec.plan.workloads.find((w) => w.pod === 'multitool')!;
    t.regex((await execa('ip', ['-n', pod.netns, 'link', 'show', 'eth0'])).stdout, /eth0@if\d+: .* mtu 1450/);
  },
);

test.serial('every cross-node pair is VXLAN with VNI 4096 between node IPs', async (t) => {
  const r = await verifyLab(rec, { pcapDir: `out/e2e-pcap-${process.pid}-kind` });
  t.deepEqual(
    r.pairs.filter((p) => !p.ok).map((p) => p.error),
    [],
  );
  for (const p of r.pairs.filter((x) => !x.sameNode)) t.is(p.encapsulation, 'vxlan');
  const p = r.pairs.find((x) => x.from === '192.168.146.66' && x.to === '192.168.60.130')!;
  t.deepEqual(p.outer, { src: '172.18.0.3', dst: '172.18.0.2' });
  t.regex(
    p.evidence[0],
    new RegExp(
      /IP 172\.18\.0\.3\.\d+ > 172\.18\.0\.2\.4789: VXLAN, flags \[I\] \(0x08\), vni 4096: /.source +
        /IP 192\.168\.146\.66 > 192\.168\.60\.130: ICMP echo request/.source,
    ),
  );
  t.is(p.pathMtu, 1450, p.mtuWhy);
  t.regex(p.mtuWhy, /1500 underlay - 50 for VXLAN \(outer IPv4 20 \+ UDP 8 \+ VXLAN 8 \+ inner Ethernet 14\) = 1450/);
  t.is(p.ttl, 62);
});

test.serial('trace --prove across VXLAN: the remote VTEP, the outer node addresses, every hop seen', async (t) => {
  const src = rec.plan.workloads.find((w) => w.pod === 'multitool')!;
  const hops = await trace(rec, src, '192.168.60.130');
  t.is(await prove(src, '192.168.60.130', hops), undefined, renderTrace(src, '192.168.60.130', hops));
  const text = renderTrace(src, '192.168.60.130', hops);
  t.regex(text, /routes 192\.168\.60\.130 by 192\.168\.60\.128\/26 via 192\.168\.60\.128 dev vxlan\.calico onlink/);
  t.regex(text, /encapsulates in VXLAN \(UDP 4789, VNI 4096\): outer 172\.18\.0\.3 > 172\.18\.0\.2/);
  t.regex(text, /\[node pod-network-worker2\] vxlan\.calico decapsulates/);
});

test.serial('down leaves nothing', async (t) => {
  await down(topo.name);
  t.deepEqual(await leftovers(topo.name), []);
});
