// calilab runs as root: whatever happens, it leaves nothing behind, labs never collide, and the
// root namespace is byte-identical before and after.
import test from 'ava';
import { execa } from 'execa';
import { mkdirSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { down, up } from '../../src/lab/lab.ts';
import { labDir, readRecord } from '../../src/lab/state.ts';
import { validateTopology } from '../../src/topology/validate.ts';
import { ping } from '../../src/kernel/ping.ts';
import { baseTopology, mutate, rng } from '../unit/fuzz-gen.ts';
import { leftovers, requireDatapath, rootSnapshot, testTopology } from './lab-fixture.ts';

let rootBefore = '';
const made: string[] = [];
const tmp = `out/e2e-safety-${process.pid}`;

test.before(async () => {
  await requireDatapath();
  mkdirSync(tmp, { recursive: true });
  rootBefore = await rootSnapshot();
});
test.after.always(async () => {
  for (const lab of made) await down(lab).catch(() => {});
});

const STEPS = ['namespaces', 'addresses', 'sysctls', 'felix', 'policy', 'bird', 'converged'];

test.serial(`a failure injected at each of the ${STEPS.length} steps of up leaves zero leftovers`, async (t) => {
  for (const step of STEPS) {
    const topo = testTopology('topologies/calico-ipip-3node.yaml', `fail-${step}`);
    made.push(topo.name);
    process.env.CALILAB_FAIL_AT = step;
    try {
      await t.throwsAsync(up(topo), { message: new RegExp(`${step}: failure injected`) }, step);
    } finally {
      delete process.env.CALILAB_FAIL_AT;
    }
    t.deepEqual(await leftovers(topo.name), [], `after failing at ${step}`);
  }
  t.is(await rootSnapshot(), rootBefore);
});

test.serial(
  'state is private: dir 0700, record 0600; a second up of a running lab fails clearly; two labs run side by side',
  async (t) => {
    const a = testTopology('topologies/calico-ipip-3node.yaml', 'side-a');
    const b = testTopology('topologies/calico-ipip-3node.yaml', 'side-b');
    made.push(a.name, b.name);
    await Promise.all([up(a), up(b)]);
    t.is(statSync(labDir(a.name)).mode & 0o777, 0o700);
    t.is(statSync(join(labDir(a.name), 'lab.json')).mode & 0o777, 0o600);
    await t.throwsAsync(up(a), { message: new RegExp(`lab ${a.name} is already up .*calilab down ${a.name}`) });
    // The same pod addresses live in both labs, each in its own namespaces.
    for (const rec of [readRecord(a.name)!, readRecord(b.name)!]) {
      const from = rec.plan.workloads.find((w) => w.pod === 'pod-a')!;
      t.true((await ping(from.netns, '10.8.247.196', { count: 1, timeoutS: 3 })).ok, rec.lab);
    }
    await down(a.name);
    t.deepEqual(await leftovers(a.name), []);
    t.truthy(readRecord(b.name), 'downing one lab leaves the other');
    await down(b.name);
    t.deepEqual(await leftovers(b.name), []);
  },
);

test.serial('after kill -9 of calilab in the middle of up, down removes everything', async (t) => {
  const topo = testTopology('topologies/calico-ipip-3node.yaml', 'kill9');
  made.push(topo.name);
  const raw = YAML.parse((await import('node:fs')).readFileSync('topologies/calico-ipip-3node.yaml', 'utf8'));
  raw.name = topo.name;
  const file = join(tmp, 'kill9.yaml');
  writeFileSync(file, YAML.stringify(raw));
  const child = execa('node', ['bin/calilab.js', 'up', file], { reject: false });
  // Kill once BIRD runs: namespaces, links, sysctls and daemons all exist by then.
  const until = Date.now() + 120000;
  while (Date.now() < until && !readRecord(topo.name)?.processes.length) await new Promise((r) => setTimeout(r, 100));
  t.truthy(readRecord(topo.name)?.processes.length, 'up reached BIRD before the kill');
  child.kill('SIGKILL');
  await child;
  t.not((await leftovers(topo.name)).length, 0, 'the killed up left a half-built lab');
  await down(topo.name);
  t.deepEqual(await leftovers(topo.name), []);
});

test.serial('20 fuzzed topologies that pass validation build real labs and leave nothing', async (t) => {
  const r = rng(7);
  let built = 0;
  for (let i = 0; built < 20 && i < 5000; i++) {
    const raw = mutate(baseTopology(`t${process.pid % 100000}-fz${built}`), r);
    let topo: ReturnType<typeof validateTopology>;
    try {
      topo = validateTopology(raw, `fuzz-${i}.yaml`);
    } catch {
      continue;
    }
    if (topo.pods.length > 12 || topo.nodes.length > 6 || topo.name !== `t${process.pid % 100000}-fz${built}`) continue;
    made.push(topo.name);
    try {
      await up(topo);
    } catch (e) {
      // A valid topology may still be one the kernel refuses (then up must clean up after itself).
      t.log(`fuzz case ${i}: up failed cleanly: ${(e as Error).message.split('\n')[0]}`);
    }
    await down(topo.name);
    t.deepEqual(await leftovers(topo.name), [], `fuzz case ${i}`);
    built++;
  }
  t.is(built, 20);
  t.is(await rootSnapshot(), rootBefore);
  t.false(existsSync(join(labDir(`t${process.pid % 100000}-fz0`))));
});
