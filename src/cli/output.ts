// How calilab talks to a terminal: progress on stderr (results stay clean on stdout), colour
// only on a TTY and never with NO_COLOR, and one exit code per kind of failure.
import { BirdError } from '../bird/client.ts';
import { KernelError } from '../kernel/exec.ts';
import { PrivilegeError } from '../lab/lab.ts';
import { LabStateError } from '../lab/state.ts';
import { TopologyError } from '../topology/validate.ts';
import { VmImageError } from '../vm/image.ts';

export const EXIT = { ok: 0, verifyFailed: 1, badInput: 2, notRoot: 3, kernel: 4, lab: 5 } as const;

const useColour = () => process.stderr.isTTY && !process.env.NO_COLOR;
const paint = (code: number, s: string) => (useColour() ? `\x1b[${code}m${s}\x1b[0m` : s);
export const green = (s: string) => paint(32, s);
export const red = (s: string) => paint(31, s);
export const dim = (s: string) => paint(2, s);

export function progress(step: string, ms: number): void {
  process.stderr.write(`${green('✓')} ${step.padEnd(24)} ${dim(`${(ms / 1000).toFixed(2)} s`)}\n`);
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
