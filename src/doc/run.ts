// Produces calilab's side of each golden on a running lab: the document's command run in the
// target's namespace, or the calicoctl/kubectl-style view calilab renders, then compares. Goldens
// of a later state of the document's walk run after that state's patches (STATES), in order.
import { release } from 'node:os';
import { bgpSessions } from '../kernel/bird-socket.ts';
import { nodePublicKeys } from '../calico/calicoctl/apply.ts';
import { patchedTopology } from '../lab/edits.ts';
import { applyPatch } from '../lab/patch.ts';
import { resolveTarget } from '../lab/targets.ts';
import { checkModules, readCheckSystemFiles } from '../calico/calicoctl/checksystem.ts';
import { nodeStatus, renderNodeStatus } from '../calico/calicoctl/views.ts';
import { nsExec } from '../kernel/exec.ts';
import type { LabRecord } from '../lab/state.ts';
import { compareCapture, notEmulated, type CaptureResult } from './compare.ts';
import { GOLDENS, type Golden, STATES, statesOf } from './goldens.ts';
import { renderView, type ViewContext } from './views.ts';

/** The time and the kernel of this host (the lab's namespaces share its kernel): `uname -r` is
 *  os.release(); checksystem's files are read only when a golden asks for them. WireGuard's public
 *  keys are the ones Felix published, as `calilab get` shows them. */
function viewContext(rec: LabRecord, g: Golden): ViewContext {
  const kernelRelease = release();
  const modules = g.view === 'checksystem' ? checkModules(kernelRelease, readCheckSystemFiles(kernelRelease)) : [];
  return { now: new Date(), kernelRelease, modules, publicKeys: nodePublicKeys(rec) };
}

export async function liveOutput(rec: LabRecord, g: Golden): Promise<string> {
  // Nothing of it is emulated (e.g. traffic of a pod calilab does not have): nothing to run.
  if (notEmulated(g)) return '';
  if (g.view === 'node-status') {
    const n = rec.plan.nodes.find((x) => x.name === g.target)!;
    return renderNodeStatus(true, nodeStatus(rec, n.name, await bgpSessions(n.bird.socket)));
  }
  if (g.view) return renderView(rec, g.view, viewContext(rec, g));
  const t = resolveTarget(rec, g.target);
  return nsExec(`doc ${g.id}`, t.netns, g.argv!);
}

/** Every golden of the document: first those of the lab as `up` made it (in parallel), then, state
 *  by state in the document's order, that state's patches applied to the lab and its goldens. */
export async function compareDoc(rec: LabRecord, doc: Golden['doc']): Promise<CaptureResult[]> {
  const goldens = GOLDENS.filter((g) => g.doc === doc);
  const compareAll = (gs: Golden[]) => Promise.all(gs.map(async (g) => compareCapture(g, await liveOutput(rec, g))));
  const results = await compareAll(goldens.filter((g) => !g.state));
  const states = statesOf(doc);
  const last = Math.max(-1, ...goldens.map((g) => (g.state ? states.indexOf(g.state) : -1)));
  for (const state of states.slice(0, last + 1)) {
    for (const s of STATES[state].steps) await applyPatch(rec, patchedTopology(rec, s.kind, s.name, s.patch));
    results.push(...(await compareAll(goldens.filter((g) => g.state === state))));
  }
  return results;
}
