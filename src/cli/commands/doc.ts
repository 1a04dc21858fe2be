// `doc`: replays a source document's captures on its lab and shows each beside calilab's output.
import { basename } from 'node:path';
import { InvalidArgumentError, type Command } from '@commander-js/extra-typings';
import { DOC_TOPOLOGY, DOCS, type Golden } from '../../doc/goldens.ts';
import { docReport, renderReport } from '../../doc/report.ts';
import { compareDoc } from '../../doc/run.ts';
import { down, requireRoot } from '../../lab/lab.ts';
import { listLabs, resolveLab } from '../../lab/state.ts';
import { loadTopology } from '../../topology/load.ts';
import { EXIT, printAs } from '../output.ts';
import { docData, renderDoc } from '../render.ts';
import { ranInVmForIpip, upInterruptible } from '../session.ts';

/** A document's file or its number, to the number: no choices(), since any path to the file is fine too. */
function docNumber(value: string): Golden['doc'] {
  const doc = DOCS.find((d) => basename(value).startsWith(d));
  if (!doc) throw new InvalidArgumentError('name a document 000-004 (its file name starts with its number).');
  return doc;
}

export function register(program: Command): void {
  program
    .command('doc')
    .argument(
      '<file-or-number>',
      'a source document (e.g. ../shared/docs/004_….txt) or its number (000-004)',
      docNumber,
    )
    .option('--keep', "leave the document's lab up afterwards")
    .option('--json', 'print the comparisons as JSON')
    .description(
      "follow a document on its lab: each capture it shows beside calilab's live output, " + 'marked match / differs',
    )
    .addHelpText(
      'after',
      '\nExample:\n  sudo calilab doc 004\n' + '  sudo calilab doc ../shared/docs/003_044173d9e280949f.txt --keep',
    )
    .action(async (doc, o) => {
      requireRoot('calilab doc');
      const topo = loadTopology(DOC_TOPOLOGY[doc]);
      // A lab already up is used as it is (no VM needed to read it); only a new one may need the VM.
      let rec = listLabs().includes(topo.name) ? resolveLab(topo.name) : undefined;
      if (!rec && (await ranInVmForIpip())) return;
      const started = !rec;
      if (!rec) rec = (await upInterruptible(topo)).record;
      try {
        const results = await compareDoc(rec, doc);
        // The text ends with the document's report: captures and lines by verdict, with the reasons.
        const text = () => `${renderDoc(results, doc, topo.name)}\n${renderReport(docReport(doc, results))}`;
        printAs(o.json ? 'json' : undefined, docData(results), text);
        process.exitCode = results.some((r) => r.status === 'differs') ? EXIT.verifyFailed : EXIT.ok;
      } finally {
        if (started && !o.keep) await down(topo.name);
      }
    });
}
