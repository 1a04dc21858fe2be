// Doc 001's "peering with physical infrastructure": a top-of-rack router in the router namespace
// learns every pod block over BGP, so ipipMode Never works across racks (subnets). Once with
// FRR over eBGP, once with BIRD as an iBGP route reflector (no node-to-node mesh at all).
import test from 'ava';
import { execa } from 'execa';
import { bgpSessions } from '../../src/kernel/bird-socket.ts';
import { down, up } from '../../src/lab/lab.ts';
import type { LabRecord } from '../../src/lab/state.ts';
import { torSessionStates } from '../../src/kernel/tor.ts';
import { prove } from '../../src/verify/prove.ts';
import { renderTrace, trace } from '../../src/verify/trace.ts';
import { verifyLab } from '../../src/verify/verify.ts';
import { leftovers, requireDatapath, testTopology } from './lab-fixture.ts';

// Pools with both modes Never give no node a tunnel address, so the first pod takes the block's .0.
const WEB1 = '10.244.11.0'; // rack1-node1, 10.1.1.0/24
const WEB3 = '10.244.21.0'; // rack2-node1, 10.1.2.0/24, behind the router

test.before(async () => {
  await requireDatapath();
});

test.serial(
  'FRR eBGP top-of-rack: the router installs every block proto bgp; pods cross racks unencapsulated',
  async (t) => {
    const topo = testTopology('topologies/tor-2rack.yaml', 'torfrr');
    let rec: LabRecord | undefined;
    try {
      const r = await up(topo);
      rec = r.record;
      t.log(`up in ${r.timings.total} ms (BGP converged ${r.timings['BGP converged']} ms)`);
      const tor = rec.plan.tor!;
      const sessions = await torSessionStates(tor);
      t.deepEqual(sessions.map((s) => `${s.neighbor} ${s.state} ${s.received}`).sort(), [
        '10.1.1.11 Established 1',
        '10.1.1.12 Established 1',
        '10.1.2.21 Established 1',
      ]);
      const router = (await execa('ip', ['-n', tor.ns, 'route'])).stdout;
      t.regex(router, /^10\.244\.11\.0\/26 nhid \d+ via 10\.1\.1\.11 dev br-subnet0 proto bgp metric 20\s*$/m);
      t.regex(router, /^10\.244\.21\.0\/26 nhid \d+ via 10\.1\.2\.21 dev br-subnet1 proto bgp metric 20\s*$/m);
      // The nodes see the router as a global peer (calicoctl's PEER TYPE), and never take their
      // own blocks back from it: the AS path 65001 64512 holds their own AS.
      const n1 = rec.plan.nodes.find((n) => n.name === 'rack1-node1')!;
      t.true(
        (await bgpSessions(n1.bird.socket)).some(
          (s) => s.name === 'Global_10_1_1_1' && s.info.startsWith('Established'),
        ),
      );
      const nodeRoutes = (await execa('ip', ['-n', n1.netns, 'route'])).stdout;
      // Line by line, as Calico v3.30 programs a pool with both modes Never: BIRD installs the
      // blocks (krt_tunnel "", bird_ipam.cfg.template) and the own block's blackhole; Felix only
      // the workload's /32 (endpoint_mgr.go, proto boot); tunl0 has no address and no route.
      const cali = rec.plan.workloads.find((w) => w.ip === WEB1)!.interface;
      const lines = (text: string) =>
        text
          .split('\n')
          .map((l) => l.trim())
          .sort();
      t.deepEqual(
        lines(nodeRoutes),
        [
          'default via 10.1.1.1 dev eth0 metric 100',
          '10.1.1.0/24 dev eth0 proto kernel scope link src 10.1.1.11 metric 100',
          `10.244.11.0 dev ${cali} scope link`,
          'blackhole 10.244.11.0/26 proto bird',
          '10.244.12.0/26 via 10.1.1.12 dev eth0 proto bird',
          '10.244.21.0/26 via 10.1.1.1 dev eth0 proto bird',
        ].sort(),
      );
      t.notRegex((await execa('ip', ['-n', n1.netns, 'address', 'show', 'tunl0'])).stdout, /inet /);
      const v = await verifyLab(rec, { pcapDir: `out/e2e-pcap-${process.pid}-torfrr` });
      t.deepEqual(
        v.pairs.filter((p) => !p.ok).map((p) => `${p.from}>${p.to}: ${p.error}`),
        [],
      );
      const across = v.pairs.find((p) => p.from === WEB1 && p.to === WEB3)!;
      t.is(across.encapsulation, 'none');
      t.deepEqual(across.outer, { src: WEB1, dst: WEB3 });
      t.is(across.ttl, 61, across.ttlWhy);
      const w1 = rec.plan.workloads.find((w) => w.ip === WEB1)!;
      const hops = await trace(rec, w1, WEB3);
      t.is(await prove(w1, WEB3, hops), undefined, renderTrace(w1, WEB3, hops));
      t.regex(
        renderTrace(w1, WEB3, hops),
        /\[router\] forwards 10\.244\.21\.0 via 10\.1\.2\.21 dev br-subnet1 \(ttl 62\)/,
      );
    } finally {
      const d = await down(topo.name);
      t.is(d.processes, 5, 'three BIRDs, zebra, bgpd');
      t.deepEqual(await leftovers(topo.name), []);
    }
  },
);

test.serial(
  'BIRD iBGP top-of-rack as route reflector: no mesh; reflected routes keep the originating node',
  async (t) => {
    const topo = testTopology('topologies/tor-2rack.yaml', 'torbird');
    topo.bgp = {
      ...topo.bgp,
      nodeToNodeMesh: false,
      peers: [{ name: 'tor', ip: '10.1.1.1', asNumber: 64512, implementation: 'bird' }],
    };
    let rec: LabRecord | undefined;
    try {
      rec = (await up(topo)).record;
      const tor = rec.plan.tor!;
      t.deepEqual((await torSessionStates(tor)).map((s) => `${s.neighbor} ${s.state}`).sort(), [
        '10.1.1.11 Established',
        '10.1.1.12 Established',
        '10.1.2.21 Established',
      ]);
      t.regex(
        (await execa('ip', ['-n', tor.ns, 'route'])).stdout,
        /^10\.244\.12\.0\/26 via 10\.1\.1\.12 dev br-subnet0 proto bird metric 32\s*$/m,
      );
      const n1 = rec.plan.nodes.find((n) => n.name === 'rack1-node1')!;
      t.deepEqual(
        (await bgpSessions(n1.bird.socket)).map((s) => s.name),
        ['Global_10_1_1_1'],
      );
      const nodeRoutes = (await execa('ip', ['-n', n1.netns, 'route'])).stdout;
      t.regex(
        nodeRoutes,
        /^10\.244\.12\.0\/26 via 10\.1\.1\.12 dev eth0 proto bird\s*$/m,
        'next hop kept: the originating node',
      );
      const v = await verifyLab(rec, { pcapDir: `out/e2e-pcap-${process.pid}-torbird` });
      t.deepEqual(
        v.pairs.filter((p) => !p.ok).map((p) => `${p.from}>${p.to}: ${p.error}`),
        [],
      );
      t.is(v.pairs.find((p) => p.from === WEB3 && p.to === WEB1)!.encapsulation, 'none');
    } finally {
      await down(topo.name);
      t.deepEqual(await leftovers(topo.name), []);
    }
  },
);
