// Felix's policy plane on a real lab (topologies/policy-4node.yaml): Calico's chains in every node,
// every pair and every declared port probed, each verdict measured from the captures and compared
// with Calico's policy semantics, the dropping rule read from the counters; policies applied and
// deleted live; the IPIP security rules; and nftables mode giving the same verdicts.
import test from 'ava';
import { execa } from 'execa';
import { applyPolicies } from '../../src/calico/calicoctl/apply.ts';
import { probePort } from '../../src/kernel/connect.ts';
import { patchedTopology } from '../../src/lab/edits.ts';
import { down, up } from '../../src/lab/lab.ts';
import { applyPatch } from '../../src/lab/patch.ts';
import { type LabRecord, resolveLab } from '../../src/lab/state.ts';
import { outsideNs } from '../../src/plan/naming.ts';
import { lostAt, prove } from '../../src/verify/prove.ts';
import { renderTrace, trace } from '../../src/verify/trace.ts';
import { type PairReport, verifyLab } from '../../src/verify/verify.ts';
import { leftovers, requireDatapath, testTopology } from './lab-fixture.ts';

const topo = testTopology('topologies/policy-4node.yaml', 'pol');
let rec: LabRecord;
const pcapDir = `out/e2e-pcap-${process.pid}-pol`;
const pod = (name: string) => rec.plan.workloads.find((w) => w.pod === name)!;
const node = (name: string) => rec.plan.nodes.find((n) => n.name === name)!;
const probe = (r: { pairs: PairReport[] }, from: string, to: string, proto = 'icmp', port: number | null = null) =>
  r.pairs.find(
    (p) => p.fromPod.endsWith(`/${from}`) && p.toPod.endsWith(`/${to}`) && p.protocol === proto && p.port === port,
  )!;
const failures = (r: { pairs: PairReport[] }) =>
  r.pairs.filter((p) => !p.ok).map((p) => `${p.protocol}/${p.port} ${p.fromPod} > ${p.toPod}: ${p.error}`);
const matrix = (r: { pairs: PairReport[] }) =>
  r.pairs.map((p) => `${p.protocol}/${p.port ?? '-'} ${p.fromPod} > ${p.toPod}: ${p.verdict} (${p.policy})`).sort();

/** One Felix rule's packet counter, found by its comment, in a node's iptables-save -c. */
async function counter(nodeName: string, chain: string, comment: string): Promise<number> {
  const out = (await execa('ip', ['netns', 'exec', node(nodeName).netns, 'iptables-save', '-c'])).stdout;
  const line = out.split('\n').find((l) => l.includes(`-A ${chain} `) && l.includes(comment));
  if (!line) throw new Error(`no rule "${comment}" in ${chain} on ${nodeName}`);
  return Number(line.match(/^\[(\d+):/)![1]);
}

test.before(async () => {
  await requireDatapath();
  rec = (await up(topo)).record;
});
test.after.always(async () => {
  await down(topo.name).catch(() => {});
});

test.serial("every node runs Felix's chains; the natOutgoing rule carries doc 003's hash", async (t) => {
  const save = (await execa('ip', ['netns', 'exec', node('k8s-w1').netns, 'iptables-save'])).stdout;
  t.regex(save, /^-A INPUT -m comment --comment "cali:Cz_u1IQiXIMmKD4c" -j cali-INPUT$/m);
  t.regex(save, /^-A FORWARD -m comment --comment "cali:wUHhoiAYhphO9Mso" -j cali-FORWARD$/m);
  t.regex(save, /^-A cali-nat-outgoing -m comment --comment "cali:flqWnvo8yq4ULQLa" -m set --match-set cali40masq/m);
  t.regex(save, new RegExp(`^-A cali-to-wl-dispatch -o ${pod('web').interface} .* -g cali-tw-`, 'm'));
  const sets = (await execa('ip', ['netns', 'exec', node('k8s-w1').netns, 'ipset', 'list', '-n'])).stdout;
  t.deepEqual(
    sets
      .split('\n')
      .filter((s) => !s.startsWith('cali40s:'))
      .sort(),
    ['cali40all-hosts-net', 'cali40all-ipam-pools', 'cali40masq-ipam-pools', 'cali40this-host'],
  );
});

test.serial(
  'verify: every probe as Calico decides it, denied ones counted by the rule that dropped them',
  async (t) => {
    const r = await verifyLab(rec, { pcapDir: `${pcapDir}/initial` });
    t.deepEqual(failures(r), []);
    t.log(matrix(r).join('\n'));
    // Written out, not only the evaluator's word: the tutorial's answers.
    const apiToDb = probe(r, 'api', 'db', 'tcp', 5432);
    t.like(apiToDb, { verdict: 'allowed', expectedVerdict: 'allowed', policy: 'data/knp.default.allow-api-to-db' });
    const clientToDb = probe(r, 'client', 'db', 'tcp', 5432);
    t.like(clientToDb, { verdict: 'denied', status: 'denied', policy: 'data/knp.default.default-deny' });
    t.is(clientToDb.droppedAt?.node, 'k8s-w0');
    t.is(clientToDb.droppedAt?.chain, `cali-tw-${pod('db').interface}`);
    t.regex(clientToDb.droppedAt?.description ?? '', /End of tier default\. Drop if no policies passed packet/);
    t.like(probe(r, 'web', 'db'), { verdict: 'denied', protocol: 'icmp' });
    t.like(probe(r, 'db', 'cache', 'udp', 5353), { verdict: 'allowed', policy: 'data/default.cache-from-data' });
    t.like(probe(r, 'web', 'cache', 'udp', 5353), { verdict: 'denied' });
    // The GlobalNetworkPolicy in front: no ping into the backend, the rest passed to the profiles.
    t.like(probe(r, 'web', 'api'), { verdict: 'denied', policy: 'default.backend-no-icmp' });
    t.like(probe(r, 'web', 'api', 'tcp', 8080), { verdict: 'allowed', policy: 'kns.backend' });
    t.like(probe(r, 'api', 'web'), { verdict: 'allowed', status: 'ok', encapsulation: 'ipip' });
    t.true(r.outside.every((o) => o.ok));
  },
);

test.serial('trace --protocol tcp --port 5432 --prove names the rule that dropped the SYNs', async (t) => {
  const client = pod('client');
  const db = pod('db');
  const probe = { protocol: 'tcp' as const, port: 5432 };
  const hops = await trace(rec, client, db.ip, probe);
  const text = () => renderTrace(client, db.ip, hops);
  const lost = await prove(client, db.ip, hops, { rec, probe });
  const where = lostAt(hops, lost) ?? '';
  t.regex(where, new RegExp(`dropped at k8s-w0, cali-tw-${db.interface}, rule \\d+ `), text());
  t.regex(
    where,
    /'End of tier default\. Drop if no policies passed packet' \(data\/knp\.default\.default-deny governs ingress/,
  );
  // The allowed path: api's SYNs pass both chains, each hop names the RETURN that accepted them.
  const api = pod('api');
  const ok = await trace(rec, api, db.ip, probe);
  t.is(await prove(api, db.ip, ok, { rec, probe }), undefined, renderTrace(api, db.ip, ok));
  t.regex(
    renderTrace(api, db.ip, ok),
    /rule whose counter moved: k8s-w0, cali-tw-\w+, rule \d+ 'Return if policy accepted'/,
  );
});

test.serial('apply and delete a policy live: the verdicts follow, the lab otherwise unchanged', async (t) => {
  const allow = [
    'apiVersion: networking.k8s.io/v1',
    'kind: NetworkPolicy',
    'metadata: {name: allow-web, namespace: data}',
    'spec:',
    '  podSelector: {matchLabels: {app: db}}',
    '  ingress:',
    '    - from: [{namespaceSelector: {matchLabels: {tier: frontend}}}]',
    '      ports: [{port: 5432}]',
  ].join('\n');
  const t0 = Date.now();
  const applied = await applyPolicies(rec, allow, 'allow-web.yaml', 'apply');
  t.is(applied.message, 'networkpolicy.networking.k8s.io/allow-web created');
  // A figure for the closing note, not an assertion: apply until web's handshake with db succeeds.
  for (let n = 0; n < 20 && !(await probePort(pod('web').netns, pod('db').ip, 5432, 'tcp', 1)).ok; n++);
  t.log(`policy change to converged verdict: ${Date.now() - t0} ms (apply ${applied.ms} ms)`);
  rec = resolveLab(topo.name);
  let r = await verifyLab(rec, { pcapDir: `${pcapDir}/applied` });
  t.deepEqual(failures(r), []);
  t.like(probe(r, 'web', 'db', 'tcp', 5432), { verdict: 'allowed', policy: 'data/knp.default.allow-web' });
  t.like(probe(r, 'client', 'db', 'tcp', 5432), { verdict: 'denied' });
  const deleted = await applyPolicies(rec, allow, 'allow-web.yaml', 'delete');
  t.is(deleted.message, 'networkpolicy.networking.k8s.io/allow-web deleted');
  rec = resolveLab(topo.name);
  r = await verifyLab(rec, { pcapDir: `${pcapDir}/deleted` });
  t.deepEqual(failures(r), []);
  t.like(probe(r, 'web', 'db', 'tcp', 5432), { verdict: 'denied', policy: 'data/knp.default.default-deny' });
  // A bad policy is refused whole and leaves the lab as it was.
  const bad = allow.replace('allow-web', 'bad').replace('{port: 5432}', '{port: 70000}');
  await t.throwsAsync(applyPolicies(rec, bad, 'bad.yaml', 'apply'), { message: /bad\.yaml document 1: .*port.*70000/ });
  t.is(resolveLab(topo.name).topology.policies.length, rec.topology.policies.length);
});

test.serial('IPIP from a host outside the cluster is dropped by cali-INPUT and never reaches a pod', async (t) => {
  const out = outsideNs(rec.lab, 'internet');
  const w0 = node('k8s-w0');
  const db = pod('db');
  const rule = 'Drop IPIP packets from non-Calico hosts';
  const before = await counter('k8s-w0', 'cali-INPUT', rule);
  const rx = async () =>
    JSON.parse((await execa('ip', ['-n', db.netns, '-s', '-j', 'link', 'show', 'eth0'])).stdout)[0].stats64.rx
      .packets as number;
  const rxBefore = await rx();
  await execa('ip', ['-n', out, 'link', 'add', 'spoof', 'type', 'ipip', 'local', '203.0.113.10', 'remote', w0.ip]);
  await execa('ip', ['-n', out, 'link', 'set', 'spoof', 'up']);
  await execa('ip', ['-n', out, 'route', 'add', `${db.ip}/32`, 'dev', 'spoof']);
  const ping = await execa('ip', ['netns', 'exec', out, 'ping', '-n', '-c', '3', '-i', '0.2', '-W', '1', db.ip], {
    reject: false,
  });
  await execa('ip', ['-n', out, 'link', 'del', 'spoof']);
  t.not(ping.exitCode, 0, 'the spoofed IPIP got no answer');
  t.true((await counter('k8s-w0', 'cali-INPUT', rule)) - before >= 3, 'cali-INPUT dropped every packet');
  t.true((await rx()) - rxBefore < 3, 'no spoofed packet reached the pod');
});

test.serial('a pod that emits IPIP itself is dropped in its cali-fw- chain', async (t) => {
  const web = pod('web');
  const rule = 'Drop IPinIP encapped packets originating in workloads';
  const chain = `cali-fw-${web.interface}`;
  const before = await counter('k8s-w1', chain, rule);
  await execa('ip', [
    '-n',
    web.netns,
    'link',
    'add',
    'evil',
    'type',
    'ipip',
    'local',
    web.ip,
    'remote',
    node('k8s-w0').ip,
  ]);
  await execa('ip', ['-n', web.netns, 'link', 'set', 'evil', 'up']);
  await execa('ip', ['-n', web.netns, 'route', 'add', '10.99.0.1/32', 'dev', 'evil']);
  await execa('ip', ['netns', 'exec', web.netns, 'ping', '-n', '-c', '3', '-i', '0.2', '-W', '1', '10.99.0.1'], {
    reject: false,
  });
  await execa('ip', ['-n', web.netns, 'link', 'del', 'evil']);
  t.true((await counter('k8s-w1', chain, rule)) - before >= 3, `${chain} dropped every IPIP packet`);
});

test.serial('nftables mode: the same policies in table ip calico give the same verdicts', async (t) => {
  const before = await verifyLab(rec, { pcapDir: `${pcapDir}/iptables` });
  await applyPatch(rec, patchedTopology(rec, 'felixconfiguration', 'default', '{"spec":{"nftablesMode":"Enabled"}}'));
  rec = resolveLab(topo.name);
  const w1 = node('k8s-w1').netns;
  const nft = (await execa('ip', ['netns', 'exec', w1, 'nft', 'list', 'table', 'ip', 'calico'])).stdout;
  t.regex(nft, /chain filter-cali-tw-/);
  t.regex(nft, /masquerade fully-random comment "cali:JjuWIaIfSLZi41Xk/, "nft mode hashes Felix's nft rule text");
  const ipt = (await execa('ip', ['netns', 'exec', w1, 'iptables-save'])).stdout;
  t.notRegex(ipt, /cali-/, "iptables mode's chains are gone");
  const after = await verifyLab(rec, { pcapDir: `${pcapDir}/nftables` });
  t.deepEqual(failures(after), []);
  t.deepEqual(matrix(after), matrix(before));
  await applyPatch(rec, patchedTopology(rec, 'felixconfiguration', 'default', '{"spec":{"nftablesMode":"Disabled"}}'));
  rec = resolveLab(topo.name);
  const back = await execa('ip', ['netns', 'exec', w1, 'nft', 'list', 'table', 'ip', 'calico'], { reject: false });
  t.not(back.exitCode, 0, 'back in iptables mode, table ip calico is gone');
});

test.serial('down leaves nothing behind, listeners included', async (t) => {
  await down(topo.name);
  t.deepEqual(await leftovers(topo.name), []);
});
