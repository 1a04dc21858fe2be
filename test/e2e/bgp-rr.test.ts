// Route reflection, calicoctl's views, and failures: BIRD stopped, a node cut off the underlay.
import test from 'ava';
import { execa } from 'execa';
import { bgpSessions } from '../../src/kernel/bird-socket.ts';
import { boxTable, ipamRows, nodeStatus, renderNodeStatus, wepRows } from '../../src/calico/calicoctl/views.ts';
import { down, up } from '../../src/lab/lab.ts';
import { setNodeLink, startBirdAgain, stopBird } from '../../src/lab/failures.ts';
import type { LabRecord } from '../../src/lab/state.ts';
import { verifyLab } from '../../src/verify/verify.ts';
import { ping } from '../../src/kernel/ping.ts';
import { topologyWithoutPod, topologyWithPod } from '../../src/lab/edits.ts';
import { addPod, deletePod } from '../../src/lab/pods.ts';
import { leftovers, requireDatapath, testTopology } from './lab-fixture.ts';

const topo = testTopology('topologies/rr-4node.yaml', 'rr');
let rec: LabRecord;
const ns = (n: string) => rec.plan.nodes.find((x) => x.name === n)!.netns;
const routesOf = async (n: string) => (await execa('ip', ['-n', ns(n), 'route'])).stdout;

async function waitFor(
  t: { log: (s: string) => void },
  what: string,
  cond: () => Promise<boolean>,
  maxMs = 40000,
): Promise<number> {
  const start = Date.now();
  while (Date.now() - start < maxMs) {
    if (await cond()) {
      t.log(`${what}: ${Date.now() - start} ms`);
      return Date.now() - start;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what}: not within ${maxMs} ms`);
}

test.before(async () => {
  await requireDatapath();
  rec = (await up(topo)).record;
});
test.after.always(async () => {
  await down(topo.name).catch(() => {});
});

test.serial(
  'clients peer only with the reflector; reflected routes keep the originating node as next hop',
  async (t) => {
    t.deepEqual(
      (await bgpSessions(rec.plan.nodes[1].bird.socket)).map((s) => s.name),
      ['Node_192_168_0_10'],
    );
    t.is((await bgpSessions(rec.plan.nodes[0].bird.socket)).filter((s) => s.info.startsWith('Established')).length, 3);
    t.regex(await routesOf('node-2'), /^172\.16\.200\.0\/26 via 192\.168\.0\.40 dev tunl0 proto bird onlink\s*$/m);
    t.regex(await routesOf('node-2'), /^172\.16\.30\.0\/26 via 192\.168\.0\.30 dev tunl0 proto bird onlink\s*$/m);
    const r = await verifyLab(rec, { pcapDir: `out/e2e-pcap-${process.pid}-rr` });
    t.deepEqual(
      r.pairs.filter((p) => !p.ok).map((p) => p.error),
      [],
    );
    t.deepEqual(r.pairs.find((p) => p.from === '172.16.20.1' && p.to === '172.16.200.6')!.outer, {
      src: '192.168.0.20',
      dst: '192.168.0.40',
    });
  },
);

test.serial('calicoctl views: node status, ipam show --show-blocks, get wep', async (t) => {
  const out = renderNodeStatus(true, nodeStatus(rec, 'node-2', await bgpSessions(rec.plan.nodes[1].bird.socket)));
  t.regex(
    out,
    new RegExp(
      /^Calico process is running\.\n\nIPv4 BGP status\n\+-+\+-+\+-+\+-+\+-+\+\n/.source +
        /\| PEER ADDRESS \|   PEER TYPE   \| STATE \|  SINCE   \|    INFO     \|\n/.source,
    ),
  );
  t.regex(out, /\| 192\.168\.0\.10 \| node specific \| up    \| \d\d:\d\d:\d\d \| Established \|/);
  const ipam = boxTable(ipamRows(rec, true));
  // tablewriter right-aligns plain numbers (IPS TOTAL), left-aligns the rest.
  t.regex(ipam, /IP Pool +\| 172\.16\.0\.0\/16 +\| +65536 \| 8 \(0%\) +\| 65528 \(100%\)/);
  t.regex(ipam, /Block +\| 172\.16\.200\.0\/26 +\| +64 \| 2 \(3%\) +\| 62 \(97%\)/);
  t.deepEqual(wepRows(rec)[4], ['web-4', 'node-4', '172.16.200.6/32', rec.plan.workloads[3].interface]);
});

test.serial('BIRD stopped on node-4: the others withdraw its block; started again: it comes back', async (t) => {
  await stopBird(rec, 'node-4');
  await waitFor(
    t,
    'node-4 block withdrawn from node-2 after stop-bird',
    async () => !/172\.16\.200\.0\/26/.test(await routesOf('node-2')),
  );
  await startBirdAgain(rec, 'node-4');
  t.regex(await routesOf('node-2'), /^172\.16\.200\.0\/26 via 192\.168\.0\.40 dev tunl0 proto bird onlink\s*$/m);
});

test.serial(
  'node-3 cut off the underlay: withdrawn after the hold time; reconnected: routes and pings recover',
  async (t) => {
    await setNodeLink(rec, 'node-3', 'down');
    const ms = await waitFor(
      t,
      'node-3 block withdrawn from node-2 after link down',
      async () => !/172\.16\.30\.0\/26/.test(await routesOf('node-2')),
    );
    t.true(ms < 40000);
    await setNodeLink(rec, 'node-3', 'up');
    const r = await verifyLab(rec, { pcapDir: `out/e2e-pcap-${process.pid}-rr2` });
    t.deepEqual(
      r.pairs.filter((p) => !p.ok).map((p) => p.error),
      [],
    );
  },
);

test.serial("pod churn: add into the node's block, add with a new block that BGP carries, delete", async (t) => {
  const web1 = rec.plan.workloads.find((w) => w.pod === 'web-1')!;
  const a = await addPod(rec, topologyWithPod(rec, { name: 'web-9', namespace: 'default', node: 'node-2' }), {
    name: 'web-9',
    namespace: 'default',
    node: 'node-2',
  });
  t.log(`pod add web-9: ${a.workload.ip} in ${a.ms} ms`);
  t.is(a.newBlock, undefined);
  t.true(a.workload.ip.startsWith('172.16.20.'));
  t.true((await ping(web1.netns, a.workload.ip, { count: 1, timeoutS: 3 })).ok);
  const spec = { name: 'web-10', namespace: 'default', node: 'node-3', ip: '172.16.99.5' };
  const b = await addPod(rec, topologyWithPod(rec, spec), spec);
  t.log(`pod add web-10 with a new block: ${b.ms} ms`);
  t.is(b.newBlock, '172.16.99.0/26');
  t.regex(await routesOf('node-2'), /^172\.16\.99\.0\/26 via 192\.168\.0\.30 dev tunl0 proto bird onlink\s*$/m);
  t.true((await ping(web1.netns, '172.16.99.5', { count: 1, timeoutS: 3 })).ok);
  t.is((await ping(web1.netns, a.workload.ip, { count: 1 })).ok, true, 'existing pods keep working');
  const d = await deletePod(rec, topologyWithoutPod(rec, 'default', 'web-10'));
  t.log(`pod del web-10: ${d.ms} ms`);
  t.false((await ping(web1.netns, '172.16.99.5', { count: 1, timeoutS: 1 })).ok);
  t.false((await execa('ip', ['netns', 'list'])).stdout.includes(b.workload.netns));
  t.is(rec.plan.workloads.length, 5);
});

test.serial('down leaves nothing', async (t) => {
  await down(topo.name);
  t.deepEqual(await leftovers(topo.name), []);
});
