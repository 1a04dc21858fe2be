// Files that must never be seen half-written: the lab record (`down` must always be able to read
// it, even after a crash mid-write) and the VM's cached images. Written beside the target and
// renamed over it, which is atomic on one file system.
import { renameSync, rmSync, writeFileSync } from 'node:fs';

export function writeFileAtomic(file: string, data: string | Buffer, mode = 0o600): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, data, { mode });
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
