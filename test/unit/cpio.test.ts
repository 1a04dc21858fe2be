import test from 'ava';
import { execa } from 'execa';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCpio, S_IFDIR, S_IFREG } from '../../src/vm/cpio.ts';

test('the newc archive is read back by cpio(1) with the same files and modes', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'calilab-cpio-'));
  const archive = join(dir, 'a.cpio');
  writeFileSync(
    archive,
    buildCpio([
      { path: 'bin', mode: S_IFDIR | 0o755 },
      { path: 'bin/hello', mode: S_IFREG | 0o755, data: Buffer.from('#!/bin/sh\necho hi\n') },
      { path: 'odd', mode: S_IFREG | 0o644, data: Buffer.from('x') },
    ]),
  );
  const list = await execa('cpio', ['-itv', '-F', archive], { reject: false });
  t.is(list.exitCode, 0, list.stderr);
  t.regex(list.stdout, /-rwxr-xr-x .* bin\/hello/);
  t.regex(list.stdout, /-rw-r--r-- .* odd/);
  await execa('cpio', ['-idm', '-F', archive], { cwd: dir });
  t.is(readFileSync(join(dir, 'bin/hello'), 'utf8'), '#!/bin/sh\necho hi\n');
});
