// The soak (npm run soak) as part of the suite, so CI runs it: 10 cycles, nothing grows.
import test from 'ava';
import { soak } from '../../scripts/soak.ts';
import { requireDatapath } from './lab-fixture.ts';

test('soak: doc 000 up/verify/down 10 times with no growth in leftovers, fds or memory', async (t) => {
  await requireDatapath();
  const r = await soak(10, (s) => t.log(s));
  t.deepEqual(r.problems, []);
  t.is(r.rows.length, 10);
});
