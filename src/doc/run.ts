// Produces calilab's side of each golden on a running lab: the document's command run in the
// target's namespace, or the calicoctl/kubectl-style view calilab renders, then compares.
import { release } from 'node:os';
import { bgpSessions } from '../kernel/bird-socket.ts';
import { resolveTarget } from '../lab/targets.ts';
import { checkModules, readCheckSystemFiles } from '../calico/calicoctl/checksystem.ts';
import { nodeStatus, renderNodeStatus } from '../calico/calicoctl/views.ts';
import { nsExec } from '../kernel/exec.ts';
import type { LabRecord } from '../lab/state.ts';
import { compareCapture, type CaptureResult } from './compare.ts';
import { GOLDENS, type Golden } from './goldens.ts';
import { renderView, type ViewContext } from './views.ts';

/** The time and the kernel of this host (the lab's namespaces share its kernel): `uname -r` is
 *  os.release(); checksystem's files are read only when a golden asks for them. */
function viewContext(g: Golden): ViewContext {
  const kernelRelease = release();
  const modules = g.view === 'checksystem' ? checkModules(kernelRelease, readCheckSystemFiles(kernelRelease)) : [];
  return { now: new Date(), kernelRelease, modules };
}

export async function liveOutput(rec: LabRecord, g: Golden): Promise<string> {
  if (g.view === 'node-status') {
    const n = rec.plan.nodes.find((x) => x.name === g.target)!;
    return renderNodeStatus(true, nodeStatus(rec, n.name, await bgpSessions(n.bird.socket)));
  }
  if (g.view) return renderView(rec, g.view, viewContext(g));
  const t = resolveTarget(rec, g.target);
  return nsExec(`doc ${g.id}`, t.netns, g.argv!);
}

export async function compareDoc(rec: LabRecord, doc: Golden['doc']): Promise<CaptureResult[]> {
  const goldens = GOLDENS.filter((g) => g.doc === doc);
  return Promise.all(goldens.map(async (g) => compareCapture(g, await liveOutput(rec, g))));
}
