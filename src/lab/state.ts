// A lab's state directory (/run/calilab/<lab>, mode 0700): the plan, written before the first
// kernel change so that `down` can always find what `up` made, the BIRD files, and pids.
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { stateRoot } from '../plan/naming.ts';
import type { Plan } from '../plan/plan.ts';
import type { Topology } from '../topology/types.ts';
import { writeFileAtomic } from '../util/files.ts';

export interface LabRecord {
  lab: string;
  topologyFile: string;
  createdAt: string;
  topology: Topology;
  plan: Plan;
  /** resourceVersion of each Calico resource (`IPPool/default-ipv4-ippool`), bumped by every
   *  change to it, as the datastore does; absent = "1". */
  resourceVersions?: Record<string, string>;
  /** Processes this lab started, with the string their command line must contain. */
  processes: { pid: number; what: string; marker: string }[];
}

export class LabStateError extends Error {}

export const labDir = (lab: string) => join(stateRoot(), lab);
const recordFile = (lab: string) => join(labDir(lab), 'lab.json');

/** Creates the state dir exclusively: this is the per-lab lock. */
export function claimLab(lab: string): string {
  mkdirSync(stateRoot(), { recursive: true, mode: 0o755 });
  const dir = labDir(lab);
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new LabStateError(`lab ${lab} is already up (state in ${dir}); run \`calilab down ${lab}\` first`, {
        cause: e,
      });
    }
    throw e;
  }
  chmodSync(dir, 0o700);
  mkdirSync(join(dir, 'bird'), { mode: 0o700 });
  return dir;
}

/** Atomic (write + rename): a crash mid-write leaves the previous record, which `down` can read. */
export function writeRecord(rec: LabRecord): void {
  writeFileAtomic(recordFile(rec.lab), JSON.stringify(rec, null, 1));
}

/** The record's shape, checked before anything trusts it (a record from an older calilab, or a
 *  file edited by hand, is reported, not half-used). */
function checkRecord(v: unknown, file: string): LabRecord {
  const r = v as Partial<LabRecord> | null;
  const missing = ['lab', 'topology', 'plan', 'processes'].filter((k) => !r || typeof r !== 'object' || !(k in r));
  const plan = r?.plan as Partial<LabRecord['plan']> | undefined;
  const planMissing = ['namespaces', 'nodes', 'workloads', 'allocation'].filter((k) => !plan || !(k in plan));
  if (missing.length || planMissing.length || !Array.isArray(r?.processes)) {
    const what = [...missing, ...planMissing.map((k) => `plan.${k}`)].join(', ') || 'processes';
    throw new LabStateError(
      `${file}: not a calilab lab record (missing ${what}); remove the lab with \`calilab down --all\``,
    );
  }
  return r as LabRecord;
}

export function readRecord(lab: string): LabRecord | undefined {
  const f = recordFile(lab);
  if (!existsSync(f)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(f, 'utf8'));
  } catch (e) {
    throw new LabStateError(
      `${f}: unreadable lab record (${(e as Error).message}); remove the lab with \`calilab down ${lab}\``,
      { cause: e },
    );
  }
  return checkRecord(parsed, f);
}

export function listLabs(): string[] {
  return existsSync(stateRoot()) ? readdirSync(stateRoot()).filter((d) => existsSync(join(stateRoot(), d))) : [];
}

/** The lab to act on when the user names none: the only one running. */
export function resolveLab(name?: string): LabRecord {
  if (name) {
    const rec = readRecord(name);
    if (!rec) throw new LabStateError(`no lab named ${name} is up; running: ${listLabs().join(', ') || 'none'}`);
    return rec;
  }
  const labs = listLabs().filter((l) => readRecord(l));
  if (labs.length === 1) return readRecord(labs[0])!;
  if (!labs.length)
    throw new LabStateError('no lab is up; start one with `calilab up topologies/calico-ipip-3node.yaml`');
  throw new LabStateError(`several labs are up (${labs.join(', ')}); name one`);
}

export function removeLabDir(lab: string): void {
  rmSync(labDir(lab), { recursive: true, force: true });
}
