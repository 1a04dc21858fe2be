// Steps several commands share around a lab's life: bringing it up so that Ctrl-C cleans up,
// taking labs down with a progress line each, re-running in calilab's VM where this kernel cannot
// build the datapath, and writing the HTML report.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { probeDatapath } from '../kernel/probe.ts';
import { down, up, type UpResult } from '../lab/lab.ts';
import type { LabRecord } from '../lab/state.ts';
import { renderHtml } from '../report/html.ts';
import type { Topology } from '../topology/types.ts';
import { verifyLab, type VerifyReport } from '../verify/verify.ts';
import { runInVm } from '../vm/runner.ts';
import { EXIT, note, printAs, progress, running } from './output.ts';
import { renderVerify } from './render.ts';

/** Ctrl-C during `up` removes what was made so far (up's own rollback covers failures). */
export async function upInterruptible(topo: Topology): Promise<UpResult> {
  const onSignal = () => {
    process.stderr.write(`\ninterrupted: removing lab ${topo.name}\n`);
    down(topo.name).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await up(
      topo,
      Object.assign((step: string, ms: number) => progress(step, ms), { start: running }),
    );
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

export async function downAll(labs: string[]): Promise<void> {
  for (const lab of labs) {
    const t = Date.now();
    const r = await down(lab);
    progress(`down ${lab} (${r.namespaces} netns, ${r.processes} processes)`, Date.now() - t);
  }
}

/**
 * The main jobs must work everywhere: where this kernel has no ipip, the same command line runs
 * inside calilab's VM (Debian's kernel) and its exit code becomes ours. Returns whether it did;
 * inside the VM (CALILAB_IN_VM) it never does, so a VM without ipip fails plainly instead of looping.
 */
export async function ranInVmForIpip(): Promise<boolean> {
  if (process.env.CALILAB_IN_VM || (await probeDatapath()).ipip) return false;
  note("this kernel has no ipip module: running the same command inside calilab's VM (Debian kernel)");
  const r = await runInVm({ argv: [process.execPath, process.argv[1], ...process.argv.slice(2)] });
  process.exitCode = r.exitCode;
  return true;
}

/** `verify` and `run --verify`: every pair judged from packets, with progress, and the HTML page if asked. */
export async function verifyWithProgress(
  rec: LabRecord,
  o: { pcapDir?: string; html?: string },
): Promise<VerifyReport> {
  running(`verifying ${rec.plan.workloads.length * (rec.plan.workloads.length - 1)} pod pairs`);
  const report = await verifyLab(rec, { pcapDir: o.pcapDir });
  progress(`verified ${report.pairs.length} pairs`, report.timings.verify);
  if (o.html) writeHtml(o.html, rec, report);
  return report;
}

/** The report as JSON or table; the exit code says whether every pair behaved as Calico would. */
export function printVerify(report: VerifyReport, json?: boolean): void {
  printAs(json ? 'json' : undefined, report, () => renderVerify(report));
  process.exitCode = report.ok ? EXIT.ok : EXIT.verifyFailed;
}

export function writeHtml(file: string, rec: LabRecord, report: VerifyReport): void {
  mkdirSync(dirname(resolvePath(file)), { recursive: true });
  writeFileSync(file, renderHtml(rec.topology, rec.plan, report));
  note(`report: ${resolvePath(file)}`);
}
