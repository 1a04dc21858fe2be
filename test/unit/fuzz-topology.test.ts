import test from 'ava';
import { allocate } from '../../src/calico/ipam/ipam.ts';
import { namespaceBatches, renderPlanText, rootBatch } from '../../src/plan/batch.ts';
import { IFNAMSIZ } from '../../src/plan/naming.ts';
import { buildPlan } from '../../src/plan/plan.ts';
import { TopologyError, validateTopology } from '../../src/topology/validate.ts';
import { baseTopology, mutate, rng } from './fuzz-gen.ts';

test('fuzz: 5,000 mutated topologies end in a clear validation error or a valid plan, never a crash', (t) => {
  const r = rng(2026);
  let valid = 0;
  let rejected = 0;
  const start = Date.now();
  for (let i = 0; i < 5000; i++) {
    const raw = mutate(baseTopology('fuzz'), r);
    try {
      const topo = validateTopology(raw, `fuzz-${i}.yaml`);
      const plan = buildPlan(topo, allocate(topo));
      renderPlanText(plan, { tunl0Exists: false });
      // Whatever passes validation is safe to hand to ip -batch: no whitespace or quotes in a
      // word, interface names within IFNAMSIZ.
      for (const line of [...rootBatch(plan), ...[...namespaceBatches(plan, { tunl0Exists: false }).values()].flat()]) {
        if (/["'`$;\\\n]/.test(line)) t.fail(`unsafe batch line: ${line}`);
      }
      for (const [a, b] of plan.veths)
        for (const e of [a, b]) if (e.name.length > IFNAMSIZ) t.fail(`interface name too long: ${e.name}`);
      valid++;
    } catch (e) {
      if (!(e instanceof TopologyError))
        t.fail(`case ${i}: ${(e as Error).stack}\n${JSON.stringify(raw).slice(0, 400)}`);
      else if (!/^fuzz-\d+\.yaml: \S.*; fix: \S/.test(e.message)) t.fail(`case ${i}: unclear message: ${e.message}`);
      rejected++;
    }
  }
  t.log(`valid ${valid}, rejected ${rejected}, ${Date.now() - start} ms`);
  t.true(valid > 200 && rejected > 1000);
});
