// The pure half of the one reconcile path: which kernel objects a change creates, which pod
// namespaces it deletes, and which MTU running pods keep. The kernel half runs end to end.
import test from 'ava';
import { topologyWithoutPod, topologyWithPod } from '../../src/lab/edits.ts';
import { keepPodMtus, namespacesToDelete, objectsToCreate, podSlice } from '../../src/lab/reconcile.ts';
import type { LabRecord } from '../../src/lab/state.ts';
import { buildPlan } from '../../src/plan/plan.ts';
import { doc000 } from './helpers.ts';

const running = (): LabRecord => {
  const topo = doc000();
  return {
    lab: topo.name,
    topologyFile: 'doc000.yaml',
    createdAt: '',
    topology: topo,
    plan: buildPlan(topo),
    processes: [],
  };
};

test('on a fresh lab everything in the plan is created, nothing deleted', (t) => {
  const plan = running().plan;
  t.is(objectsToCreate(undefined, plan), plan);
  t.deepEqual(namespacesToDelete(undefined, plan), []);
});

test('an unchanged plan (a mode patch) creates and deletes nothing', (t) => {
  const rec = running();
  const again = buildPlan(rec.topology);
  const create = objectsToCreate(rec.plan, again);
  t.deepEqual(Object.values(create).flat(), []);
  t.deepEqual(namespacesToDelete(rec.plan, again), []);
});

test("pod add creates only that pod's namespace, veth, /32, routes and the node's proxy-ARP sysctls", (t) => {
  const rec = running();
  const plan = buildPlan(topologyWithPod(rec, { name: 'web', namespace: 'default', node: 'k8s-w2' }));
  const w = plan.workloads.find((x) => x.pod === 'web')!;
  const create = objectsToCreate(rec.plan, plan);
  t.deepEqual(create, podSlice(plan, w));
  t.deepEqual(
    create.namespaces.map((n) => n.name),
    ['calico-ipip-3node-pod-default.web'],
  );
  t.deepEqual(
    create.veths.map(([a, b]) => [a.ns, a.name, b.ns, b.name]),
    [['calico-ipip-3node-node-k8s-w2', w.interface, w.netns, 'eth0']],
  );
  t.deepEqual(create.addresses, [{ ns: w.netns, dev: 'eth0', cidr: `${w.ip}/32` }]);
  t.deepEqual(
    create.routes.map((r) => `${r.ns} ${r.dst} ${r.dev}`),
    [
      `${w.netns} 169.254.1.1/32 eth0`,
      `${w.netns} default eth0`,
      `calico-ipip-3node-node-k8s-w2 ${w.ip}/32 ${w.interface}`,
    ],
  );
  t.deepEqual(
    create.sysctls.map((s) => s.key),
    [
      `net.ipv4.conf.${w.interface}.proxy_arp`,
      `net.ipv4.neigh.${w.interface}.proxy_delay`,
      `net.ipv4.conf.${w.interface}.forwarding`,
    ],
  );
  t.deepEqual([create.links, create.ports], [[], []]);
  t.deepEqual(namespacesToDelete(rec.plan, plan), []);
});

test("pod del deletes only that pod's namespace and creates nothing", (t) => {
  const rec = running();
  const plan = buildPlan(topologyWithoutPod(rec, 'default', 'pod-d'));
  t.deepEqual(namespacesToDelete(rec.plan, plan), ['calico-ipip-3node-pod-default.pod-d']);
  t.deepEqual(Object.values(objectsToCreate(rec.plan, plan)).flat(), []);
});

test('running pods keep the MTU they were created with; new pods get the new one (as in Calico)', (t) => {
  const rec = running();
  const wg = buildPlan({
    ...topologyWithPod(rec, { name: 'late', namespace: 'default', node: 'k8s-w1' }),
    wireguard: true,
  });
  t.true(wg.workloads.every((w) => w.mtu === 1440));
  keepPodMtus(wg, rec.plan);
  t.deepEqual(
    wg.workloads.map((w) => [w.pod, w.mtu]),
    [
      ['pod-a', 1480],
      ['pod-b', 1480],
      ['pod-c', 1480],
      ['pod-d', 1480],
      ['pod-e', 1480],
      ['late', 1440],
    ],
  );
});
