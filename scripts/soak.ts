// npm run soak: doc 000's lab up -> verify -> down N times (default 10) in one process, checking
// that nothing grows: leftover namespaces/processes/files, open file descriptors, memory.
// On a kernel without ipip it runs itself inside calilab's VM.
import { readdirSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { probeDatapath } from '../src/kernel/probe.ts';
import { useSystemPath } from '../src/kernel/system-path.ts';
import { down, up } from '../src/lab/lab.ts';
import { loadTopology } from '../src/topology/load.ts';
import { verifyLab } from '../src/verify/verify.ts';
import { runInVm } from '../src/vm/runner.ts';
import { execa } from 'execa';

export interface SoakCycle {
  cycle: number;
  upMs: number;
  verifyOk: boolean;
  downMs: number;
  netns: number;
  fds: number;
  rssMiB: number;
}

const fds = () => readdirSync('/proc/self/fd').length;
async function netnsCount(): Promise<number> {
  const r = await execa('ip', ['netns', 'list']);
  return r.stdout.split('\n').filter(Boolean).length;
}

export async function soak(
  cycles: number,
  log: (s: string) => void = console.log,
): Promise<{ ok: boolean; rows: SoakCycle[]; problems: string[] }> {
  const topo = loadTopology('topologies/calico-ipip-3node.yaml');
  topo.name = `soak${process.pid % 100000}`;
  const rows: SoakCycle[] = [];
  const baseNetns = await netnsCount();
  for (let c = 1; c <= cycles; c++) {
    let t = Date.now();
    const { record } = await up(topo);
    const upMs = Date.now() - t;
    const report = await verifyLab(record, { pcapDir: `out/soak-${process.pid}` });
    t = Date.now();
    await down(topo.name);
    const row = {
      cycle: c,
      upMs,
      verifyOk: report.ok,
      downMs: Date.now() - t,
      netns: (await netnsCount()) - baseNetns,
      fds: fds(),
      rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20),
    };
    rows.push(row);
    log(
      `cycle ${String(c).padStart(2)}  up ${(upMs / 1000).toFixed(2)} s  verify ${report.ok ? 'ok' : 'FAILED'}  ` +
        `down ${(row.downMs / 1000).toFixed(2)} s  leftover netns ${row.netns}  fds ${row.fds}  rss ${row.rssMiB} MiB`,
    );
  }
  const problems: string[] = [];
  if (rows.some((r) => !r.verifyOk)) problems.push('a verify failed');
  if (rows.some((r) => r.netns !== 0)) problems.push('namespaces left behind');
  // The first cycle warms caches and loads modules; growth is judged from cycle 2 on.
  const second = rows[Math.min(1, rows.length - 1)];
  const last = rows[rows.length - 1];
  if (last.fds > second.fds + 2) problems.push(`file descriptors grew ${second.fds} -> ${last.fds}`);
  if (last.rssMiB > second.rssMiB * 1.5 + 20) problems.push(`memory grew ${second.rssMiB} -> ${last.rssMiB} MiB`);
  return { ok: problems.length === 0, rows, problems };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  useSystemPath();
  const cycles = Number(process.argv[2] ?? 10);
  if (!process.env.CALILAB_IN_VM && !(await probeDatapath()).ipip) {
    console.log("soak: this kernel has no ipip module: running inside calilab's VM");
    const r = await runInVm({ argv: [process.execPath, '--import=tsx', 'scripts/soak.ts', String(cycles)] });
    process.exit(r.exitCode);
  }
  const r = await soak(cycles);
  console.log(r.ok ? `soak: ${cycles} cycles, no growth` : `soak FAILED: ${r.problems.join('; ')}`);
  process.exit(r.ok ? 0 : 1);
}
