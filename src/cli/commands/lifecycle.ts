// A lab's life: up, down, clean, and run (up, verify, down in one go).
import type { Command } from '@commander-js/extra-typings';
import { kernelFacts } from '../../kernel/probe.ts';
import { down, requireRoot } from '../../lab/lab.ts';
import { listLabs, resolveLab } from '../../lab/state.ts';
import { renderPlanText } from '../../plan/batch.ts';
import { buildPlan } from '../../plan/plan.ts';
import { loadTopology } from '../../topology/load.ts';
import type { Topology } from '../../topology/types.ts';
import type { VerifyReport } from '../../verify/verify.ts';
import { note, progress, running } from '../output.ts';
import { downAll, printVerify, ranInVmForIpip, upInterruptible, verifyWithProgress } from '../session.ts';

const printPlan = (topo: Topology) => process.stdout.write(renderPlanText(buildPlan(topo), kernelFacts()));

interface RunOptions {
  verify?: boolean;
  json?: boolean;
  keep?: boolean;
  pcapDir?: string;
  html?: string;
}

/** `run` after its checks: up, verify if asked, down unless --keep (also when verify throws). */
async function upVerifyDown(topo: Topology, o: RunOptions): Promise<void> {
  const { record, timings } = await upInterruptible(topo);
  let report: VerifyReport = { ok: true, pairs: [], outside: [], pcaps: [], droppedByKernel: 0, timings: {} };
  try {
    if (o.verify)
      report = await verifyWithProgress(record, { ...o, pcapDir: o.pcapDir ?? (o.keep ? undefined : 'out/pcap') });
  } finally {
    if (!o.keep) {
      const t = Date.now();
      running('down');
      await down(topo.name);
      timings.down = Date.now() - t;
      progress('down', timings.down);
    }
  }
  report.timings = { ...timings, ...report.timings };
  printVerify(report, o.json);
}

export function register(program: Command): void {
  program
    .command('up')
    .argument('<file>', 'topology YAML file')
    .option('--dry-run', 'print the plan (ip batches, sysctls, BIRD configs) and change nothing')
    .description('build the lab and wait until BGP has converged')
    .action(async (file, o) => {
      const topo = loadTopology(file);
      if (o.dryRun) return void printPlan(topo);
      const { timings } = await upInterruptible(topo);
      const s = (timings.total / 1000).toFixed(2);
      note(`lab ${topo.name} is up in ${s} s; try \`calilab status\`, \`calilab down ${topo.name}\``);
    });

  program
    .command('down')
    .argument('[name]', 'lab name (default: the only running lab)')
    .option('--all', 'every lab calilab has state for')
    .description('remove every namespace, process and file of a lab (idempotent)')
    .action(async (name, o) => {
      requireRoot('calilab down');
      await downAll(o.all ? listLabs() : [name ?? resolveLab().lab]);
    });

  program
    .command('clean')
    .description('remove every lab calilab has state for (like mn -c, but only what calilab recorded)')
    .action(async () => {
      requireRoot('calilab clean');
      const labs = listLabs();
      await downAll(labs);
      if (!labs.length) note('no lab state found; nothing to clean');
    });

  program
    .command('run')
    .argument('<file>', 'topology YAML file')
    .option('--verify', 'ping every ordered pod pair')
    .option('--json', 'print the report as JSON')
    .option('--keep', 'leave the lab up afterwards')
    .option('--pcap-dir <dir>', 'keep the verification pcaps here')
    .option('--html <file>', 'also write a self-contained report page (picture, pair matrix, packets)')
    .option('--dry-run', 'print the plan and change nothing')
    .description('up, verify, down: exit 0 only if every pair answered')
    .action(async (file, o) => {
      const topo = loadTopology(file);
      if (o.dryRun) return void printPlan(topo);
      requireRoot('calilab run');
      if (await ranInVmForIpip()) return;
      await upVerifyDown(topo, o);
    });
}
