// npm test: unit tests on the host; end-to-end tests on the host when its kernel has ipip,
// wireguard and vxlan, else inside calilab's VM (booted once for all of them). Ends with one
// line "N passed, N failed" counted from ava's TAP output of both runs.
import { readdirSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { $, chalk } from 'zx';
import { probeDatapath } from '../src/kernel/probe.ts';
import { useSystemPath } from '../src/kernel/system-path.ts';
import { runInVm } from '../src/vm/runner.ts';

useSystemPath();
$.verbose = false;
const AVA = ['node', 'node_modules/ava/entrypoints/cli.mjs', '--tap'];
// End-to-end files one at a time: several labs at once on the VM's 2 vCPUs only add timeouts.
const E2E = [...AVA, '--concurrency=1'];
const args = process.argv.slice(2);
const only = args.find((a) => a === '--unit' || a === '--e2e');
const totals = { passed: 0, failed: 0 };

/** Files whose ava worker died (signal, uncaught exception, non-zero exit) rather than failed an
 *  assertion: rare under TCG (seen once each: SIGSEGV, a garbled read over 9p). */
export function crashedFiles(tap: string): string[] {
  return [...tap.matchAll(/^not ok \d+ - (test\/\S+\.test\.ts) exited/gm)].map((m) => m[1]);
}

/** TAP lines of `tap` minus every line about `files` (their tests and their crash reports). */
export function withoutFiles(tap: string, files: string[]): string {
  const titles = files.map(
    (f) =>
      f
        .split('/')
        .pop()!
        .replace(/\.test\.ts$/, '') + ' › ',
  );
  return tap
    .split('\n')
    .filter(
      (l) =>
        !/^(not )?ok \d+ - /.test(l) ||
        (!files.some((f) => l.includes(f)) &&
          !titles.some((t) => l.includes(` - ${t}`)) &&
          !l.includes(' - uncaught-exception')),
    )
    .join('\n');
}

function count(tap: string, exitCode: number, phase: string) {
  const passed = tap.match(/^ok \d+/gm)?.length ?? 0;
  const failed = tap.match(/^not ok \d+/gm)?.length ?? 0;
  totals.passed += passed;
  totals.failed += failed;
  if (exitCode !== 0 && failed === 0) {
    totals.failed += 1; // ava itself failed (crash, no tests found, timeout): never a silent pass
    console.log(`# ${phase}: ava exited ${exitCode} without reporting a failed test; counted as 1 failure`);
  }
}

async function unit() {
  console.log(chalk.bold('# unit tests (host, no root needed)'));
  const p = $({ stdio: ['ignore', 'pipe', 'inherit'], nothrow: true })`${AVA} test/unit`;
  p.stdout.pipe(process.stdout);
  const r = await p;
  count(r.stdout, r.exitCode ?? 1, 'unit');
}

async function e2e() {
  const files = readdirSync('test/e2e')
    .filter((f) => f.endsWith('.test.ts'))
    .sort()
    .map((f) => `test/e2e/${f}`);
  if (process.getuid?.() !== 0) {
    console.log('# end-to-end tests need root (they build network namespaces): run `sudo npm test`');
    totals.failed += 1;
    return;
  }
  const where = process.env.CALILAB_E2E_WHERE;
  const s = await probeDatapath();
  const hostCan = s.ipip && s.wireguard && s.vxlan;
  if (where === 'host' || (hostCan && where !== 'vm')) {
    console.log(chalk.bold(`# end-to-end tests on this host's kernel (${files.length} files)`));
    const p = $({ stdio: ['ignore', 'pipe', 'inherit'], nothrow: true })`${E2E} ${files}`;
    p.stdout.pipe(process.stdout);
    const r = await p;
    count(r.stdout, r.exitCode ?? 1, 'e2e');
    return;
  }
  const missing = Object.entries(s)
    .filter(([, ok]) => !ok)
    .map(([m]) => m)
    .join(', ');
  console.log(
    chalk.bold(
      `# this kernel lacks ${missing || 'nothing (VM forced)'}: ` +
        `running the end-to-end tests (${files.length} files) inside calilab's VM`,
    ),
  );
  const inVm = async (list: string[]) => {
    let out = '';
    const r = await runInVm({
      argv: [...E2E, ...list],
      onStdout: (c) => {
        out += c;
        process.stdout.write(c);
      },
      timeoutMs: 40 * 60 * 1000,
    });
    console.log(`# VM: kernel ${r.kernelVersion}, exit ${r.exitCode}, ${(r.totalMs / 1000).toFixed(1)} s`);
    return { out, exitCode: r.exitCode };
  };
  const first = await inVm(files);
  const crashed = crashedFiles(first.out);
  const assertionFailures = withoutFiles(first.out, crashed).match(/^not ok \d+/gm)?.length ?? 0;
  if (!crashed.length || crashed.length > 2) return count(first.out, first.exitCode, 'e2e');
  // A worker process crashed (not an assertion): run just those files once more, in a fresh VM.
  const crashList = crashed.join(', ');
  const them = crashed.length === 1 ? 'it' : 'them';
  console.log(`# worker crashed in ${crashList}: running ${them} once more; their results come from the retry`);
  const again = await inVm(crashed);
  count(withoutFiles(first.out, crashed), assertionFailures ? 1 : 0, 'e2e');
  count(again.out, again.exitCode, 'e2e retry');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    if (only !== '--e2e') await unit();
    if (only !== '--unit') await e2e();
  } catch (e) {
    console.log(`# test run failed: ${(e as Error).message}`);
    totals.failed += 1;
  }
  console.log(`${totals.passed} passed, ${totals.failed} failed`);
  process.exitCode = totals.failed ? 1 : 0;
}
