import test from 'ava';
import { crashedFiles, withoutFiles } from '../../scripts/test.ts';

const TAP = `ok 1 - ipip-3node › routes
not ok 2 - ipip-3node › pings
ok 3 - soak › soak cycles
not ok 4 - uncaught-exception
not ok 5 - test/e2e/soak.test.ts exited due to SIGSEGV
ok 6 - vxlan-doc002 › vxlan`;

test('a crashed worker is found; its lines (and only its) are removed; assertion failures stay', (t) => {
  t.deepEqual(crashedFiles(TAP), ['test/e2e/soak.test.ts']);
  const rest = withoutFiles(TAP, ['test/e2e/soak.test.ts']);
  t.deepEqual(rest.split('\n'), [
    'ok 1 - ipip-3node › routes',
    'not ok 2 - ipip-3node › pings',
    'ok 6 - vxlan-doc002 › vxlan',
  ]);
});
