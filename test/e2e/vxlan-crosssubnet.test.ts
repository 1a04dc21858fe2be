// VXLAN CrossSubnet on two subnets (doc 003's four nodes, pool switched to vxlanMode
// CrossSubnet): k8s-w1's whole routing table line by line as Felix v3.30.7 programs it, and the
// packets that prove each route.
import test from 'ava';
import { execa } from 'execa';
import { down, up } from '../../src/lab/lab.ts';
import type { LabRecord } from '../../src/lab/state.ts';
import { verifyLab } from '../../src/verify/verify.ts';
import { leftovers, requireDatapath, testTopology } from './lab-fixture.ts';

const topo = testTopology('topologies/kans-4node.yaml', 'vxcs');
topo.ipPools[0] = { ...topo.ipPools[0], ipipMode: 'Never', vxlanMode: 'CrossSubnet' };
let rec: LabRecord;
const netns = (node: string) => rec.plan.nodes.find((n) => n.name === node)!.netns;
const sorted = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l)
    .sort();

test.before(async () => {
  await requireDatapath();
  rec = (await up(topo)).record;
});
test.after.always(async () => {
  await down(topo.name).catch(() => {});
});

test.serial("k8s-w1's routes are Felix's: same subnet via eth0 proto 80 onlink, across via the VTEP", async (t) => {
  const cali = (ip: string) => rec.plan.workloads.find((w) => w.ip === ip)!.interface;
  const routes = (await execa('ip', ['-n', netns('k8s-w1'), 'route'])).stdout;
  t.deepEqual(
    sorted(routes),
    [
      'default via 192.168.10.1 dev eth0 metric 100',
      // vxlan_mgr.go noEncapRoute: same subnet, the parent device, proto 80, onlink.
      '172.16.116.0/24 via 192.168.10.10 dev eth0 proto 80 onlink',
      '172.16.184.0/24 via 192.168.10.102 dev eth0 proto 80 onlink',
      // tunneledRoute: across subnets via k8s-w0's VTEP (its block's .0), proto boot.
      '172.16.34.0/24 via 172.16.34.0 dev vxlan.calico onlink',
      // blackholeRoutes: Felix, not BIRD, drops the rest of its own VXLAN block.
      'blackhole 172.16.158.0/24 proto 80',
      `172.16.158.3 dev ${cali('172.16.158.3')} scope link`,
      `172.16.158.4 dev ${cali('172.16.158.4')} scope link`,
      '192.168.10.0/24 dev eth0 proto kernel scope link src 192.168.10.101 metric 100',
    ].sort(),
  );
  const neigh = (await execa('ip', ['-n', netns('k8s-w1'), 'neigh', 'show', 'dev', 'vxlan.calico'])).stdout;
  t.deepEqual(sorted(neigh).length, 1, 'a static ARP entry only for the VTEP across the router');
  t.regex(neigh, /^172\.16\.34\.0 lladdr 66(:[0-9a-f]{2}){5} PERMANENT/m);
  const tunl0 = (await execa('ip', ['-n', netns('k8s-w1'), 'address', 'show', 'tunl0'])).stdout;
  t.notRegex(tunl0, /inet /, 'no IPIP pool, so calico-node gives tunl0 no address');
  const vtep = (await execa('ip', ['-n', netns('k8s-w1'), 'address', 'show', 'vxlan.calico'])).stdout;
  t.regex(vtep, /inet 172\.16\.158\.0\/32 scope global vxlan\.calico/);
});

test.serial('same-subnet pairs are bare on the wire; pairs across the router are VXLAN', async (t) => {
  const r = await verifyLab(rec, { pcapDir: `out/e2e-pcap-${process.pid}-vxcs` });
  t.deepEqual(
    r.pairs.filter((p) => !p.ok).map((p) => p.error),
    [],
  );
  const pair = (from: string, to: string) => r.pairs.find((p) => p.from === from && p.to === to)!;
  t.is(pair('172.16.158.3', '172.16.184.3').encapsulation, 'none');
  t.is(pair('172.16.158.3', '172.16.34.4').encapsulation, 'vxlan');
  t.deepEqual(pair('172.16.158.3', '172.16.34.4').outer, { src: '192.168.10.101', dst: '192.168.20.100' });
});

test.serial('down leaves nothing', async (t) => {
  await down(topo.name);
  t.deepEqual(await leftovers(topo.name), []);
});
