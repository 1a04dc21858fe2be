// Bringing a lab up and down. `up` records the plan before its first kernel change and, if any
// step fails, removes everything it made before rethrowing with the failed step's name.
import { writeFileSync } from 'node:fs';
import { isOurProcess, readPid, startBird, stopProcess } from '../kernel/bird.ts';
import { ipBatch, KernelError, nsExec } from '../kernel/exec.ts';
import { applyFelix } from '../kernel/felix.ts';
import { deleteNamespaces, liveNamespaces } from '../kernel/namespaces.ts';
import { kernelFacts, loadModules, neighbourCapacity, probeDatapath } from '../kernel/probe.ts';
import { namespaceBatches, rootBatch, sysctlArgs } from '../plan/batch.ts';
import { nodeNs, outsideNs, podNs, routerNs } from '../plan/naming.ts';
import { buildPlan, neighbourEntries, type Plan } from '../plan/plan.ts';
import type { Topology } from '../topology/types.ts';
import { startTor } from '../kernel/tor.ts';
import { waitConverged } from './converge.ts';
import { claimLab, readRecord, removeLabDir, writeRecord, type LabRecord } from './state.ts';

/** Called when a step finishes; `start`, when given, when it begins (the CLI's spinner). */
export type StepReporter = ((step: string, ms: number) => void) & { start?: (step: string) => void };

export interface UpResult {
  record: LabRecord;
  timings: Record<string, number>;
}

export class PrivilegeError extends Error {}

export function requireRoot(what: string): void {
  if (process.getuid?.() !== 0) throw new PrivilegeError(`${what} changes network namespaces and needs root; run it with sudo`);
}

async function timed<T>(timings: Record<string, number>, step: string, report: StepReporter, fn: () => Promise<T>): Promise<T> {
  report.start?.(step);
  const t = Date.now();
  const r = await fn();
  timings[step] = Date.now() - t;
  report(step, timings[step]);
  return r;
}

/** Test hook (issue 8): CALILAB_FAIL_AT=<step> makes that step fail after it ran. */
function faultPoint(step: string) {
  if (process.env.CALILAB_FAIL_AT === step) throw new KernelError(step, 'failure injected by CALILAB_FAIL_AT');
}

export async function up(topo: Topology, report: StepReporter = () => {}): Promise<UpResult> {
  requireRoot('calilab up');
  const started = Date.now();
  const timings: Record<string, number> = {};
  const plan = buildPlan(topo);
  await loadModules(['ipip', 'veth', 'bridge', 'vxlan', ...(topo.wireguard ? ['wireguard'] : [])]);
  const support = await probeDatapath();
  if (!support.ipip || (topo.wireguard && !support.wireguard)) {
    const missing = !support.ipip ? 'ipip' : 'wireguard';
    throw new KernelError('check kernel', `this kernel cannot create ${missing} links (no ${missing} module); run calilab inside the VM: \`sudo npx calilab vm -- npx calilab ...\``);
  }
  const facts = kernelFacts();
  const need = neighbourEntries(plan);
  const cap = neighbourCapacity();
  if (need > cap) {
    throw new KernelError('check kernel', `lab ${topo.name} needs about ${need} ARP entries, but the kernel's table (shared by every namespace) holds ${cap}: raise it with \`sudo sysctl -w net.ipv4.neigh.default.gc_thresh3=${2 ** Math.ceil(Math.log2(need * 2))} net.ipv4.neigh.default.gc_thresh2=${2 ** Math.ceil(Math.log2(need))}\`, or run in calilab's VM, which does`);
  }
  claimLab(topo.name);
  const record: LabRecord = { lab: topo.name, topologyFile: topo.file, createdAt: new Date().toISOString(), topology: topo, plan, processes: [] };
  writeRecord(record);
  try {
    await timed(timings, 'namespaces and links', report, async () => {
      await ipBatch('create namespaces and veths', rootBatch(plan));
      faultPoint('namespaces');
      const batches = namespaceBatches(plan, facts);
      await Promise.all([...batches].map(([ns, lines]) => ipBatch(`configure ${ns}`, lines, ns)));
      faultPoint('addresses');
      await Promise.all([...sysctlArgs(plan)].map(([ns, args]) => nsExec(`sysctls in ${ns}`, ns, ['sysctl', '-q', '-w', ...args])));
      faultPoint('sysctls');
      await applyFelix(plan, true);
      faultPoint('felix');
    });
    await timed(timings, 'BIRD started', report, async () => {
      for (const n of plan.nodes) writeFileSync(n.bird.config, n.bird.text, { mode: 0o600 });
      const pids = await Promise.all(plan.nodes.map((n) => startBird(n.netns, n.bird)));
      plan.nodes.forEach((n, i) => record.processes.push({ pid: pids[i], what: `bird ${n.name}`, marker: n.bird.config }));
      writeRecord(record);
      if (plan.tor) {
        record.processes.push(...await startTor(plan.tor, plan.stateDir));
        writeRecord(record);
      }
      faultPoint('bird');
    });
    // Big generated clusters (the scale benchmark) converge in minutes under TCG, not seconds.
    await timed(timings, 'BGP converged', report, () => waitConverged(topo, plan, Math.max(60000, topo.nodes.length * 3000)));
    faultPoint('converged');
  } catch (e) {
    await down(topo.name).catch(() => {});
    throw e;
  }
  timings.total = Date.now() - started;
  return { record, timings };
}

/** Namespaces of a lab: the recorded plan's, else any that carry the lab's role prefixes. */
async function labNamespaces(lab: string, plan?: Plan): Promise<string[]> {
  const live = await liveNamespaces();
  const ours = new Set(plan?.namespaces.map((n) => n.name) ?? []);
  const prefixes = [routerNs(lab), nodeNs(lab, ''), podNs(lab, '', '').slice(0, -1), outsideNs(lab, '')];
  return live.filter((n) => ours.has(n) || (!plan && prefixes.some((p) => n === p || n.startsWith(p))));
}

/** Removes every namespace, process and file of a lab. Idempotent. */
export async function down(lab: string): Promise<{ namespaces: number; processes: number }> {
  requireRoot('calilab down');
  const rec = readRecord(lab);
  let processes = 0;
  const procs = [...(rec?.processes ?? [])];
  for (const n of rec?.plan.nodes ?? []) {
    const pid = readPid(n.bird);
    if (pid && !procs.some((p) => p.pid === pid)) procs.push({ pid, what: `bird ${n.name}`, marker: n.bird.config });
  }
  // A top-of-rack daemon that forked before its pid reached lab.json is found by its pid file.
  const tor = rec?.plan.tor?.paths;
  for (const f of tor ? [tor.pidFile, tor.zebraPidFile].filter(Boolean) : []) {
    const pid = readPid({ pidFile: f });
    // BIRD (-P) and FRR (-i) both carry their pid file on the command line.
    if (pid && !procs.some((p) => p.pid === pid)) procs.push({ pid, what: 'top-of-rack', marker: f });
  }
  await Promise.all(procs.map(async (p) => {
    if (isOurProcess(p.pid, p.marker)) {
      processes++;
      await stopProcess(p.pid, p.marker);
    }
  }));
  const namespaces = await labNamespaces(lab, rec?.plan);
  await deleteNamespaces(namespaces);
  removeLabDir(lab);
  return { namespaces: namespaces.length, processes };
}

