// Bringing a lab up and down. `up` records the plan before its first kernel change and, if any
// step fails, removes everything it made before rethrowing with the failed step's name.
import { isOurProcess, readPid, stopProcess } from '../kernel/bird.ts';
import { KernelError } from '../kernel/exec.ts';
import { deleteNamespaces, liveNamespaces } from '../kernel/namespaces.ts';
import { loadModules, neighbourCapacity, probeDatapath } from '../kernel/probe.ts';
import { nodeNs, outsideNs, podNs, routerNs } from '../plan/naming.ts';
import { buildPlan, neighbourEntries, type Plan } from '../plan/plan.ts';
import type { Topology } from '../topology/types.ts';
import { reconcile, type StepReporter } from './reconcile.ts';
import { claimLab, readRecord, removeLabDir, writeRecord, type LabRecord } from './state.ts';

export interface UpResult {
  record: LabRecord;
  timings: Record<string, number>;
}

export class PrivilegeError extends Error {}

export function requireRoot(what: string): void {
  if (process.getuid?.() !== 0)
    throw new PrivilegeError(`${what} changes network namespaces and needs root; run it with sudo`);
}

/** Refuses a lab this kernel cannot build: a missing tunnel module, or too small an ARP table. */
async function checkKernel(topo: Topology, plan: Plan): Promise<void> {
  await loadModules(['ipip', 'veth', 'bridge', 'vxlan', ...(topo.wireguard ? ['wireguard'] : [])]);
  const support = await probeDatapath();
  // calico-node loads ipip only for an IPIP pool; a VXLAN or unencapsulated lab runs without it.
  const needsIpip = topo.ipPools.some((p) => !p.disabled && p.ipipMode !== 'Never');
  if ((needsIpip && !support.ipip) || (topo.wireguard && !support.wireguard)) {
    const missing = needsIpip && !support.ipip ? 'ipip' : 'wireguard';
    throw new KernelError(
      'check kernel',
      `this kernel cannot create ${missing} links (no ${missing} module); ` +
        'run calilab inside the VM: `sudo npx calilab vm -- npx calilab ...`',
    );
  }
  const need = neighbourEntries(plan);
  const cap = neighbourCapacity();
  if (need > cap) {
    const t3 = 2 ** Math.ceil(Math.log2(need * 2));
    const t2 = 2 ** Math.ceil(Math.log2(need));
    const sysctl = `sudo sysctl -w net.ipv4.neigh.default.gc_thresh3=${t3} net.ipv4.neigh.default.gc_thresh2=${t2}`;
    throw new KernelError(
      'check kernel',
      `lab ${topo.name} needs about ${need} ARP entries, but the kernel's table (shared by every namespace) ` +
        `holds ${cap}: raise it with \`${sysctl}\`, or run in calilab's VM, which does`,
    );
  }
}

export async function up(topo: Topology, report: StepReporter = () => {}): Promise<UpResult> {
  requireRoot('calilab up');
  const started = Date.now();
  const timings: Record<string, number> = {};
  const plan = buildPlan(topo);
  await checkKernel(topo, plan);
  claimLab(topo.name);
  // Recorded before the first kernel change, so that `down` always finds what `up` made.
  const record: LabRecord = {
    lab: topo.name,
    topologyFile: topo.file,
    createdAt: new Date().toISOString(),
    topology: topo,
    plan,
    processes: [],
  };
  writeRecord(record);
  try {
    // Big generated clusters (the scale benchmark) converge in minutes under TCG, not seconds.
    const convergeMs = Math.max(60000, topo.nodes.length * 3000);
    await reconcile(record, topo, plan, true, { report, timings, convergeMs });
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
  // A record that cannot be read still leaves the lab's namespaces findable by their prefixes.
  const rec = (() => {
    try {
      return readRecord(lab);
    } catch {
      return undefined;
    }
  })();
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
  await Promise.all(
    procs.map(async (p) => {
      if (isOurProcess(p.pid, p.marker)) {
        processes++;
        await stopProcess(p.pid, p.marker);
      }
    }),
  );
  const namespaces = await labNamespaces(lab, rec?.plan);
  await deleteNamespaces(namespaces);
  removeLabDir(lab);
  return { namespaces: namespaces.length, processes };
}
