// The goldens' report: captures and lines counted by verdict, with the reasons. On made-up results,
// and on doc 003 as far as calilab's plan renders it without a kernel (its calicoctl and kubectl
// views, before and after the walk to WireGuard, and the capture it does not emulate at all).
import { createHash } from 'node:crypto';
import test from 'ava';
import { REQUIRED_MODULES } from '../../src/calico/calicoctl/checksystem.ts';
import { type CaptureResult, compareCapture, notEmulated } from '../../src/doc/compare.ts';
import { GOLDENS, type Golden } from '../../src/doc/goldens.ts';
import { docReport, renderReport, verdictOf } from '../../src/doc/report.ts';
import { type RecordView, renderView, type ViewContext } from '../../src/doc/views.ts';
import { KANS_CREATED, kansRecord, recordInState } from './lab-record.ts';

const base: Golden = { doc: '003', id: 'x', title: 'x', target: 'k8s-m', argv: ['true'], source: '003', expected: '' };

test('verdicts: reproduced, known, not emulated (every line host-only), differs', (t) => {
  const g: Golden = {
    ...base,
    expected: 'a\nb\nhost line',
    known: [{ pattern: '^b$', why: 'b differs for a reason' }],
    hostOnly: [{ pattern: '^host', why: 'the host itself' }],
  };
  t.is(verdictOf(compareCapture({ ...g, expected: 'a\nb' }, 'a\nb')), 'reproduced');
  t.is(verdictOf(compareCapture(g, 'a\nb')), 'known', 'a line not emulated is a documented difference');
  t.is(verdictOf(compareCapture(g, 'a\nB')), 'known');
  t.is(verdictOf(compareCapture(g, 'A\nb')), 'differs');
  t.is(verdictOf(compareCapture({ ...g, expected: 'host line\nhost too' }, '')), 'not-emulated');
  t.false(notEmulated(g));
  t.true(notEmulated({ ...g, expected: 'host line\n\nhost too' }));
});

test('report: captures and lines by verdict, each reason with its lines and captures', (t) => {
  const g: Golden = {
    ...base,
    expected: 'a\nb\nhost line',
    known: [{ pattern: '^b$', why: 'b differs for a reason' }],
    hostOnly: [{ pattern: '^host', why: 'the host itself' }],
  };
  const results = [
    compareCapture({ ...g, id: 'one', expected: 'a\nb' }, 'a\nb'),
    compareCapture({ ...g, id: 'two' }, 'a\nB'),
    compareCapture({ ...g, id: 'three' }, 'A\nB'),
    compareCapture({ ...g, id: 'four', expected: 'host line' }, ''),
  ];
  const r = docReport('003', results);
  t.deepEqual(r.captures, { reproduced: 1, known: 1, 'not-emulated': 1, differs: 1, total: 4 });
  t.deepEqual(r.lines, { match: 3, known: 2, 'host-only': 3, differs: 1, total: 9 });
  t.deepEqual(r.reasons, [
    { status: 'known', why: 'b differs for a reason', lines: 2, captures: ['two', 'three'] },
    { status: 'host-only', why: 'the host itself', lines: 3, captures: ['two', 'three', 'four'] },
  ]);
  t.deepEqual(r.differing, ['three']);
  t.is(
    renderReport(r),
    [
      'doc 003: 4 captures: 1 reproduced, 1 differs only as documented, 1 not emulated, 1 differs',
      '  9 lines: 3 match, 2 known differences, 3 not emulated, 1 differs',
      '  documented differences (~):',
      '    2 lines (two, three): b differs for a reason',
      '  not emulated (-):',
      '    3 lines (two, three, four): the host itself',
      '  differ: three',
      '',
    ].join('\n'),
  );
});

/** Doc 003's captures calilab renders from its plan: every view but `node status` (BIRD's), in
 *  the lab's state for it, and the capture with nothing to run. The kernel's outputs need a lab. */
function doc003FromPlan(): CaptureResult[] {
  const ctx: ViewContext = {
    now: new Date(Date.parse(KANS_CREATED) + 16 * 60_000 + 30_000),
    kernelRelease: '6.1.0-28-amd64',
    modules: REQUIRED_MODULES.map(([name]) => ({ name, ok: true })),
    publicKeys: new Map(
      ['k8s-m', 'k8s-w0', 'k8s-w1', 'k8s-w2'].map((n) => [n, createHash('sha256').update(n).digest('base64')]),
    ),
  };
  const plain = kansRecord();
  const walked = recordInState(plain, 'wireguard');
  return GOLDENS.filter((g) => g.doc === '003').flatMap((g) => {
    if (notEmulated(g)) return [compareCapture(g, '')];
    if (!g.view || g.view === 'node-status') return [];
    return [compareCapture(g, renderView(g.state ? walked : plain, g.view as RecordView, ctx))];
  });
}

test("doc 003 as calilab's plan renders it: 17 captures, none differs", (t) => {
  const r = docReport('003', doc003FromPlan());
  t.log(renderReport(r));
  t.deepEqual(r.captures, { reproduced: 7, known: 9, 'not-emulated': 1, differs: 0, total: 17 });
  t.deepEqual(r.lines, { match: 57, known: 13, 'host-only': 43, differs: 0, total: 113 });
  t.deepEqual(r.differing, []);
  t.true(r.reasons.every((x) => x.why.length > 0 && x.lines > 0));
});
