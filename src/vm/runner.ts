// Runs one command as root inside QEMU with Debian's stock kernel, for hosts whose kernel lacks
// ipip/wireguard. The host's / is the guest's read-only lower layer (tmpfs overlay on top), the
// working directory is shared read-write, stdout/stderr stream back live on two virtio-serial
// ports, and the exit status comes back through a small control share.
import {
  createReadStream,
  existsSync,
  mkdtempSync,
  openSync,
  closeSync,
  constants,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemPath } from '../kernel/system-path.ts';
import { makeFifos, runQemu } from '../kernel/vm-host.ts';
import { GUEST_SCRIPT } from './guest-scripts.ts';
import { prepareImage, VmImageError } from './image.ts';

export type Accel = 'tcg' | 'kvm';

export interface VmRunOptions {
  argv: string[];
  cwd?: string;
  /** Extra environment for the command; PATH, HOME, TERM, CI and CALILAB_* pass through. */
  env?: Record<string, string>;
  /** Kernel modules loaded before the command runs. */
  modules?: string[];
  accel?: Accel;
  cpus?: number;
  memoryMiB?: number;
  timeoutMs?: number;
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
}

export interface VmRunResult {
  exitCode: number;
  bootMs: number;
  totalMs: number;
  kernelVersion: string;
  consoleLog: string;
}

// Listed, not autoloaded: the guest kernel's usermode modprobe would run in the initramfs root.
export const DATAPATH_MODULES = [
  'ipip',
  'wireguard',
  'vxlan',
  'veth',
  'bridge',
  'nf_tables',
  'nf_nat',
  'nft_chain_nat',
  'nft_masq',
  'nft_nat',
  // Felix's policy plane: iptables-nft's xt matches and targets, ipsets, and nftables mode's
  // expressions (conntrack, fib for the rpfilter check, log).
  'nft_compat',
  'ip_set',
  'ip_set_hash_ip',
  'ip_set_hash_net',
  'xt_set',
  'xt_mark',
  'xt_conntrack',
  'xt_addrtype',
  'xt_comment',
  'xt_multiport',
  'xt_tcpudp',
  'xt_MASQUERADE',
  'xt_CT',
  'xt_LOG',
  'nf_log_syslog',
  'ipt_rpfilter',
  'nft_ct',
  'nft_fib_ipv4',
  'nft_log',
];
const PASS_ENV = /^(PATH|HOME|TERM|CI|NO_COLOR|FORCE_COLOR|LANG|CALILAB_.*|AVA_.*|NODE_OPTIONS)$/;

function nulJoin(items: string[]): string {
  return items.map((s) => s + '\0').join('');
}

function guestEnv(extra: Record<string, string> = {}): string[] {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (PASS_ENV.test(k) && v !== undefined) env[k] = v;
  Object.assign(env, extra, { CALILAB_IN_VM: '1' });
  // System tools first, and never node_modules/.bin (see kernel/system-path.ts).
  env.PATH = systemPath(env.PATH);
  return Object.entries(env).map(([k, v]) => `${k}=${v}`);
}

/** Opening a FIFO for writing un-blocks a reader whose writer (QEMU) never showed up. */
function releaseFifo(path: string) {
  try {
    closeSync(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK));
  } catch {
    /* ENXIO: no reader is waiting any more, nothing to release */
  }
}

function pump(path: string, sink: (c: Buffer) => void): Promise<void> {
  return new Promise((resolve) => {
    const s = createReadStream(path);
    s.on('data', (c) => sink(c as Buffer));
    s.on('end', resolve);
    s.on('error', () => resolve());
  });
}

interface QemuSetup {
  accel: Accel;
  image: { vmlinux: string; initramfs: string };
  cwd: string;
  ctl: string;
  out: string;
  err: string;
  consoleLog: string;
  cpus?: number;
  memoryMiB?: number;
}

/** QEMU's command line: the kernel and initramfs, three 9p shares (host root read-only, the
 *  working directory, the control folder) and two virtio-serial ports for stdout and stderr. */
function qemuArgs(q: QemuSetup): string[] {
  const { accel, image, cwd, ctl, out, err, consoleLog } = q;
  const opts = { cpus: q.cpus, memoryMiB: q.memoryMiB };
  return [
    '-accel',
    accel === 'kvm' ? 'kvm' : 'tcg,thread=multi',
    '-cpu',
    accel === 'kvm' ? 'host' : 'max',
    '-smp',
    String(opts.cpus ?? 2),
    '-m',
    String(opts.memoryMiB ?? 3072),
    '-nodefaults',
    '-no-reboot',
    '-display',
    'none',
    '-nic',
    'none',
    '-kernel',
    image.vmlinux,
    '-initrd',
    image.initramfs,
    '-append',
    'console=ttyS0 panic=-1 quiet loglevel=3 rdinit=/init',
    '-serial',
    `file:${consoleLog}`,
    '-virtfs',
    'local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap',
    '-virtfs',
    `local,path=${cwd},mount_tag=work,security_model=none,multidevs=remap`,
    '-virtfs',
    `local,path=${ctl},mount_tag=ctl,security_model=none`,
    '-device',
    'virtio-serial-pci',
    '-chardev',
    `file,id=out,path=${out}`,
    '-device',
    'virtserialport,chardev=out,name=calilab.stdout',
    '-chardev',
    `file,id=err,path=${err}`,
    '-device',
    'virtserialport,chardev=err,name=calilab.stderr',
  ];
}

export async function runInVm(opts: VmRunOptions): Promise<VmRunResult> {
  if (!opts.argv.length) throw new VmImageError('calilab vm: no command given; usage: calilab vm -- CMD [ARGS...]');
  const started = Date.now();
  const image = await prepareImage();
  const cwd = opts.cwd ?? process.cwd();
  const ctl = mkdtempSync(join(tmpdir(), 'calilab-vm-'));
  try {
    writeFileSync(join(ctl, 'argv'), nulJoin(opts.argv));
    writeFileSync(join(ctl, 'env'), nulJoin(guestEnv(opts.env)));
    writeFileSync(join(ctl, 'cwd'), cwd);
    writeFileSync(join(ctl, 'workdir'), cwd);
    writeFileSync(join(ctl, 'modules'), (opts.modules ?? DATAPATH_MODULES).join('\n'));
    writeFileSync(join(ctl, 'guest.sh'), GUEST_SCRIPT);
    const out = join(ctl, 'stdout.fifo');
    const err = join(ctl, 'stderr.fifo');
    await makeFifos([out, err]);
    const consoleLog = join(ctl, 'console.log');
    const accel = opts.accel ?? (process.env.CALILAB_VM_ACCEL as Accel | undefined) ?? 'tcg';
    const args = qemuArgs({ accel, image, cwd, ctl, out, err, consoleLog, cpus: opts.cpus, memoryMiB: opts.memoryMiB });
    const streams = [
      pump(out, opts.onStdout ?? ((c) => process.stdout.write(c))),
      pump(err, opts.onStderr ?? ((c) => process.stderr.write(c))),
    ];
    // The guest touches ctl/booted as its first act: boot time is QEMU's start to that file.
    const qemuStart = Date.now();
    let booted = 0;
    const bootWatch = setInterval(() => {
      if (!booted && existsSync(join(ctl, 'booted'))) booted = Date.now();
    }, 100);
    const res = await runQemu(args, opts.timeoutMs);
    clearInterval(bootWatch);
    releaseFifo(out);
    releaseFifo(err);
    await Promise.all(streams);
    const log = existsSync(consoleLog) ? readFileSync(consoleLog, 'utf8') : '';
    const statusFile = join(ctl, 'status');
    if (!existsSync(statusFile)) {
      const why = res.timedOut
        ? `timed out after ${opts.timeoutMs} ms`
        : `qemu exited ${res.exitCode}: ${res.stderr.trim()}`;
      throw new VmImageError(
        `the VM did not report an exit status (${why}); console tail:\n${log.split('\n').slice(-15).join('\n')}`,
      );
    }
    const exitCode = Number(readFileSync(statusFile, 'utf8').trim());
    return {
      exitCode,
      bootMs: booted ? booted - qemuStart : 0,
      totalMs: Date.now() - started,
      kernelVersion: image.kernelVersion,
      consoleLog: log,
    };
  } finally {
    rmSync(ctl, { recursive: true, force: true });
  }
}
