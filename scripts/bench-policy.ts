// npm run bench (as root) → programming Felix's policy plane: 50 policies on a generated 10-node,
// 100-pod cluster, calilab's whole apply (ipset restore, then iptables-restore per node, all nodes
// in parallel; the rules are rendered when the plan is built, as for `up`) against the floor
// measured in the same run: one iptables-restore of the very same rules per node, its IP sets made
// beforehand and not timed. Then a live change (one policy added): iptables-save, the diff Felix
// would apply, iptables-restore. Node namespaces only (no pods, no BIRD): what is measured is the
// programming, which a running lab adds to nothing else.
// Last, on a VXLAN copy of topologies/policy-4node.yaml (no ipip module needed), a policy change to
// a converged verdict: `apply` of a NetworkPolicy until web's TCP handshake with db:5432 succeeds.
import { $ } from 'zx';
import { ipsetRestore, iptablesRestore } from '../src/calico/felix/iptables/index.ts';
import { renderPolicyNode } from '../src/calico/felix/policy-plane.ts';
import { applyPolicies } from '../src/calico/calicoctl/apply.ts';
import { probePort } from '../src/kernel/connect.ts';
import { applyPolicyPlane } from '../src/kernel/policy.ts';
import { down, up } from '../src/lab/lab.ts';
import { resolveLab } from '../src/lab/state.ts';
import { loadTopology } from '../src/topology/load.ts';
import { useSystemPath } from '../src/kernel/system-path.ts';
import { buildPlan } from '../src/plan/plan.ts';
import { validateTopology } from '../src/topology/validate.ts';

$.verbose = false;
useSystemPath();
const LAB = 'bench-pol';
const NODES = 10;
const PODS = 100;
const POLICIES = 50;
const RUNS = 5;

function k8sPolicy(i: number, ns: string) {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: `np-${i}`, namespace: ns },
    spec: {
      podSelector: { matchLabels: { app: `a${i % 5}` } },
      ingress: [
        { from: [{ podSelector: { matchLabels: { app: `a${(i + 1) % 5}` } } }], ports: [{ port: 8000 + i }] },
        { from: [{ namespaceSelector: { matchLabels: { team: `t${i % 3}` } } }], ports: [{ port: 443 }] },
      ],
    },
  };
}

function calicoPolicy(i: number, ns: string) {
  return {
    apiVersion: 'projectcalico.org/v3',
    kind: 'NetworkPolicy',
    metadata: { name: `cp-${i}`, namespace: ns },
    spec: {
      order: 100 + i,
      selector: `app == 'a${i % 5}'`,
      ingress: [
        { action: 'Deny', protocol: 'TCP', source: { nets: ['10.99.0.0/16'] } },
        { action: 'Allow', protocol: 'UDP', destination: { ports: [53, '8000:8100'] } },
      ],
      egress: [{ action: 'Allow' }],
    },
  };
}

function topology(policies: number) {
  const namespaces = Array.from({ length: 10 }, (_, i) => ({ name: `ns${i}`, labels: { team: `t${i % 3}` } }));
  return validateTopology(
    {
      name: LAB,
      underlay: { subnets: [{ cidr: '10.10.0.0/24', gateway: '10.10.0.1' }] },
      nodes: Array.from({ length: NODES }, (_, i) => ({ name: `n${i}`, ip: `10.10.0.${10 + i}` })),
      ipPools: [{ cidr: '10.244.0.0/16', natOutgoing: true }],
      namespaces,
      pods: Array.from({ length: PODS }, (_, i) => ({
        name: `p${i}`,
        namespace: `ns${i % 10}`,
        node: `n${i % NODES}`,
        labels: { app: `a${i % 5}` },
      })),
      policies: Array.from({ length: policies }, (_, i) =>
        i % 2 ? calicoPolicy(i, `ns${i % 10}`) : k8sPolicy(i, `ns${i % 10}`),
      ),
    },
    'bench-policy',
  );
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function fresh(namespaces: string[]): Promise<void> {
  await Promise.all(namespaces.map((ns) => $`ip netns del ${ns}`.nothrow().quiet()));
  await Promise.all(namespaces.map((ns) => $`ip netns add ${ns}`));
}

const plan = buildPlan(topology(POLICIES));
const namespaces = plan.policy.map((p) => p.netns);
const tables = plan.policy.map(renderPolicyNode);
const rules = tables.map((t) =>
  Object.values(t.tables).reduce((n, x) => n + x.chains.flatMap((c) => c.rules).length, 0),
);
const ours: number[] = [];
const floor: number[] = [];
const live: number[] = [];
try {
  for (let r = 0; r < RUNS; r++) {
    await fresh(namespaces);
    let t = performance.now();
    await applyPolicyPlane(plan.policy, undefined);
    ours.push(performance.now() - t);

    await fresh(namespaces);
    await Promise.all(
      tables.map((x, i) => $({ input: ipsetRestore(x.ipsets) })`ip netns exec ${namespaces[i]} ipset restore`),
    );
    const inputs = tables.map((x) => iptablesRestore(x));
    t = performance.now();
    await Promise.all(
      inputs.map((input, i) => $({ input })`ip netns exec ${namespaces[i]} iptables-restore --noflush`),
    );
    floor.push(performance.now() - t);

    const changed = buildPlan(topology(POLICIES + 1));
    t = performance.now();
    await applyPolicyPlane(changed.policy, plan.policy);
    live.push(performance.now() - t);
  }
} finally {
  await Promise.all(namespaces.map((ns) => $`ip netns del ${ns}`.nothrow().quiet()));
}
const [o, f, l] = [median(ours), median(floor), median(live)];
console.log(
  `policy plane: ${POLICIES} policies, ${NODES} nodes, ${PODS} pods, ${Math.min(...rules)}-${Math.max(...rules)} ` +
    `rules per node (median of ${RUNS})`,
);
console.log(`calilab programming (ipset restore + iptables-restore)    ${o.toFixed(0)} ms`);
console.log(`floor: one iptables-restore of the same rules per node    ${f.toFixed(0)} ms`);
console.log(`ratio calilab / floor: ${(o / f).toFixed(2)}x`);
console.log(`live change (one policy added: iptables-save, diff, restore) ${l.toFixed(0)} ms`);

const ALLOW = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-web, namespace: data}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress: [{from: [{namespaceSelector: {matchLabels: {tier: frontend}}}], ports: [{port: 5432}]}]
`;

/** apply → the first TCP handshake web → db:5432 that succeeds (it was denied before). */
async function changeToVerdict(): Promise<number[]> {
  const topo = loadTopology('topologies/policy-4node.yaml');
  topo.name = 'bench-polx';
  topo.ipPools[0] = { ...topo.ipPools[0], ipipMode: 'Never', vxlanMode: 'Always' };
  const times: number[] = [];
  try {
    let rec = (await up(topo)).record;
    const web = rec.plan.workloads.find((w) => w.pod === 'web')!;
    const db = rec.plan.workloads.find((w) => w.pod === 'db')!;
    for (let r = 0; r < RUNS; r++) {
      const t = performance.now();
      await applyPolicies(rec, ALLOW, 'allow-web.yaml', 'apply');
      while (!(await probePort(web.netns, db.ip, 5432, 'tcp', 1)).ok) {
        if (performance.now() - t > 30_000) throw new Error('web never reached db:5432 after the allow');
      }
      times.push(performance.now() - t);
      rec = resolveLab(topo.name);
      await applyPolicies(rec, ALLOW, 'allow-web.yaml', 'delete');
      rec = resolveLab(topo.name);
    }
  } finally {
    await down(topo.name).catch(() => undefined);
  }
  return times;
}

const verdict = await changeToVerdict();
console.log(
  `policy change to converged verdict (apply, then web > db:5432 handshakes)  ${median(verdict).toFixed(0)} ms`,
);
