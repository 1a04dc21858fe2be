import test from 'ava';
import { createServer } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { birdCommand, bgpSessions, parseProtocols } from '../../src/kernel/bird-socket.ts';

const SHOW = [
  '0001 BIRD 2.0.12 ready.',
  '2002-Name       Proto      Table      State  Since         Info',
  '1002-device1    Device     ---        up     2026-11-25 09:07:41  ',
  ' kernel1    Kernel     master4    up     2026-11-25 09:07:41  ',
  ' Mesh_10_10_20_4 BGP        ---        up     2026-11-25 09:07:43  Established   ',
  ' Mesh_10_10_20_5 BGP        ---        start  2026-11-25 09:07:41  Connect       Socket: Connection refused',
  '0000 ',
];

test('parses show protocols rows, including the ISO long time and multi-word info', (t) => {
  const rows = parseProtocols(SHOW.slice(1, -1).map((l) => l.replace(/^\d{4}-/, '').replace(/^ /, '')));
  t.is(rows.length, 4);
  t.deepEqual(rows[2], {
    name: 'Mesh_10_10_20_4',
    proto: 'BGP',
    table: '---',
    state: 'up',
    since: '2026-11-25 09:07:43',
    info: 'Established',
  });
  t.is(rows[3].info, 'Connect Socket: Connection refused');
});

test('talks the control-socket protocol to a fake BIRD', async (t) => {
  const sock = join(mkdtempSync(join(tmpdir(), 'calilab-bird-')), 'bird.ctl');
  const server = createServer((c) => {
    c.write(SHOW[0] + '\n');
    c.on('data', (d) => {
      if (d.toString() === 'show protocols\n') c.write(SHOW.slice(1).join('\n') + '\n');
      else c.write('9001 syntax error\n');
    });
  });
  await new Promise<void>((r) => server.listen(sock, r));
  const sessions = await bgpSessions(sock);
  t.deepEqual(
    sessions.map((s) => [s.name, s.info.split(' ')[0]]),
    [
      ['Mesh_10_10_20_4', 'Established'],
      ['Mesh_10_10_20_5', 'Connect'],
    ],
  );
  await t.throwsAsync(birdCommand(sock, 'bogus'), { message: /syntax error/ });
  server.close();
});
