// One way to wait for the world to catch up: poll a probe until it reports done or the deadline
// passes. Every wait in calilab (a daemon's pid file, a process's exit, BGP convergence, a
// capture's sentinel) goes through here, so each has a deadline and says what it waited for.

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** What a probe reports: done with a value, or not yet with what is still missing. */
export type Poll<T> = { done: true; value: T } | { done: false; waiting: string };

export const ready = <T>(value: T): Poll<T> => ({ done: true, value });
export const notYet = (waiting: string): Poll<never> => ({ done: false, waiting });

export class WaitTimeout extends Error {
  constructor(
    readonly what: string,
    readonly waiting: string,
    readonly timeoutMs: number,
  ) {
    super(`${what}: not done after ${timeoutMs / 1000} s${waiting ? `: ${waiting}` : ''}`);
    this.name = 'WaitTimeout';
  }
}

export interface WaitOptions {
  timeoutMs: number;
  /** Pause between polls; a function gets the last `waiting` text (to poll slower on some). */
  intervalMs: number | ((waiting: string) => number);
}

/** Polls `probe` until done; throws WaitTimeout with the probe's last `waiting` text. */
export async function waitFor<T>(what: string, probe: () => Promise<Poll<T>> | Poll<T>, opts: WaitOptions): Promise<T> {
  const until = Date.now() + opts.timeoutMs;
  let waiting = '';
  for (;;) {
    const r = await probe();
    if (r.done) return r.value;
    waiting = r.waiting;
    if (Date.now() >= until) throw new WaitTimeout(what, waiting, opts.timeoutMs);
    await sleep(typeof opts.intervalMs === 'function' ? opts.intervalMs(waiting) : opts.intervalMs);
  }
}
