// `vm`: any command as root in calilab's QEMU VM, for kernels without ipip or wireguard.
import type { Command } from '@commander-js/extra-typings';
import { runInVm } from '../../vm/runner.ts';
import { positive } from '../options.ts';
import { note } from '../output.ts';

export function register(program: Command): void {
  program
    .command('vm')
    .argument('<cmd...>', 'command and arguments (after --)')
    .option('--kvm', 'use KVM instead of TCG software emulation')
    .option('--memory <MiB>', 'guest memory', positive(true), 3072)
    .option('--timeout <s>', 'kill the VM after this many seconds', positive(false), 3600)
    .description("run a command as root in a QEMU VM with Debian's stock kernel (ipip, wireguard, vxlan)")
    .action(async (cmd, o) => {
      const accel = o.kvm ? 'kvm' : undefined;
      const r = await runInVm({ argv: cmd, accel, memoryMiB: o.memory, timeoutMs: o.timeout * 1000 });
      note(`vm: kernel ${r.kernelVersion}, exit ${r.exitCode}, ${(r.totalMs / 1000).toFixed(1)} s`);
      process.exitCode = r.exitCode;
    });
}
