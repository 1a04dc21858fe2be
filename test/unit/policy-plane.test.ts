// The policy plane as a plan (topologies/policy-4node.yaml): which policies govern each local
// endpoint, in Felix's order; the selector IP sets' members; the policy edits of `calilab apply`;
// the verdict judge on synthetic captures; `calilab get networkpolicy` through calicoctl's printers.
import test from 'ava';
import { holdsPolicies, namedPolicyText, policyChanges } from '../../src/calico/calicoctl/policies.ts';
import { getOutput } from '../../src/calico/calicoctl/get.ts';
import { labResources } from '../../src/calico/calicoctl/resources.ts';
import { listTargets } from '../../src/calico/felix/iptables/index.ts';
import { renderPolicyNode } from '../../src/calico/felix/policy-plane.ts';
import { PolicyInputError } from '../../src/calico/policy/fields.ts';
import { decodeFrame, LINKTYPE_LINUX_SLL2 } from '../../src/packets/decode.ts';
import { seenPackets } from '../../src/verify/judge.ts';
import { policyOracle, portProbeTargets } from '../../src/verify/policy-probes.ts';
import { judgePolicy } from '../../src/verify/verdicts.ts';
import { kansRecord, labRecord } from './lab-record.ts';
import { ipv4, sll2 } from './packets.ts';

const rec = () => labRecord('topologies/policy-4node.yaml');
const node = (name: string) => rec().plan.policy.find((p) => p.node === name)!;

test("db's endpoint: ingress governed by the two data policies that select it, in Felix's order", (t) => {
  const w0 = node('k8s-w0');
  t.is(w0.mode, 'iptables');
  t.deepEqual(
    w0.input.endpoints.map((e) => [e.namespace, e.serviceAccount, e.ingress.map((r) => r.name), e.egress]),
    [['data', 'postgres', ['knp.default.allow-api-to-db', 'knp.default.default-deny'], []]],
  );
  const api = node('k8s-w2').input.endpoints.find((e) => e.namespace === 'backend')!;
  t.deepEqual(
    api.ingress.map((r) => r.name),
    ['default.backend-no-icmp'],
    'the global policy selects the backend namespace',
  );
});

test("the selector IP set of allow-api-to-db holds exactly the api pod's address", (t) => {
  const r = rec();
  const w0 = renderPolicyNode(node('k8s-w0'));
  const sets = w0.ipsets.filter((s) => s.selector);
  const api = r.plan.workloads.find((w) => w.pod === 'api')!;
  t.is(sets.length, 1);
  t.deepEqual(sets[0].members, [api.ip]);
  t.regex(sets[0].name, /^cali40s:[\w-]{23}$/);
  const masq = w0.ipsets.find((s) => s.name === 'cali40masq-ipam-pools')!;
  t.deepEqual(masq.members, ['172.16.0.0/16']);
});

test("doc 003's k8s-m (Calico 3.28, no pods): iptables -L's cali lines as the document shows them", (t) => {
  const tables = renderPolicyNode(kansRecord().plan.policy.find((p) => p.node === 'k8s-m')!);
  const filter = listTargets(tables, 'filter').filter((l) => l.includes('cali'));
  t.is(filter[0].replace(/\s+/g, ' '), 'cali-INPUT all');
  t.true(filter.includes('Chain cali-from-wl-dispatch (2 references)'));
  const nat = listTargets(tables, 'nat').filter((l) => l.includes('cali'));
  t.deepEqual(
    nat.filter((l) => l.startsWith('Chain')),
    [
      'Chain cali-OUTPUT (1 references)',
      'Chain cali-POSTROUTING (1 references)',
      'Chain cali-PREROUTING (1 references)',
      'Chain cali-fip-dnat (2 references)',
      'Chain cali-fip-snat (1 references)',
      'Chain cali-nat-outgoing (1 references)',
    ],
  );
});

test('the oracle: the tutorial answers, with the policy that decided', (t) => {
  const r = rec();
  const oracle = policyOracle(r);
  const w = (name: string) => r.plan.workloads.find((x) => x.pod === name)!;
  const tcp = (from: string, to: string, port: number) => oracle({ from: w(from), to: w(to), protocol: 'tcp', port });
  t.like(tcp('api', 'db', 5432), { verdict: 'allowed', policy: 'data/knp.default.allow-api-to-db' });
  t.like(tcp('client', 'db', 5432), {
    verdict: 'denied',
    policy: 'data/knp.default.default-deny',
    direction: 'ingress',
  });
  t.like(oracle({ from: w('web'), to: w('api'), protocol: 'icmp', port: null }), {
    verdict: 'denied',
    policy: 'default.backend-no-icmp',
  });
  t.like(tcp('web', 'api', 8080), { verdict: 'allowed', policy: 'kns.backend' });
  // Port probes: every declared port from every other pod.
  t.is(portProbeTargets(r).length, 4 * 4);
});

const frame = (src: string, dst: string, l4: Buffer, proto: number, ifindex: number) =>
  decodeFrame(LINKTYPE_LINUX_SLL2, sll2(ipv4(src, dst, proto, l4), ifindex, 4));

/** A TCP header with only SYN set. */
function syn(dport: number): Buffer {
  const b = Buffer.alloc(20);
  b.writeUInt16BE(40000, 0);
  b.writeUInt16BE(dport, 2);
  b[12] = 5 << 4;
  b[13] = 0x02;
  return b;
}

test('judgePolicy: delivered to the pod means allowed; a denied probe needs its DROP counter', (t) => {
  const r = rec();
  const oracle = policyOracle(r);
  const client = r.plan.workloads.find((x) => x.pod === 'client')!;
  const db = r.plan.workloads.find((x) => x.pod === 'db')!;
  const target = { from: client, to: db, protocol: 'tcp' as const, port: 5432 };
  const ifnames = new Map([
    [3, client.interface],
    [4, db.interface],
  ]);
  const at = (nodeName: string, ifindex: number) =>
    seenPackets(
      nodeName,
      [
        {
          index: 1,
          time: 0,
          capturedLength: 0,
          originalLength: 0,
          data: Buffer.alloc(0),
          frame: frame(client.ip, db.ip, syn(5432), 6, ifindex),
        },
      ],
      ifnames,
    );
  const sent = at(client.node, 3);
  const denied = judgePolicy(target, oracle(target), sent, false, []);
  t.is(denied.facts.verdict, 'denied');
  t.regex(denied.error ?? '', /no Felix DROP rule on k8s-w2 or k8s-w0 counted it/);
  const noCounters = judgePolicy(target, oracle(target), sent, false, undefined);
  t.is(noCounters.error, undefined, 'nftables mode: the packets alone decide');
  const delivered = judgePolicy(target, oracle(target), [...sent, ...at(db.node, 4)], true, undefined);
  t.is(delivered.facts.verdict, 'allowed');
  t.regex(delivered.error ?? '', /reached cali\w+, but Calico would deny it/);
});

const ALLOW_WEB = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-web, namespace: data}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress: [{from: [{namespaceSelector: {matchLabels: {tier: frontend}}}], ports: [{port: 5432}]}]
`;

test('policyChanges: apply creates, re-apply is unchanged, delete removes; errors name the document', (t) => {
  const r = rec();
  const created = policyChanges(r, ALLOW_WEB, 'allow.yaml', 'apply');
  t.deepEqual(created.messages, ['networkpolicy.networking.k8s.io/allow-web created']);
  t.is(created.topology.policies.length, r.topology.policies.length + 1);
  const again = policyChanges({ ...r, topology: created.topology }, ALLOW_WEB, 'allow.yaml', 'apply');
  t.deepEqual([again.messages, again.changed], [['networkpolicy.networking.k8s.io/allow-web unchanged'], []]);
  const gone = policyChanges({ ...r, topology: created.topology }, ALLOW_WEB, 'allow.yaml', 'delete');
  t.is(gone.topology.policies.length, r.topology.policies.length);
  t.throws(() => policyChanges(r, ALLOW_WEB, 'allow.yaml', 'delete'), {
    message: 'Error from server (NotFound): networkpolicies.networking.k8s.io "allow-web" not found',
  });
  const bad = ALLOW_WEB.replace('{port: 5432}', '{port: 70000}');
  const e = t.throws(() => policyChanges(r, bad, 'allow.yaml', 'apply'), { instanceOf: PolicyInputError });
  t.regex(e!.message, /^allow\.yaml document 1: spec\.ingress\[0\]\.ports\[0\]\.port: /);
  t.true(holdsPolicies(ALLOW_WEB, 'x'));
  t.false(holdsPolicies('apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata: {name: p}\n', 'x'));
  t.throws(() => holdsPolicies(`${ALLOW_WEB}---\napiVersion: projectcalico.org/v3\nkind: IPPool\n`, 'mix.yaml'), {
    message: /mix\.yaml: holds both policies \(NetworkPolicy\) and other resources \(IPPool\)/,
  });
  t.regex(namedPolicyText(r, 'GlobalNetworkPolicy', 'backend-no-icmp'), /"backend-no-icmp"/);
});

test('calilab get networkpolicy -A -o wide / globalnetworkpolicy: calicoctl 3.30 columns', (t) => {
  const r = rec();
  const res = labResources(r);
  const np = getOutput(r, res, { kind: 'NetworkPolicy', names: [], output: 'wide', allNamespaces: true });
  t.is(np.text.split('\n')[0].replace(/\s+/g, ' ').trim(), 'NAMESPACE NAME TIER ORDER SELECTOR');
  t.regex(np.text, /data\s+knp\.default\.default-deny\s+default\s+1000\s+projectcalico\.org\/orchestrator == 'k8s'/);
  t.regex(np.text, /data\s+cache-from-data\s+default\s+500\s+app == 'cache'/);
  const gnp = getOutput(r, res, { kind: 'GlobalNetworkPolicy', names: [], output: 'ps' });
  t.deepEqual(
    gnp.text
      .trim()
      .split('\n')
      .map((l) => l.replace(/\s+/g, ' ').trim()),
    ['NAME TIER', 'backend-no-icmp default'],
  );
});
