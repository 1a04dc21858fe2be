// Every capture of the five source documents, compared with the live lab that reproduces it
// (issue 6): lines match after the documented normalisation, or differ for a documented reason.
// Captures of a later state of a document's walk run after its patches (doc 003: IPIP Never,
// CrossSubnet, WireGuard on), so that lab ends in WireGuard. Each document ends with its report.
import test from 'ava';
import { renderSideBySide } from '../../src/doc/compare.ts';
import { DOC_TOPOLOGY, DOCS } from '../../src/doc/goldens.ts';
import { docReport, renderReport } from '../../src/doc/report.ts';
import { compareDoc } from '../../src/doc/run.ts';
import { down, up } from '../../src/lab/lab.ts';
import { leftovers, requireDatapath, testTopology } from './lab-fixture.ts';

/** Captures that must match line for line; the rest carry documented differences. */
const MUST_MATCH = [
  '000-tunl0',
  '002-pod-addr',
  '002-pod-link',
  '002-pod-route',
  '002-node-route',
  '002-node-cali',
  '003-node-route',
  '003-node-tunl0',
  '003-node-status',
  '003-ippool',
  '003-pod-route',
  '003-ipam-show-borrowed',
  '003-ipam-show-configuration',
  '003-wep',
  '003-wg-felixconfig',
  '003-wg-node-keys',
  '003-wg-node-key-w1',
  '004-master-tunl0',
  '004-node01-tunl0',
];

test.before(async () => {
  await requireDatapath();
});

for (const doc of DOCS) {
  test.serial(`doc ${doc}: every capture matches, or differs only as documented`, async (t) => {
    const topo = testTopology(DOC_TOPOLOGY[doc], `doc${doc}`);
    try {
      const rec = (await up(topo)).record;
      const results = await compareDoc(rec, doc);
      for (const r of results) {
        t.log(renderSideBySide(r));
        t.not(r.status, 'differs', `${r.golden.id} differs`);
        if (MUST_MATCH.includes(r.golden.id)) t.is(r.status, 'match', r.golden.id);
        // No documented difference may hide a line that now matches: the note would be stale.
        for (const l of r.lines.filter((x) => x.status === 'known')) t.not(l.doc, l.live, `${r.golden.id}: stale note`);
      }
      t.true(results.length > 0);
      t.log(renderReport(docReport(doc, results)));
    } finally {
      await down(topo.name);
      t.deepEqual(await leftovers(topo.name), []);
    }
  });
}
