import test from 'ava';
import { SYSTEM_PATH, systemPath } from '../../src/kernel/system-path.ts';

test('system directories come first and node_modules/.bin never appears (it holds an unrelated `nft`)', (t) => {
  const p = systemPath('/work/main/node_modules/.bin:/root/.cargo/bin:/usr/bin');
  t.true(p.startsWith(SYSTEM_PATH));
  t.false(p.includes('node_modules'));
  t.true(p.endsWith(':/root/.cargo/bin'));
});
