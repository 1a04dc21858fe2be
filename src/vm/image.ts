// Finds Debian's stock kernel on the host and prepares what QEMU boots: the uncompressed
// vmlinux (skips the in-guest decompression: 7 s to a command instead of 11 s under TCG) and a
// tiny busybox initramfs. Both are cached per kernel version and script content.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { modulePath, xzDecompress } from '../kernel/vm-host.ts';
import { writeFileAtomic } from '../util/files.ts';
import { buildCpio, S_IFCHR, S_IFDIR, S_IFREG, type CpioEntry } from './cpio.ts';
import { BOOT_MODULES, INIT_SCRIPT } from './guest-scripts.ts';

export interface VmImage {
  kernelVersion: string;
  vmlinux: string;
  initramfs: string;
}

export class VmImageError extends Error {}

export function cacheDir(): string {
  if (process.env.CALILAB_CACHE) return process.env.CALILAB_CACHE;
  return process.getuid?.() === 0 ? '/var/cache/calilab' : join(homedir(), '.cache', 'calilab');
}

/** The newest /boot/vmlinuz-* that has a matching /lib/modules tree holding ipip.ko. */
export function findKernel(): { version: string; vmlinuz: string } {
  const wanted = process.env.CALILAB_VM_KERNEL;
  const versions = (existsSync('/boot') ? readdirSync('/boot') : [])
    .filter((f) => f.startsWith('vmlinuz-'))
    .map((f) => f.slice('vmlinuz-'.length))
    .filter((v) => (wanted ? v === wanted : true))
    .filter((v) => existsSync(join('/lib/modules', v, 'kernel/net/ipv4/ipip.ko')))
    .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  const version = versions.at(-1);
  if (!version) {
    throw new VmImageError(
      'no usable kernel for the VM: need /boot/vmlinuz-<ver> with /lib/modules/<ver>/kernel/net/ipv4/ipip.ko; ' +
        'fix: run `sudo scripts/setup` (installs linux-image-amd64)',
    );
  }
  return { version, vmlinuz: join('/boot', `vmlinuz-${version}`) };
}

const XZ_MAGIC = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);

async function extractVmlinux(vmlinuz: string, dest: string): Promise<void> {
  const image = readFileSync(vmlinuz);
  const at = image.indexOf(XZ_MAGIC);
  if (at < 0) throw new VmImageError(`${vmlinuz}: no xz payload found; set CALILAB_VM_KERNEL to a Debian kernel`);
  const elf = await xzDecompress(image.subarray(at));
  if (elf.readUInt32BE(0) !== 0x7f454c46) throw new VmImageError(`${vmlinuz}: payload is not an ELF vmlinux`);
  writeFileAtomic(dest, elf, 0o644);
}

async function buildInitramfs(version: string, dest: string): Promise<void> {
  const busybox = ['/bin/busybox', '/usr/bin/busybox'].find((p) => existsSync(p));
  if (!busybox) throw new VmImageError('busybox not found; fix: run `sudo scripts/setup` (installs busybox-static)');
  const dir = (path: string): CpioEntry => ({ path, mode: S_IFDIR | 0o755 });
  const entries: CpioEntry[] = [
    ...['bin', 'dev', 'proc', 'sys', 'mods', 'host', 'ovl', 'newroot'].map(dir),
    { path: 'dev/console', mode: S_IFCHR | 0o600, rdevMajor: 5, rdevMinor: 1 },
    { path: 'bin/busybox', mode: S_IFREG | 0o755, data: readFileSync(busybox) },
    { path: 'init', mode: S_IFREG | 0o755, data: Buffer.from(INIT_SCRIPT) },
    { path: 'mods/order', mode: S_IFREG | 0o644, data: Buffer.from(BOOT_MODULES.join('\n') + '\n') },
  ];
  for (const mod of BOOT_MODULES) {
    const file = await modulePath(version, mod);
    if (!file.endsWith('.ko')) throw new VmImageError(`module ${mod} is ${file}; only uncompressed .ko is supported`);
    entries.push({ path: `mods/${mod}.ko`, mode: S_IFREG | 0o644, data: readFileSync(file) });
  }
  writeFileAtomic(dest, buildCpio(entries), 0o644);
}

/** Returns the cached image for the host's Debian kernel, building it the first time. */
export async function prepareImage(): Promise<VmImage> {
  const { version, vmlinuz } = findKernel();
  const dir = join(cacheDir(), 'vm', version);
  mkdirSync(dir, { recursive: true });
  const vmlinux = join(dir, 'vmlinux');
  if (!existsSync(vmlinux)) await extractVmlinux(vmlinuz, vmlinux);
  const key = createHash('sha256').update(INIT_SCRIPT).update(BOOT_MODULES.join(',')).digest('hex').slice(0, 12);
  const initramfs = join(dir, `initramfs-${key}.cpio`);
  if (!existsSync(initramfs)) await buildInitramfs(version, initramfs);
  return { kernelVersion: version, vmlinux, initramfs };
}
