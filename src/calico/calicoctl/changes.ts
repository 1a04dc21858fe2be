// calicoctl apply | create | replace | delete on a running lab: each projectcalico.org/v3
// resource becomes an edit of the lab's topology (pinned, so nothing running moves), and the
// caller hands the one resulting topology to the one reconcile path. Kinds calilab can change
// live: IPPool (modes, natOutgoing, disabled; new pools; deleting an unused pool),
// FelixConfiguration default (wireguardEnabled), BGPConfiguration default
// (nodeToNodeMeshEnabled). Everything else is accepted only when it asks for what is already
// there, so `get -o yaml | apply -f -` always works; any other difference names the field.
// Semantics and messages follow calicoctl v3.30.7 (commands/apply.go, create.go, replace.go,
// delete.go; resourcemgr.go) and libcalico-go/lib/errors/errors.go.
import { FELIX_SPEC, pinned, POOL_SPEC } from '../../lab/edits.ts';
import type { LabRecord } from '../../lab/state.ts';
import type { Problem } from '../../topology/schema.ts';
import type { Topology } from '../../topology/types.ts';
import { TopologyError, validateTopology } from '../../topology/validate.ts';

export type Action = 'apply' | 'create' | 'replace' | 'delete';

/** A resource as read from `-f FILE`: its kind, name and the object itself. */
export interface ResourceDoc {
  kind: string;
  name: string;
  namespace?: string;
  object: Record<string, any>;
  /** 1-based document number in the input, for messages. */
  doc: number;
}

/** A resource as the lab shows it (calicoctl get). */
export interface LabResource {
  kind: string;
  metadata: { name: string; namespace?: string; resourceVersion?: string };
  spec?: Record<string, any>;
}

/** calicoctl's per-resource failures (already exists, does not exist, conflict): exit 1. */
export class ResourceError extends Error {}

const PAST: Record<Action, string> = { apply: 'applied', create: 'created', replace: 'replaced', delete: 'deleted' };

/** IPPool spec defaults as libcalico-go fills them on every read (clientv3/ippool.go:243-291). */
const POOL_DEFAULTS = {
  allowedUses: ['Workload', 'Tunnel'],
  assignmentMode: 'Automatic',
  blockSize: 26,
  disableBGPExport: false,
  disabled: false,
  ipipMode: 'Never',
  natOutgoing: false,
  nodeSelector: 'all()',
  vxlanMode: 'Never',
} as const;
const BGP_LIVE: Record<string, string> = { nodeToNodeMeshEnabled: 'nodeToNodeMesh' };

const key = (kind: string, name: string, namespace?: string) => `${kind}(${namespace ? `${namespace}/` : ''}${name})`;

/** JSON-equal, whatever the key order. */
function same(a: unknown, b: unknown): boolean {
  const norm = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(norm)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v as object)
              .filter(([, x]) => x !== undefined)
              .sort(([x], [y]) => x.localeCompare(y))
              .map(([k, x]) => [k, norm(x)]),
          )
        : v;
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
}

/** Spec fields whose asked value differs from the lab's. */
function differing(asked: Record<string, any>, now: Record<string, any>): string[] {
  const keys = new Set([...Object.keys(asked), ...Object.keys(now)]);
  return [...keys].filter((k) => !same(asked[k], now[k])).sort();
}

interface Context {
  rec: LabRecord;
  raw: Record<string, any>;
  problems: Problem[];
  changed: Set<string>;
}

const where = (d: ResourceDoc) => `document ${d.doc} (${d.kind} ${d.name})`;

function refuse(c: Context, d: ResourceDoc, fields: string[], live: Record<string, string>, managedBy: string) {
  for (const f of fields) {
    const can = Object.keys(live);
    c.problems.push({
      field: `${where(d)}: spec.${f}`,
      message: `cannot be changed on a running lab (${managedBy})`,
      fix: can.length
        ? `change only ${can.join(', ')} live; set the rest in the topology file and run calilab up`
        : 'set it in the topology file and run calilab up',
    });
  }
}

function ipPool(c: Context, d: ResourceDoc, action: Action, now: LabResource | undefined): void {
  const pools: Record<string, any>[] = c.raw.ipPools;
  const asked = { ...POOL_DEFAULTS, ...(d.object.spec ?? {}) };
  if (action === 'delete') {
    const inUse = c.rec.plan.allocation.blocks.filter((b) => b.pool === d.name && Object.keys(b.allocations).length);
    if (inUse.length) {
      c.problems.push({
        field: `${where(d)}`,
        message: `IPPool ${d.name} has addresses in use in ${inUse.map((b) => b.cidr).join(', ')}`,
        fix: 'delete its pods first (calilab pod del), or disable the pool: pods keep their addresses',
      });
      return;
    }
    c.raw.ipPools = pools.filter((p) => p.name !== d.name);
    for (const n of c.raw.nodes)
      n.blocks = n.blocks.filter(
        (b: string) => !c.rec.plan.allocation.blocks.some((x) => x.cidr === b && x.pool === d.name),
      );
    c.changed.add(key(d.kind, d.name));
    return;
  }
  if (!now) {
    if (asked.nodeSelector !== 'all()' || !same(asked.allowedUses, POOL_DEFAULTS.allowedUses)) {
      refuse(c, d, ['nodeSelector'], {}, 'calilab pools select every node for workloads and tunnels');
      return;
    }
    const { cidr, blockSize, ipipMode, vxlanMode, natOutgoing, disabled } = asked as Record<string, any>;
    pools.push({ name: d.name, cidr, blockSize, ipipMode, vxlanMode, natOutgoing, disabled });
    c.changed.add(key(d.kind, d.name));
    return;
  }
  const current = { ...POOL_DEFAULTS, ...(now.spec ?? {}) };
  const diff = differing(asked, current);
  // libcalico-go/lib/clientv3/ippool.go validateAndSetDefaults: "IPPool CIDR cannot be modified".
  refuse(
    c,
    d,
    diff.filter((f) => !POOL_SPEC[f]),
    POOL_SPEC,
    diff.includes('cidr') ? 'IPPool CIDR cannot be modified' : 'calilab follows only some fields live',
  );
  const pool = pools.find((p) => p.name === d.name)!;
  for (const f of diff.filter((x) => POOL_SPEC[x])) pool[POOL_SPEC[f]] = asked[f as keyof typeof asked];
  if (diff.length) c.changed.add(key(d.kind, d.name));
}

/** FelixConfiguration and BGPConfiguration `default`: one spec, some fields followed live. */
function singleton(c: Context, d: ResourceDoc, now: LabResource | undefined, live: Record<string, string>) {
  if (!now) {
    c.problems.push({
      field: `${where(d)}: metadata.name`,
      message: `calilab runs one ${d.kind}, "default"; per-node configurations are not emulated`,
      fix: 'name it default',
    });
    return;
  }
  const asked = d.object.spec ?? {};
  const diff = differing(asked, now.spec ?? {}).filter((k) => !(live[k] && asked[k] === undefined));
  refuse(
    c,
    d,
    diff.filter((k) => !live[k]),
    live,
    'calilab follows only some fields live',
  );
  const target = d.kind === 'BGPConfiguration' ? c.raw.bgp : c.raw;
  for (const k of diff.filter((x) => live[x])) target[live[k]] = asked[k];
  if (diff.length) c.changed.add(key(d.kind, d.name));
}

/** Resources Calico's own components write (Node, WorkloadEndpoint, IPAM, BGPPeer here): only
 *  what is already there may be applied. */
function managed(c: Context, d: ResourceDoc, action: Action, now: LabResource | undefined): void {
  const by: Record<string, string> = {
    Node: 'calico-node writes it',
    WorkloadEndpoint: 'the CNI plugin writes it; use calilab pod add | pod del',
    IPAMBlock: "Calico's IPAM writes it",
    BlockAffinity: "Calico's IPAM writes it",
    BGPPeer: 'the top-of-rack peer is part of the topology',
  };
  if (action === 'delete' || !now) {
    c.problems.push({
      field: where(d),
      message: `cannot ${action} a ${d.kind} on a running lab (${by[d.kind] ?? 'not emulated'})`,
      fix:
        d.kind === 'WorkloadEndpoint' ? 'use calilab pod add | pod del' : 'change the topology file and run calilab up',
    });
    return;
  }
  refuse(c, d, differing(d.object.spec ?? {}, now.spec ?? {}), {}, by[d.kind] ?? 'not emulated');
}

/** calicoctl's existence and resourceVersion rules (resourcemgr.go:166-275, clientv3/resources.go:87-96). */
function checkExistence(d: ResourceDoc, action: Action, now: LabResource | undefined): void {
  const id = key(d.kind, d.name, d.namespace);
  const rv = d.object.metadata?.resourceVersion;
  if (action === 'create' && now) throw new ResourceError(`resource already exists: ${id}`);
  if (action === 'create' && rv)
    throw new ResourceError(
      `error with field Metadata.ResourceVersion = '${rv}' (field must not be set for a Create request)`,
    );
  if ((action === 'replace' || action === 'delete') && !now)
    throw new ResourceError(
      `resource does not exist: ${id} with error: ${d.kind.toLowerCase()}s "${d.name}" not found`,
    );
  if (rv && now && action !== 'create' && rv !== (now.metadata.resourceVersion ?? '1'))
    throw new ResourceError(`update conflict: ${id}`);
}

export interface ResourceChanges {
  topology: Topology;
  /** `Kind(name)` of every resource whose spec changed. */
  changed: string[];
  /** calicoctl's success line. */
  message: string;
}

/** The lab's topology after `action` on `docs`; throws TopologyError (field and fix) or ResourceError. */
export function resourceChanges(
  rec: LabRecord,
  current: LabResource[],
  docs: ResourceDoc[],
  action: Action,
  source: string,
): ResourceChanges {
  const c: Context = { rec, raw: pinned(rec), problems: [], changed: new Set() };
  for (const d of docs) {
    const now = current.find((r) => r.kind === d.kind && r.metadata.name === d.name);
    try {
      checkExistence(d, action, now);
    } catch (e) {
      throw new ResourceError(`Failed to ${action} '${d.kind}' resource: [${(e as Error).message}]`, { cause: e });
    }
    if (d.kind === 'IPPool') ipPool(c, d, action, now);
    else if (d.kind === 'FelixConfiguration' && action !== 'delete') singleton(c, d, now, FELIX_SPEC);
    else if (d.kind === 'BGPConfiguration' && action !== 'delete') singleton(c, d, now, BGP_LIVE);
    else managed(c, d, action, now);
  }
  if (c.problems.length) throw new TopologyError(source, c.problems);
  const topology = validateTopology(c.raw, `${action} -f ${source}`);
  const kinds = new Set(docs.map((d) => d.kind));
  const what = kinds.size === 1 ? `'${docs[0].kind}' resource(s)` : 'resource(s)';
  return { topology, changed: [...c.changed], message: `Successfully ${PAST[action]} ${docs.length} ${what}` };
}

/** The resourceVersions after a change: every changed resource gets the next revision. */
export function bumpedVersions(rec: LabRecord, changed: string[]): Record<string, string> {
  const versions = { ...(rec.resourceVersions ?? {}) };
  const next = String(Math.max(1, ...Object.values(versions).map(Number)) + 1);
  for (const k of changed) versions[k.replace(/\((.*)\)$/, '/$1')] = next;
  return versions;
}
