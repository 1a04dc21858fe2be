// Starts and stops BIRD inside a node namespace. Processes are found again by the pid file and
// only signalled after their command line proves they are this lab's BIRD.
import { existsSync, readFileSync } from 'node:fs';
import { notYet, ready, waitFor } from '../util/wait.ts';
import { KernelError, nsExec } from './exec.ts';
import type { BirdPaths } from '../calico/confd/bird-config.ts';

export async function startBird(ns: string, paths: BirdPaths): Promise<number> {
  // bird forks into the background once its config parsed and its socket is listening.
  await nsExec(`start BIRD in ${ns}`, ns, ['bird', '-c', paths.config, '-s', paths.socket, '-P', paths.pidFile]);
  return waitForPid(paths.pidFile);
}

/** The daemon's child writes its pid file a moment after the parent has exited (seen under
 *  load in the VM: a pid of 0 would be recorded), so wait for it. */
export function waitForPid(pidFile: string, timeoutMs = 10000): Promise<number> {
  return waitFor(
    `wait for ${pidFile}`,
    () => {
      const pid = readPid({ pidFile });
      return pid ? ready(pid) : notYet('no pid written yet');
    },
    { timeoutMs, intervalMs: 50 },
  ).catch((e) => {
    throw new KernelError('start daemon', (e as Error).message, { cause: e });
  });
}

export function readPid(paths: Pick<BirdPaths, 'pidFile'>): number | undefined {
  if (!existsSync(paths.pidFile)) return undefined;
  const pid = Number(readFileSync(paths.pidFile, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** True when `pid` is alive and its command line mentions `marker` (our config path). */
export function isOurProcess(pid: number, marker: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      .split('\0')
      .some((a) => a.includes(marker));
  } catch {
    return false;
  }
}

export async function stopProcess(pid: number, marker: string, waitMs = 3000): Promise<void> {
  if (!isOurProcess(pid, marker)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const gone = () => (isOurProcess(pid, marker) ? notYet('still running') : ready(true));
  await waitFor(`stop ${pid}`, gone, { timeoutMs: waitMs, intervalMs: 50 }).catch(() => undefined);
  if (isOurProcess(pid, marker)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}
