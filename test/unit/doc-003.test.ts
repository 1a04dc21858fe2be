// Doc 003's calicoctl and kubectl goldens against what calilab renders for topologies/kans-4node.yaml
// (buildPlan, no kernel): every line matches, or is a documented difference, or is not emulated.
import test from 'ava';
import { REQUIRED_MODULES } from '../../src/calico/calicoctl/checksystem.ts';
import { compareCapture, renderSideBySide } from '../../src/doc/compare.ts';
import { GOLDENS } from '../../src/doc/goldens.ts';
import { GOLDENS_003 } from '../../src/doc/goldens-003.ts';
import { listTargets } from '../../src/calico/felix/iptables/index.ts';
import { renderPolicyNode } from '../../src/calico/felix/policy-plane.ts';
import { type RecordView, renderView, type ViewContext } from '../../src/doc/views.ts';
import { KANS_CREATED, kansRecord } from './lab-record.ts';

const ctx = (over: Partial<ViewContext> = {}): ViewContext => ({
  now: new Date(Date.parse(KANS_CREATED) + 16 * 60_000 + 30_000),
  kernelRelease: '6.1.0-28-amd64',
  modules: REQUIRED_MODULES.map(([name]) => ({ name, ok: true })),
  ...over,
});

const compare = (id: string, c = ctx()) => {
  const g = GOLDENS_003.find((x) => x.id === id)!;
  return compareCapture(g, renderView(kansRecord(), g.view as RecordView, c));
};

/** Lines per status (match, known, host-only) of each golden, on kans-4node. */
const EXPECTED: Record<string, [number, number, number]> = {
  '003-ipam-show': [4, 1, 0],
  '003-ipam-show-blocks': [5, 4, 0],
  '003-ipam-show-borrowed': [4, 0, 0],
  '003-ipam-show-configuration': [7, 0, 0],
  '003-checksystem': [22, 1, 0],
  '003-wep': [1, 0, 0],
  '003-wep-all': [1, 0, 3],
  '003-wep-wide-all': [1, 0, 3],
  '003-wep-pods': [1, 3, 0],
  '003-kubectl-pods-all': [1, 0, 15],
  '003-kubectl-pods': [1, 2, 0],
  '003-kubectl-pods-later': [1, 2, 0],
};

/** The iptables captures run `iptables -L` in the lab; offline, Felix's rendered tables as
 *  `iptables -L` would list them (listTargets) stand in for the kernel's answer. */
const IPTABLES: Record<string, 'filter' | 'nat'> = { '003-iptables-filter': 'filter', '003-iptables-nat': 'nat' };

test("doc 003's goldens are in GOLDENS: calicoctl and kubectl ones views, iptables ones commands", (t) => {
  const commands = ['003-iptables-filter', '003-iptables-nat', '003-iptables-nat-outgoing'];
  t.deepEqual([...Object.keys(EXPECTED), ...commands].sort(), GOLDENS_003.map((g) => g.id).sort());
  for (const g of GOLDENS_003.filter((x) => commands.includes(x.id))) t.truthy(g.argv && !g.view, g.id);
  for (const g of GOLDENS_003.filter((x) => !commands.includes(x.id))) {
    t.true(GOLDENS.includes(g), g.id);
    t.truthy(g.view && !g.argv, g.id);
  }
});

for (const [id, [match, known, hostOnly]] of Object.entries(EXPECTED)) {
  test(`${id}: every line matches kans-4node's rendering or is a documented difference`, (t) => {
    const r = compare(id);
    t.not(r.status, 'differs', renderSideBySide(r));
    const count = (s: string) => r.lines.filter((l) => l.status === s).length;
    t.deepEqual([count('match'), count('known'), count('host-only')], [match, known, hostOnly], renderSideBySide(r));
  });
}

for (const [id, table] of Object.entries(IPTABLES)) {
  test(`${id}: Felix 3.28's rendered ${table} table lists every line the document shows`, (t) => {
    const g = GOLDENS_003.find((x) => x.id === id)!;
    const node = kansRecord().plan.policy.find((p) => p.node === g.target)!;
    // listTargets keeps `target prot` only, not the rule's /* cali:… */ comment that `grep cali` keys on.
    const r = compareCapture({ ...g, grep: undefined }, listTargets(renderPolicyNode(node), table).join('\n'));
    t.is(r.status, 'match', renderSideBySide(r));
  });
}

test('checksystem on a kernel that lacks modules: their lines and the verdict are known differences', (t) => {
  const c = ctx({ modules: ctx().modules.map((m) => ({ ...m, ok: !['xt_bpf', 'vfio-pci'].includes(m.name) })) });
  const r = compare('003-checksystem', c);
  t.is(r.status, 'known', renderSideBySide(r));
  t.deepEqual(
    r.lines.filter((l) => l.status === 'known').map((l) => l.doc.split(/\s/)[0]),
    ['6.5.0-1024-aws', 'xt_bpf', 'vfio-pci', 'System'],
  );
});

test('the same kernel release as the document: checksystem matches line for line', (t) => {
  t.is(compare('003-checksystem', ctx({ kernelRelease: '6.5.0-1024-aws' })).status, 'match');
});

test("kubectl's AGE at the document's 18m: only the addresses differ", (t) => {
  const r = compare('003-kubectl-pods-later', ctx({ now: new Date(Date.parse(KANS_CREATED) + 18 * 60_000) }));
  t.deepEqual(
    r.lines.filter((l) => l.status === 'known').map((l) => [l.doc.split(' ')[4], l.live?.split(' ')[4]]),
    [
      ['18m', '18m'],
      ['18m', '18m'],
    ],
  );
});
