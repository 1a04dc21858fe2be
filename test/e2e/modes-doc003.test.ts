// Doc 003's walk on one running lab (kans-4node): IPIP Always -> Never -> CrossSubnet ->
// WireGuard, then natOutgoing off, each switched live with `patch` and proven from packets.
import test from 'ava';
import { execa } from 'execa';
import { down, up } from '../../src/lab/lab.ts';
import { patchedTopology } from '../../src/lab/edits.ts';
import { applyPatch } from '../../src/lab/patch.ts';
import { type LabRecord, resolveLab } from '../../src/lab/state.ts';
import { verifyLab, type VerifyReport } from '../../src/verify/verify.ts';
import { renderTrace, trace } from '../../src/verify/trace.ts';
import { lostAt, prove } from '../../src/verify/prove.ts';
import { leftovers, requireDatapath, testTopology } from './lab-fixture.ts';

const topo = testTopology('topologies/kans-4node.yaml', 'kans');
let rec: LabRecord;
const pcapDir = `out/e2e-pcap-${process.pid}-kans`;
const w1 = () => rec.plan.nodes.find((n) => n.name === 'k8s-w1')!.netns;
const routes = async () => (await execa('ip', ['-n', w1(), 'route'])).stdout;
const pair = (r: VerifyReport, from: string, to: string) => r.pairs.find((p) => p.from === from && p.to === to)!;
const POD1 = '172.16.158.3'; // on k8s-w1, 192.168.10.0/24
const POD3 = '172.16.184.3'; // on k8s-w2, same subnet
const POD4 = '172.16.34.4'; // on k8s-w0, 192.168.20.0/24 behind the router
const OUTSIDE = '203.0.113.10'; // "the internet", TEST-NET-3

async function patch(t: { log: (...a: unknown[]) => void }, kind: string, name: string, p: string) {
  const { ms } = await applyPatch(rec, patchedTopology(rec, kind, name, p));
  t.log(`${kind} ${p}: converged in ${ms} ms`);
}

test.before(async () => {
  await requireDatapath();
  rec = (await up(topo)).record;
});
test.after.always(async () => {
  await down(topo.name).catch(() => {});
});

test.serial(
  'IPIP Always: MTU 9001 underlay, tunl0 8981, every cross-node pair IPIP, natOutgoing masquerades to the node IP',
  async (t) => {
    const link = await execa('ip', ['-n', w1(), 'link', 'show', 'tunl0']);
    t.regex(link.stdout, /tunl0@NONE: <NOARP,UP,LOWER_UP> mtu 8981/);
    t.regex(await routes(), /^172\.16\.34\.0\/24 via 192\.168\.20\.100 dev tunl0 proto bird onlink\s*$/m);
    const r = await verifyLab(rec, { pcapDir: `${pcapDir}/always` });
    t.log(`tcpdump dropped by kernel: ${r.droppedByKernel}`);
    t.deepEqual(
      r.pairs.filter((p) => !p.ok).map((p) => p.error),
      [],
    );
    t.is(pair(r, POD1, POD4).encapsulation, 'ipip');
    t.deepEqual(pair(r, POD1, POD4).outer, { src: '192.168.10.101', dst: '192.168.20.100' });
    t.is(pair(r, POD1, POD4).pathMtu, 8981);
    t.is(pair(r, POD1, POD3).ttl, 62);
    t.is(r.outside.length, 4);
    const rules = await execa('ip', ['netns', 'exec', w1(), 'iptables', '-t', 'nat', '-S', 'cali-nat-outgoing']);
    t.regex(rules.stdout, /--match-set cali40masq-ipam-pools src -m set ! --match-set cali40all-ipam-pools dst/);
    for (const o of r.outside) {
      t.is(o.status, 'ok', o.error);
      t.is(o.sourceSeen, rec.plan.nodes.find((n) => n.name === o.fromNode)!.ip);
    } // trace to "the internet": the masquerade rule fires on k8s-w1, the outside host sees its IP.
    const pod1 = rec.plan.workloads.find((w) => w.ip === POD1)!;
    const hops = await trace(rec, pod1, OUTSIDE);
    t.is(await prove(pod1, OUTSIDE, hops), undefined, renderTrace(pod1, OUTSIDE, hops));
    t.regex(
      renderTrace(pod1, OUTSIDE, hops),
      new RegExp(
        /natOutgoing: 203\.0\.113\.10 is outside every IPPool, /.source +
          /so Felix's cali-nat-outgoing masquerades 172\.16\.158\.3 to 192\.168\.10\.101 /.source +
          /\("-A cali-nat-outgoing -m comment --comment "cali:flqWnvo8yq4ULQLa" /.source +
          /-m set --match-set cali40masq-ipam-pools src /.source +
          /-m set ! --match-set cali40all-ipam-pools dst -j MASQUERADE --random-fully"\)/.source,
      ),
    );
    t.regex(
      renderTrace(pod1, OUTSIDE, hops),
      /\[outside .*\] 203\.0\.113\.10 receives it from 192\.168\.10\.101 with ttl 62/,
    );
  },
);

test.serial(
  'Never: routes via eth0, same-subnet pairs plain, w1 -> w0 lost at the router (expected-unreachable)',
  async (t) => {
    // Doc 003's own line, verbatim with calilab in calicoctl's place (the only lab up is this one).
    const line =
      'calilab() { node bin/calilab.js "$@"; }; ' +
      'calilab get ippool default-ipv4-ippool -o yaml | sed -e "s/ipipMode: Always/ipipMode: Never/" | ' +
      'calilab apply -f -';
    const applied = await execa('sh', ['-c', line], { env: { NO_COLOR: '1' } });
    t.is(applied.stdout, "Successfully applied 1 'IPPool' resource(s)");
    rec = resolveLab(topo.name);
    t.is(rec.topology.ipPools[0].ipipMode, 'Never');
    t.is(rec.resourceVersions?.['IPPool/default-ipv4-ippool'], '2', 'the change bumped the resourceVersion');
    const rt = await routes();
    t.regex(rt, /^172\.16\.184\.0\/24 via 192\.168\.10\.102 dev eth0 proto bird\s*$/m);
    t.regex(rt, /^172\.16\.34\.0\/24 via 192\.168\.10\.1 dev eth0 proto bird\s*$/m);
    t.notRegex(rt, /tunl0/);
    const tunl0 = await execa('ip', ['-n', w1(), 'address', 'show', 'tunl0']);
    t.notRegex(tunl0.stdout, /inet /, 'no IPIP pool left: calico-node released the address, Felix removed it');
    const r = await verifyLab(rec, { pcapDir: `${pcapDir}/never` });
    t.deepEqual(
      r.pairs.filter((p) => !p.ok).map((p) => p.error),
      [],
    );
    t.is(pair(r, POD1, POD3).encapsulation, 'none');
    t.deepEqual(pair(r, POD1, POD3).outer, { src: POD1, dst: POD3 });
    t.is(pair(r, POD1, POD4).status, 'expected-unreachable');
    t.false(pair(r, POD1, POD4).reachable);
    const pod1 = rec.plan.workloads.find((w) => w.ip === POD1)!;
    const hops = await trace(rec, pod1, POD4);
    const brk = hops.find((h) => h.broken);
    t.is(brk?.where, 'router', renderTrace(pod1, POD4, hops));
    t.regex(brk!.what, /cannot forward 172\.16\.34\.4/);
    // --prove: the probes reach the router (its port from k8s-w1 counts them) and go no further.
    t.is(await prove(pod1, POD4, hops), undefined, renderTrace(pod1, POD4, hops));
    t.true(brk!.seen);
    t.regex(lostAt(hops, undefined) ?? '', /\[router\]: the probes arrived but cannot forward/);
  },
);

test.serial('CrossSubnet: eth0 to same-subnet nodes, tunl0 to w0; captures show plain and IPIP', async (t) => {
  await patch(t, 'ippool', 'default-ipv4-ippool', '{"spec":{"ipipMode":"CrossSubnet"}}');
  const rt = await routes();
  t.regex(rt, /^172\.16\.184\.0\/24 via 192\.168\.10\.102 dev eth0 proto bird\s*$/m);
  t.regex(rt, /^172\.16\.34\.0\/24 via 192\.168\.20\.100 dev tunl0 proto bird onlink\s*$/m);
  // The released .0 went to the back of the block's free list: tunl0 now gets .1 (IPAM's order).
  const tunl0 = await execa('ip', ['-n', w1(), 'address', 'show', 'tunl0']);
  t.regex(tunl0.stdout, /inet 172\.16\.158\.1\/32 scope global tunl0/);
  const r = await verifyLab(rec, { pcapDir: `${pcapDir}/crosssubnet` });
  t.deepEqual(
    r.pairs.filter((p) => !p.ok).map((p) => p.error),
    [],
  );
  t.is(pair(r, POD1, POD3).encapsulation, 'none');
  t.is(pair(r, POD1, POD4).encapsulation, 'ipip');
  t.is(pair(r, POD4, POD3).encapsulation, 'ipip');
});

test.serial(
  'WireGuard: wireguard.cali mtu 8941 with one peer per node; only UDP 51820 on the wire, no pod address',
  async (t) => {
    await patch(t, 'felixconfiguration', 'default', '{"spec":{"wireguardEnabled":true}}');
    const wg = await execa('ip', ['-n', w1(), '-d', 'address', 'show', 'wireguard.cali']);
    t.regex(wg.stdout, /wireguard\.cali: <POINTOPOINT,NOARP,UP,LOWER_UP> mtu 8941/);
    const show = await execa('ip', ['netns', 'exec', w1(), 'wg', 'show', 'wireguard.cali']);
    t.is(show.stdout.match(/^peer: /gm)?.length, 3);
    t.regex(show.stdout, /fwmark: 0x100000/);
    // Doc 003 (v3.28.1): k8s-m's wireguard.cali is 172.16.116.2, after tunl0's .0 was released
    // (Never) and .1 reassigned (CrossSubnet). Peers: the block, tunl0's and wireguard.cali's /32.
    t.regex(
      show.stdout,
      /endpoint: 192\.168\.20\.100:51820\s+allowed ips: 172\.16\.34\.0\/24, 172\.16\.34\.1\/32, 172\.16\.34\.2\/32/,
    );
    const m = await execa('ip', ['-n', rec.plan.nodes[0].netns, 'address', 'show', 'wireguard.cali']);
    t.regex(m.stdout, /inet 172\.16\.116\.2\/32 scope global wireguard\.cali/);
    t.notRegex(show.stdout, /private key: [A-Za-z0-9+/]{43}=/);
    const r = await verifyLab(rec, { pcapDir: `${pcapDir}/wireguard` });
    t.deepEqual(
      r.pairs.filter((p) => !p.ok).map((p) => p.error),
      [],
    );
    for (const p of r.pairs.filter((x) => !x.sameNode)) t.is(p.encapsulation, 'wireguard', `${p.from} > ${p.to}`);
    // Path MTU per pair: wireguard.cali (9001 - 60) limits node-to-node pairs; pods made before the
    // switch keep eth0 8981, which is what one node's pods still get between themselves.
    t.is(pair(r, POD1, POD4).pathMtu, 8941, pair(r, POD1, POD4).mtuWhy);
    t.regex(pair(r, POD1, POD4).mtuWhy, /wireguard\.cali 8941 = 9001 - 60/);
    t.is(pair(r, POD1, '172.16.158.4').pathMtu, 8981);
    const pod1 = rec.plan.workloads.find((w) => w.ip === POD1)!;
    const hops = await trace(rec, pod1, POD4);
    t.is(await prove(pod1, POD4, hops), undefined, renderTrace(pod1, POD4, hops));
    t.regex(
      renderTrace(pod1, POD4, hops),
      /encapsulates in WireGuard \(UDP 51820\): outer 192\.168\.10\.101 > 192\.168\.20\.100/,
    );
    t.regex(renderTrace(pod1, POD4, hops), /\(table 1\)/);
  },
);

test.serial('natOutgoing off: the outside host sees the pod IP and cannot answer', async (t) => {
  await patch(t, 'felixconfiguration', 'default', '{"spec":{"wireguardEnabled":false}}');
  await patch(t, 'ippool', 'default-ipv4-ippool', '{"spec":{"natOutgoing":false}}');
  const r = await verifyLab(rec, { pcapDir: `${pcapDir}/nonat` });
  t.deepEqual(
    r.pairs.filter((p) => !p.ok).map((p) => p.error),
    [],
  );
  for (const o of r.outside) {
    t.is(o.status, 'expected-unreachable', o.error);
    t.is(o.sourceSeen, o.from);
  }
});

test.serial('down leaves nothing', async (t) => {
  await down(topo.name);
  t.deepEqual(await leftovers(topo.name), []);
});
