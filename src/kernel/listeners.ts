// Something listening on each declared pod port (pods[].ports), as a container would: one socat
// per port inside the pod's namespace. `ip netns exec` execs socat in place, so the child's pid
// is socat's own; the output file under the lab's state dir is the marker `down` checks before
// it signals the pid. Ready means the socket is bound: read from /proc/<pid>/net/{tcp,udp},
// which shows the socket table of the process's own namespace, so no process is spawned to poll.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { notYet, ready, waitFor } from '../util/wait.ts';
import type { Listener } from '../plan/plan.ts';
import { KernelError } from './exec.ts';

/** How the lab record names a listener's process (and how reconcile finds it again). */
export const listenerWhat = (l: Listener) => `socat ${l.netns} ${l.protocol.toLowerCase()}/${l.port}`;

export interface StartedListener {
  pid: number;
  what: string;
  marker: string;
}

const markerFile = (dir: string, l: Listener) => join(dir, `${l.netns}-${l.protocol.toLowerCase()}-${l.port}`);

function listenArgs(l: Listener, marker: string): string[] {
  // -u: one direction only, peer to file; fork keeps accepting after the first probe.
  const address = l.protocol === 'TCP' ? `TCP-LISTEN:${l.port},fork,reuseaddr` : `UDP-RECVFROM:${l.port},fork`;
  return ['netns', 'exec', l.netns, 'socat', '-u', address, `OPEN:${marker},creat,append`];
}

/** Whether /proc/<pid>/net/<proto> lists a socket bound to `port` (TCP: in LISTEN, state 0A). */
export function isBound(table: string, port: number, tcp: boolean): boolean {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  return table
    .split('\n')
    .slice(1)
    .some((line) => {
      const f = line.trim().split(/\s+/);
      return f[1]?.endsWith(hex) && (!tcp || f[3] === '0A');
    });
}

async function startOne(l: Listener, dir: string): Promise<StartedListener> {
  const marker = markerFile(dir, l);
  const child = execa('ip', listenArgs(l, marker), { detached: true, stdio: 'ignore', reject: false });
  child.unref();
  const pid = child.pid;
  if (!pid) throw new KernelError(`listen on ${l.protocol} ${l.port} in ${l.netns}`, 'socat did not start');
  const tcp = l.protocol === 'TCP';
  await waitFor(
    `socat on ${l.protocol} ${l.port} in ${l.netns}`,
    () => {
      let table = '';
      try {
        table = readFileSync(`/proc/${pid}/net/${tcp ? 'tcp' : 'udp'}`, 'utf8');
      } catch {
        return notYet('socat is not running');
      }
      return isBound(table, l.port, tcp) ? ready(true) : notYet('not bound yet');
    },
    { timeoutMs: 15000, intervalMs: 20 },
  ).catch((e) => {
    throw KernelError.from(`listen on ${l.protocol} ${l.port} in ${l.netns}`, (e as Error).message, e);
  });
  return { pid, what: listenerWhat(l), marker };
}

/** Starts every listener (all at once) and returns what the lab record must remember to stop. */
export async function startListeners(listeners: Listener[], stateDir: string): Promise<StartedListener[]> {
  const dir = join(stateDir, 'listeners');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const started = await Promise.allSettled(listeners.map((l) => startOne(l, dir)));
  const failed = started.find((s) => s.status === 'rejected');
  const ok = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  if (failed) {
    for (const s of ok) process.kill(s.pid, 'SIGTERM');
    throw failed.reason;
  }
  return ok;
}
