// How calilab talks to a terminal: progress on stderr (results stay clean on stdout), colour
// only on a TTY and never with NO_COLOR, and one exit code per kind of failure.
import { PolicyInputError } from '../calico/policy/fields.ts';
import { Chalk } from 'chalk';
import { CommanderError } from '@commander-js/extra-typings';
import ora, { type Ora } from 'ora';
import YAML from 'yaml';
import { ResourceError } from '../calico/calicoctl/changes.ts';
import { ResourceInputError } from '../calico/calicoctl/input.ts';
import { BirdError } from '../kernel/bird-socket.ts';
import { KernelError } from '../kernel/exec.ts';
import { PrivilegeError } from '../lab/lab.ts';
import { LabStateError } from '../lab/state.ts';
import { NoAddressError } from '../lab/targets.ts';
import { PcapError } from '../packets/pcap.ts';
import { TopologyError } from '../topology/validate.ts';
import { VmImageError } from '../vm/image.ts';

export { table } from '../report/table.ts';

/** `resource`: calicoctl's per-resource failures (already exists, does not exist, conflict) exit 1 as there. */
export const EXIT = { ok: 0, verifyFailed: 1, resource: 1, badInput: 2, notRoot: 3, kernel: 4, lab: 5 } as const;

/** A command line that names something wrong where commander's own checks cannot see it: exits 2. */
export class UsageError extends Error {}

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
  spinner ??= ora({
    stream: process.stderr,
    isEnabled: !!process.stderr.isTTY && !process.env.CI,
    color: useColour() ? 'cyan' : false,
  });
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

/** The one json / yaml / table switch: data for machines, the text rendering (made only if needed) for people. */
export function printAs(format: string | undefined, data: unknown, text: () => string): void {
  if (format === 'json') process.stdout.write(JSON.stringify(data, null, 2) + '\n');
  else if (format === 'yaml') process.stdout.write(YAML.stringify(data));
  else process.stdout.write(text());
}

/** What the user typed was wrong: a topology, a pcap, an argument only the command can judge. */
const badInput = (e: unknown) =>
  e instanceof TopologyError ||
  e instanceof ResourceInputError ||
  e instanceof PolicyInputError ||
  e instanceof UsageError ||
  e instanceof PcapError ||
  e instanceof NoAddressError ||
  e instanceof CommanderError;

export function fail(e: unknown): never {
  const msg = (e as Error)?.message ?? String(e);
  let code: number = EXIT.kernel;
  // CommanderError here was thrown by a command's own code (commander reports its own parse
  // errors itself, through the program's exitOverride), so its message has not been shown yet.
  if (badInput(e)) code = EXIT.badInput;
  else if (e instanceof ResourceError) code = EXIT.resource;
  else if (e instanceof PrivilegeError) code = EXIT.notRoot;
  else if (e instanceof LabStateError) code = EXIT.lab;
  else if (e instanceof KernelError || e instanceof BirdError || e instanceof VmImageError) code = EXIT.kernel;
  else if (!(e instanceof Error)) code = EXIT.kernel;
  else if (process.env.CALILAB_DEBUG) process.stderr.write(`${(e as Error).stack}\n`);
  process.stderr.write(`${red('calilab:')} ${msg}\n`);
  process.exit(code);
}
