// The host-side processes of calilab's VM runner (src/vm): QEMU itself, and the tools that
// prepare its kernel image. They run in the root namespace and touch no lab.
import { execa } from 'execa';

/** The uncompressed payload of an xz stream (a vmlinuz's embedded kernel). */
export async function xzDecompress(input: Buffer): Promise<Buffer> {
  const { stdout } = await execa('xz', ['-dc', '--single-stream'], {
    input,
    encoding: 'buffer',
    maxBuffer: 512 * 1024 * 1024,
  });
  return Buffer.from(stdout);
}

/** Where kernel `version` keeps module `mod` (modinfo -n). */
export async function modulePath(version: string, mod: string): Promise<string> {
  const { stdout } = await execa('modinfo', ['-k', version, '-n', mod]);
  return stdout.trim();
}

export async function makeFifos(paths: string[]): Promise<void> {
  await execa('mkfifo', paths);
}

export interface QemuExit {
  exitCode?: number;
  timedOut: boolean;
  stderr: string;
}

/** Runs qemu-system-x86_64 to its end; killed (SIGKILL) after `timeoutMs`. */
export async function runQemu(args: string[], timeoutMs?: number): Promise<QemuExit> {
  const r = await execa('qemu-system-x86_64', args, {
    reject: false,
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
  });
  return { exitCode: r.exitCode, timedOut: !!r.timedOut, stderr: String(r.stderr) };
}
