// A minimal writer for the cpio "newc" format, the format the Linux kernel unpacks as an
// initramfs. Written by hand so that building the VM image needs neither root (device nodes
// are described, not created) nor the cpio tool.

export interface CpioEntry {
  path: string; // without leading slash, e.g. "bin/busybox"
  mode: number; // full st_mode, type bits included
  data?: Buffer;
  rdevMajor?: number;
  rdevMinor?: number;
}

export const S_IFDIR = 0o040000;
export const S_IFREG = 0o100000;
export const S_IFCHR = 0o020000;
export const S_IFLNK = 0o120000;

const hex8 = (n: number) => n.toString(16).padStart(8, '0');
const pad4 = (n: number) => (4 - (n % 4)) % 4;

function header(e: CpioEntry, ino: number, size: number): Buffer {
  const name = Buffer.from(e.path + '\0');
  const fields = [
    ino,
    e.mode,
    0,
    0,
    (e.mode & S_IFDIR) === S_IFDIR ? 2 : 1,
    0,
    size,
    0,
    0,
    e.rdevMajor ?? 0,
    e.rdevMinor ?? 0,
    name.length,
    0,
  ];
  const head = Buffer.from('070701' + fields.map(hex8).join(''), 'ascii');
  return Buffer.concat([head, name, Buffer.alloc(pad4(head.length + name.length))]);
}

export function buildCpio(entries: CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  let ino = 1;
  for (const e of [...entries, { path: 'TRAILER!!!', mode: 0 }]) {
    const data = e.data ?? Buffer.alloc(0);
    parts.push(header(e, e.path === 'TRAILER!!!' ? 0 : ino++, data.length), data, Buffer.alloc(pad4(data.length)));
  }
  return Buffer.concat(parts);
}
