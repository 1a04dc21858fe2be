// The one place calilab starts kernel tools. Arguments are always arrays; `ip -batch` input is
// made of validated names only and is parsed by ip's own tokenizer, never by a shell.
import { execa, type Options } from 'execa';

export class KernelError extends Error {
  constructor(
    readonly step: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${step}: ${message}`, options);
    this.name = 'KernelError';
  }

  /** A failure of `step` caused by `cause` (kept, so CALILAB_DEBUG shows the whole chain). */
  static from(step: string, message: string, cause: unknown): KernelError {
    return new KernelError(step, message, { cause });
  }
}

function failure(e: unknown): string {
  const err = e as { stderr?: string; shortMessage?: string; message?: string };
  return (err.stderr?.trim() || err.shortMessage || err.message || String(e)).split('\n').slice(0, 6).join('\n');
}

export async function run(step: string, file: string, args: string[], opts: Options = {}): Promise<string> {
  try {
    const r = await execa(file, args, opts.input === undefined ? { stdin: 'ignore', ...opts } : opts);
    return String(r.stdout ?? '');
  } catch (e) {
    throw KernelError.from(step, failure(e), e);
  }
}

/** Runs ip -batch (inside `ns` when given); a failing line is quoted in the error. */
export async function ipBatch(step: string, lines: string[], ns?: string): Promise<void> {
  if (!lines.length) return;
  const args = [...(ns ? ['-n', ns] : []), '-batch', '-'];
  try {
    await execa('ip', args, { input: lines.join('\n') + '\n' });
  } catch (e) {
    const msg = failure(e);
    const m = msg.match(/Command failed -:(\d+)/);
    const line = m ? ` (line ${m[1]}: "${lines[Number(m[1]) - 1]}")` : '';
    throw KernelError.from(step, `ip ${args.join(' ')} failed${line}: ${msg}`, e);
  }
}

export function ip(step: string, args: string[]): Promise<string> {
  return run(step, 'ip', args);
}

export function nsExec(step: string, ns: string, argv: string[], opts: Options = {}): Promise<string> {
  return run(step, 'ip', ['netns', 'exec', ns, ...argv], opts);
}

export async function ipJson<T>(step: string, ns: string, args: string[]): Promise<T> {
  const out = await ip(step, ['-n', ns, '-j', ...args]);
  return (out.trim() ? JSON.parse(out) : []) as T;
}

/** `calilab exec`: a user's command inside a namespace, on the user's terminal; its exit code. */
export async function execInteractive(ns: string, argv: string[]): Promise<number> {
  const r = await execa('ip', ['netns', 'exec', ns, ...argv], { stdio: 'inherit', reject: false });
  return r.exitCode ?? 1;
}
