// What `calicoctl get KIND [NAME...]` prints, from the lab's resources: pure, so that the CLI
// (`calilab get`) and the document goldens (src/doc/views.ts) render it with one piece of code.
// calicoctl/calicoctl/commands/get.go and commands/common/printer.go at v3.30.7.
import type { LabRecord } from '../../lab/state.ts';
import { calicoctlJson, calicoctlYaml, configAsNumber, listResource, resourceTable } from './printers.ts';
import { type CalicoResource, NAMESPACED_KINDS } from './resources.ts';

export interface GetRequest {
  kind: string;
  /** Names one by one; none: the whole list. */
  names: string[];
  output: 'ps' | 'wide' | 'yaml' | 'json';
  allNamespaces?: boolean;
  namespace?: string;
}

export interface GetResult {
  /** stdout. */
  text: string;
  /** calicoctl's error for each name not found (printed after the others, exit 1). */
  missing: string[];
}

/** A List's resourceVersion: the newest of the lab's resources'. */
export const listVersion = (rec: LabRecord) =>
  String(Math.max(1, ...Object.values(rec.resourceVersions ?? {}).map(Number)));

/** get.go: named resources one by one (one prints bare, several as a sequence, none found as
 *  null), else the kind's List; tables one per name, else one for the list. */
export function getOutput(rec: LabRecord, resources: CalicoResource[], q: GetRequest): GetResult {
  // `get wep` without -A or -n lists the default namespace (common/resources.go:379-381).
  const ns = NAMESPACED_KINDS.has(q.kind) && !q.allNamespaces ? (q.namespace ?? 'default') : undefined;
  const inNs = resources.filter((r) => r.kind === q.kind && (ns === undefined || r.metadata.namespace === ns));
  const found: CalicoResource[] = [];
  const missing: string[] = [];
  for (const n of q.names) {
    const r = inNs.find((x) => x.metadata.name === n);
    if (r) found.push(r);
    else missing.push(`resource does not exist: ${q.kind}(${ns ? `${ns}/` : ''}${n}) with error: <nil>`);
  }
  if (q.output === 'yaml' || q.output === 'json') {
    const named = found.length === 1 ? found[0] : found.length ? found : null;
    const shown = q.names.length ? named : listResource(q.kind, inNs, listVersion(rec));
    const text = q.output === 'json' ? calicoctlJson(shown) : shown === null ? 'null\n' : calicoctlYaml(shown);
    return { text, missing };
  }
  const opts = {
    wide: q.output === 'wide',
    namespace: !!(q.allNamespaces || q.namespace),
    version: rec.topology.calicoVersion,
    // `config "asnumber"` (printer.go:242-271): the default BGPConfiguration's AS for nodes without one.
    asNumber: configAsNumber(resources),
  };
  const tables = q.names.length ? found.map((r) => [r]) : [inNs];
  return { text: tables.map((t) => resourceTable(q.kind, t, opts)).join(''), missing };
}
