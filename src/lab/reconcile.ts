// The one path by which a lab's kernel state follows its topology: `up` (from nothing), `patch`,
// `pod add|del` (and next `apply -f`) all compute the desired plan and call reconcile(), which
// makes only what differs from the recorded plan, in Calico's order: the CNI plugin's pod
// wiring, Felix's dataplane, confd's BIRD config (started, or re-read on BIRD's socket), the
// top-of-rack router; then records the plan (atomically) and waits for BGP to converge.
import { writeFileSync } from 'node:fs';
import { birdCommand } from '../kernel/bird-socket.ts';
import { readPid, startBird, stopProcess } from '../kernel/bird.ts';
import { ipBatch, KernelError, nsExec } from '../kernel/exec.ts';
import { applyFelix } from '../kernel/felix.ts';
import { listenerWhat, startListeners } from '../kernel/listeners.ts';
import { applyPolicyPlane } from '../kernel/policy.ts';
import { deleteNamespaces } from '../kernel/namespaces.ts';
import { kernelFacts } from '../kernel/probe.ts';
import { startTor } from '../kernel/tor.ts';
import { namespaceBatches, rootBatch, sysctlArgs } from '../plan/batch.ts';
import { mergeObjects, noObjects, type KernelObjects } from '../plan/objects.ts';
import type { Listener, NodePlan, Plan, WorkloadEndpoint } from '../plan/plan.ts';
import type { Topology } from '../topology/types.ts';
import { waitConverged } from './converge.ts';
import { writeRecord, type LabRecord } from './state.ts';

/** Called when a step finishes; `start`, when given, when it begins (the CLI's spinner). */
export type StepReporter = ((step: string, ms: number) => void) & { start?: (step: string) => void };

export interface ReconcileOptions {
  report?: StepReporter;
  /** Filled with each step's duration in ms. */
  timings?: Record<string, number>;
  /** Convergence deadline (big generated clusters converge in minutes under TCG). */
  convergeMs?: number;
}

/** Test hook (issue 8): CALILAB_FAIL_AT=<step> makes that step fail after it ran. */
function faultPoint(step: string): void {
  if (process.env.CALILAB_FAIL_AT === step) throw new KernelError(step, 'failure injected by CALILAB_FAIL_AT');
}

async function timed<T>(step: string, o: ReconcileOptions, fn: () => Promise<T>): Promise<T> {
  o.report?.start?.(step);
  const t = Date.now();
  const r = await fn();
  const ms = Date.now() - t;
  if (o.timings) o.timings[step] = ms;
  o.report?.(step, ms);
  return r;
}

/** As in Calico, running pods keep the MTU they were created with; only new pods get the new one. */
export function keepPodMtus(plan: Plan, running: Plan | undefined): void {
  for (const w of plan.workloads) w.mtu = running?.workloads.find((o) => o.netns === w.netns)?.mtu ?? w.mtu;
}

/** Only the plan objects that belong to workload `w`: its namespace, veth, address, routes, sysctls. */
export function podSlice(plan: Plan, w: WorkloadEndpoint): KernelObjects {
  return {
    namespaces: plan.namespaces.filter((n) => n.name === w.netns),
    links: [],
    ports: [],
    veths: plan.veths.filter(([a, b]) => a.ns === w.netns || b.ns === w.netns),
    addresses: plan.addresses.filter((a) => a.ns === w.netns),
    routes: plan.routes.filter((r) => r.ns === w.netns || (r.ns === w.nodeNetns && r.dev === w.interface)),
    sysctls: plan.sysctls.filter((s) => s.ns === w.nodeNetns && s.key.includes(`.${w.interface}.`)),
  };
}

/** The kernel objects to create: everything on a fresh lab, else the slices of new pods. */
export function objectsToCreate(running: Plan | undefined, plan: Plan): KernelObjects {
  if (!running) return plan;
  const known = new Set(running.workloads.map((w) => w.netns));
  const out = noObjects();
  for (const w of plan.workloads.filter((x) => !known.has(x.netns))) mergeObjects(out, podSlice(plan, w));
  return out;
}

/** Namespaces of pods the running lab has and the new plan has not. */
export function namespacesToDelete(running: Plan | undefined, plan: Plan): string[] {
  const wanted = new Set(plan.namespaces.map((n) => n.name));
  return (running?.workloads ?? []).map((w) => w.netns).filter((ns) => !wanted.has(ns));
}

/** Namespaces and veths from the root namespace, then one batch and one sysctl per namespace.
 *  `ns` names only the namespaces this call creates; the rest already exist. */
async function createObjects(objects: KernelObjects, extraNamespaces: string[]): Promise<void> {
  await ipBatch('create namespaces and veths', rootBatch(objects));
  faultPoint('namespaces');
  const batches = namespaceBatches(objects, kernelFacts(), extraNamespaces);
  await Promise.all([...batches].map(([ns, lines]) => ipBatch(`configure ${ns}`, lines, ns)));
  faultPoint('addresses');
  const sysctls = [...sysctlArgs(objects)];
  await Promise.all(sysctls.map(([ns, args]) => nsExec(`sysctls in ${ns}`, ns, ['sysctl', '-q', '-w', ...args])));
  faultPoint('sysctls');
}

/** New pods on a running lab: recorded first (as `up` does), and removed again if any step
 *  fails, so that a failed change leaves the lab as it was. */
async function createOnRunningLab(rec: LabRecord, create: KernelObjects): Promise<void> {
  const names = create.namespaces.map((n) => n.name);
  rec.plan.namespaces.push(...create.namespaces);
  writeRecord(rec);
  try {
    await createObjects(
      create,
      [...new Set(create.routes.map((r) => r.ns))].filter((ns) => !names.includes(ns)),
    );
  } catch (e) {
    await deleteNamespaces(names);
    rec.plan.namespaces = rec.plan.namespaces.filter((n) => !names.includes(n.name));
    writeRecord(rec);
    throw e;
  }
}

/** BIRD per node: started where none runs, else `configure` where its config text changed. */
async function reconcileBird(rec: LabRecord, plan: Plan, fresh: boolean): Promise<void> {
  const before = (n: NodePlan) => rec.plan.nodes.find((o) => o.name === n.name)?.bird.text;
  const changed = plan.nodes.filter((n) => fresh || n.bird.text !== before(n));
  for (const n of changed) writeFileSync(n.bird.config, n.bird.text, { mode: 0o600 });
  const start = fresh ? changed : changed.filter((n) => !readPid(n.bird));
  const reload = changed.filter((n) => !start.includes(n));
  const pids = await Promise.all(start.map((n) => startBird(n.netns, n.bird)));
  rec.processes.push(...start.map((n, i) => ({ pid: pids[i], what: `bird ${n.name}`, marker: n.bird.config })));
  if (start.length) writeRecord(rec);
  await Promise.all(reload.map((n) => birdCommand(n.bird.socket, 'configure')));
  if (fresh && plan.tor) {
    rec.processes.push(...(await startTor(plan.tor, plan.stateDir)));
    writeRecord(rec);
  }
}

const listenerKey = (l: Listener) => `${l.netns}/${l.protocol}/${l.port}`;

/** A listener per declared pod port: started where the running lab has none, stopped (by the pid
 *  the record holds) where the pod or its port went away. Recorded at once, so `down` finds them. */
async function reconcileListeners(rec: LabRecord, plan: Plan, fresh: boolean): Promise<void> {
  const running = new Set(fresh ? [] : (rec.plan.listeners ?? []).map(listenerKey));
  const wanted = new Set(plan.listeners.map(listenerKey));
  const gone = (rec.plan.listeners ?? []).filter((l) => !fresh && !wanted.has(listenerKey(l)));
  for (const l of gone) {
    const p = rec.processes.find((x) => x.what === listenerWhat(l));
    if (p) await stopProcess(p.pid, p.marker);
    rec.processes = rec.processes.filter((x) => x !== p);
  }
  const started = await startListeners(
    plan.listeners.filter((l) => !running.has(listenerKey(l))),
    plan.stateDir,
  );
  rec.processes.push(...started);
  if (gone.length || started.length) writeRecord(rec);
}

/**
 * Brings the kernel from the recorded plan (`rec.plan`, or nothing when `fresh`) to `plan`,
 * built from `topo`. The caller has recorded `plan`'s namespaces first when fresh, so that a
 * failure leaves `down` able to find everything.
 */
export async function reconcile(
  rec: LabRecord,
  topo: Topology,
  plan: Plan,
  fresh: boolean,
  o: ReconcileOptions = {},
): Promise<void> {
  const running = fresh ? undefined : rec.plan;
  keepPodMtus(plan, running);
  await timed('namespaces and links', o, async () => {
    const create = objectsToCreate(running, plan);
    if (fresh) await createObjects(create, []);
    else await createOnRunningLab(rec, create);
    await deleteNamespaces(namespacesToDelete(running, plan));
    // Felix reprograms only what changed: a new block or pod (WireGuard's allowed IPs), a mode.
    if (fresh || JSON.stringify(plan.felix) !== JSON.stringify(rec.plan.felix)) await applyFelix(plan, fresh);
    faultPoint('felix');
  });
  await timed('policy programmed', o, async () => {
    // Felix's policy plane; then what listens on the pods' declared ports.
    await applyPolicyPlane(plan.policy, fresh ? undefined : (rec.plan.policy ?? []));
    await reconcileListeners(rec, plan, fresh);
    faultPoint('policy');
  });
  await timed('BIRD started', o, async () => {
    await reconcileBird(rec, plan, fresh);
    faultPoint('bird');
  });
  rec.topology = topo;
  rec.plan = plan;
  writeRecord(rec);
  await timed('BGP converged', o, () => waitConverged(topo, plan, o.convergeMs));
  faultPoint('converged');
}
