// `calilab get | apply | create | replace | delete` on a running lab, as calicoctl does them:
// the lab shown as projectcalico.org/v3 resources, input read and checked against Calico's CRDs,
// turned into one topology edit and handed to the one reconcile path. All or nothing: a bad
// document anywhere leaves the lab as it was.
import { publishedKeys } from '../../kernel/felix.ts';
import { applyPatch } from '../../lab/patch.ts';
import type { LabRecord } from '../../lab/state.ts';
import { TopologyError } from '../../topology/validate.ts';
import { type Action, bumpedVersions, type ResourceDoc, resourceChanges } from './changes.ts';
import { validateResource } from './crd.ts';
import { parseResourceDocuments } from './input.ts';
import { policyChanges } from './policies.ts';
import { type CalicoResource, findResource, labResources } from './resources.ts';

/** The keys Node status.wireguardPublicKey shows: Felix publishes them only while WireGuard is on. */
export const nodePublicKeys = (rec: LabRecord) =>
  rec.topology.wireguard ? publishedKeys(rec.plan.stateDir) : undefined;

/** The lab as calicoctl would list it. */
export function resourcesOf(rec: LabRecord): CalicoResource[] {
  return labResources(rec, nodePublicKeys(rec));
}

/** Parsed and checked against the CRDs (with the stored object, for update-only rules). */
export function readResources(rec: LabRecord, text: string, source: string, current = resourcesOf(rec)): ResourceDoc[] {
  const docs = parseResourceDocuments(text, source);
  const problems = docs.flatMap((d) =>
    validateResource(d.object, `document ${d.doc}`, findResource(current, d.kind, d.name, d.namespace)).map((p) => ({
      ...p,
      field: `document ${d.doc} (${d.kind} ${d.name}): ${p.field}`,
    })),
  );
  if (problems.length) throw new TopologyError(source, problems);
  return docs;
}

export interface Applied {
  message: string;
  /** Resources whose spec changed (nothing to reconcile when empty). */
  changed: string[];
  ms: number;
}

/** Carries out `action` on `docs`; the lab changes only through applyPatch's reconcile. */
export async function applyResources(
  rec: LabRecord,
  docs: ResourceDoc[],
  action: Action,
  source: string,
  current = resourcesOf(rec),
): Promise<Applied> {
  const ch = resourceChanges(rec, current, docs, action, source);
  if (!ch.changed.length) return { message: ch.message, changed: [], ms: 0 };
  rec.resourceVersions = bumpedVersions(rec, ch.changed);
  const { ms } = await applyPatch(rec, ch.topology);
  return { message: ch.message, changed: ch.changed, ms };
}

/** `delete KIND NAME`: the named resource as a document. */
export function namedDocument(current: CalicoResource[], kind: string, name: string, namespace?: string): ResourceDoc {
  const r = findResource(current, kind, name, namespace);
  return { kind, name, namespace, object: r ?? { kind, metadata: { name, namespace } }, doc: 1 };
}

/** apply|create|replace|delete of policy objects: one edit of the topology's policies, one reconcile. */
export async function applyPolicies(rec: LabRecord, text: string, source: string, action: Action): Promise<Applied> {
  const ch = policyChanges(rec, text, source, action);
  if (!ch.changed.length) return { message: ch.messages.join('\n'), changed: [], ms: 0 };
  const { ms } = await applyPatch(rec, ch.topology);
  return { message: ch.messages.join('\n'), changed: ch.changed, ms };
}
