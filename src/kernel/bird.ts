// Starts and stops BIRD inside a node namespace. Processes are found again by the pid file and
// only signalled after their command line proves they are this lab's BIRD.
import { existsSync, readFileSync } from 'node:fs';
import { nsExec } from './exec.ts';
import type { BirdPaths } from '../calico/confd/bird-config.ts';

export async function startBird(ns: string, paths: BirdPaths): Promise<number> {
  // bird forks into the background once its config parsed and its socket is listening.
  await nsExec(`start BIRD in ${ns}`, ns, ['bird', '-c', paths.config, '-s', paths.socket, '-P', paths.pidFile]);
  return waitForPid(paths.pidFile);
}

/** The daemon's child writes its pid file a moment after the parent has exited (seen under
 *  load in the VM: a pid of 0 would be recorded), so wait for it. */
export async function waitForPid(pidFile: string, timeoutMs = 10000): Promise<number> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const pid = readPid({ pidFile });
    if (pid) return pid;
    if (Date.now() > until) throw new Error(`${pidFile}: no pid after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function readPid(paths: Pick<BirdPaths, 'pidFile'>): number | undefined {
  if (!existsSync(paths.pidFile)) return undefined;
  const pid = Number(readFileSync(paths.pidFile, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** True when `pid` is alive and its command line mentions `marker` (our config path). */
export function isOurProcess(pid: number, marker: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').some((a) => a.includes(marker));
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
  const until = Date.now() + waitMs;
  while (Date.now() < until && isOurProcess(pid, marker)) await new Promise((r) => setTimeout(r, 50));
  if (isOurProcess(pid, marker)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}
