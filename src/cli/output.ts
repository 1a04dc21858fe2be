// How calilab talks to a terminal: progress on stderr (results stay clean on stdout), colour
// only on a TTY and never with NO_COLOR, and one exit code per kind of failure.
import { Chalk } from 'chalk';
import ora, { type Ora } from 'ora';
import { BirdError } from '../kernel/bird-socket.ts';
import { KernelError } from '../kernel/exec.ts';
import { PrivilegeError } from '../lab/lab.ts';
import { LabStateError } from '../lab/state.ts';
import { TopologyError } from '../topology/validate.ts';
import { VmImageError } from '../vm/image.ts';

export const EXIT = { ok: 0, verifyFailed: 1, badInput: 2, notRoot: 3, kernel: 4, lab: 5 } as const;

// chalk paints (level 0 = plain text); ora draws the spinner of the step in progress, and only
// on a terminal: logs and CI get one plain line per finished step.
const useColour = () => !!process.stderr.isTTY && !process.env.NO_COLOR;
const colours = () => new Chalk({ level: useColour() ? 1 : 0 });
export const green = (s: string) => colours().green(s);
export const red = (s: string) => colours().red(s);
export const dim = (s: string) => colours().dim(s);

let spinner: Ora | undefined;

/** Shows `step` as running (a spinner with the step's name) until progress() reports it done. */
export function running(step: string): void {
  spinner ??= ora({ stream: process.stderr, isEnabled: !!process.stderr.isTTY && !process.env.CI, color: useColour() ? 'cyan' : false });
  if (spinner.isEnabled) spinner.start(`${step}…`);
}

export function progress(step: string, ms: number): void {
  const line = `${step.padEnd(24)} ${dim(`${(ms / 1000).toFixed(2)} s`)}`;
  if (spinner?.isSpinning) spinner.stopAndPersist({ symbol: green('✓'), text: line });
  else process.stderr.write(`${green('✓')} ${line}\n`);
}

export function note(msg: string): void {
  process.stderr.write(`${dim('·')} ${msg}\n`);
}

export function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd()).join('\n') + '\n';
}

export function fail(e: unknown): never {
  const msg = (e as Error)?.message ?? String(e);
  let code: number = EXIT.kernel;
  if (e instanceof TopologyError) code = EXIT.badInput;
  else if (e instanceof PrivilegeError) code = EXIT.notRoot;
  else if (e instanceof LabStateError) code = EXIT.lab;
  else if (e instanceof KernelError || e instanceof BirdError || e instanceof VmImageError) code = EXIT.kernel;
  else if (!(e instanceof Error)) code = EXIT.kernel;
  else if (process.env.CALILAB_DEBUG) process.stderr.write(`${(e as Error).stack}\n`);
  process.stderr.write(`${red('calilab:')} ${msg}\n`);
  process.exit(code);
}
