// calicoctl's printers (calicoctl/calicoctl/commands/common/printer.go, v3.30.7): `-o yaml`
// (go-yaml-wrapper over yaml.v2: keys sorted at every level), `-o json` (go-json MarshalIndent:
// struct order, 2 spaces), the List object a `get KIND` without a name prints, and the ps / wide
// tables: Go text/tabwriter with (minwidth 5, tabwidth 1, padding 3, ' ', 0) over rows whose every
// cell, the last included, ends in a tab, and a blank line after each table (printer.go:100-145).
import { type CalicoVersion, traitsOf } from '../versions.ts';
import { API_VERSION, type CalicoResource, findResource } from './resources.ts';
import { type JsonValue, yamlV2 } from './yaml-v2.ts';
import { tabwriteRows } from '../../util/tabwriter.ts';

export { yamlKeyLess, yamlKeyOrder } from './yaml-v2.ts';

/** The value as json.Marshal sees it: undefined dropped, Dates and the like through their toJSON. */
const viaJson = (value: unknown): JsonValue => (value === undefined ? null : JSON.parse(JSON.stringify(value)));

/** `calicoctl get ... -o yaml` (printer.go:67-81): byte-identical to go-yaml-wrapper + yaml.v2 v2.4.0. */
export function calicoctlYaml(value: unknown): string {
  return yamlV2(viaJson(value));
}

const GO_ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** go-json's string escaping (encode.go:891-960): \" \\ \n \r \t, every other control below 0x20 and
 *  <, > and & as \u00XX, U+2028 and U+2029 as \u2028 and \u2029, invalid UTF-16 as \ufffd. */
function goJsonString(s: string): string {
  let out = '"';
  for (const c of s) {
    const cp = c.codePointAt(0)!;
    if (GO_ESCAPES[c]) out += GO_ESCAPES[c];
    else if (cp < 0x20 || c === '<' || c === '>' || c === '&' || cp === 0x2028 || cp === 0x2029)
      out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else if (cp >= 0xd800 && cp <= 0xdfff) out += '\\ufffd';
    else out += c;
  }
  return `${out}"`;
}

function goJson(v: JsonValue, indent: string): string {
  if (typeof v === 'string') return goJsonString(v);
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  const inner = `${indent}  `;
  if (Array.isArray(v)) {
    if (!v.length) return '[]';
    return `[\n${v.map((x) => inner + goJson(x, inner)).join(',\n')}\n${indent}]`;
  }
  // JavaScript puts integer-like keys first in numeric order whatever the insertion order; only a
  // Go map has such keys (sequenceNumberForAllocation), and json.Marshal sorts a map's keys.
  const entries = Object.entries(v);
  if (entries.some(([k]) => /^(0|[1-9]\d*)$/.test(k)))
    entries.sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  if (!entries.length) return '{}';
  return `{\n${entries.map(([k, x]) => `${inner}${goJsonString(k)}: ${goJson(x, inner)}`).join(',\n')}\n${indent}}`;
}

/** `-o json` (printer.go:47-61): MarshalIndent(v, "", "  ") in insertion (= Go struct) order, then "\n". */
export function calicoctlJson(value: unknown): string {
  return `${goJson(viaJson(value), '')}\n`;
}

export interface ResourceList {
  kind: string;
  apiVersion: string;
  metadata: { resourceVersion: string };
  items: CalicoResource[];
}

/** The <Kind>List a `get KIND` without names prints (ippool.go:30-35 and the like): TypeMeta, ListMeta
 *  (the list's resourceVersion), items; `items: []` when empty (clientv3 resources.go List). */
export function listResource(kind: string, items: CalicoResource[], resourceVersion: string): ResourceList {
  return { kind: `${kind}List`, apiVersion: API_VERSION, metadata: { resourceVersion }, items };
}

/** A table as calicoctl's ps printer writes it: every cell tab-terminated through
 *  tabwriter.NewWriter(os.Stdout, 5, 1, 3, ' ', 0), then the blank line printer.go:143 adds. */
export function tabwriter(rows: string[][]): string {
  return `${tabwriteRows(rows, { minwidth: 5, padding: 3, terminated: true })}\n`;
}

export interface TableOptions {
  /** `-o wide`. */
  wide?: boolean;
  /** -A or -n: a NAMESPACE column first, for kinds that have one (resourcemgr.go:556-558). */
  namespace?: boolean;
  /** `-o custom-columns=A,B`: these headings instead of the kind's own. */
  columns?: string[];
  /** Which calicoctl's IPPool wide columns to use. Default: the reference version. */
  version?: CalicoVersion;
  /** What the template function `config "asnumber"` returns (printer.go:242-271): the default
   *  BGPConfiguration's asNumber, else 64512. See configAsNumber. */
  asNumber?: string;
}

type Cell = (r: CalicoResource, o: TableOptions) => string;

const spec = (r: CalicoResource) => r.spec as Record<string, any>;
/** Go templates print a value as fmt does: booleans and numbers as text, a nil value as "<no value>". */
const text = (v: unknown) => (v === undefined ? '' : String(v));
/** `{{if .X}}{{.X}}{{else}}D{{end}}`: an empty string or nil pointer takes the default. */
const orDefault = (v: unknown, d: string) => (v === undefined || v === '' || v === null ? d : String(v));
const boolText = (v: unknown) => String(v === true);

interface KindTable {
  ps: string[];
  wide: string[];
  cells: Record<string, Cell>;
}

const NAME: Cell = (r) => r.metadata.name;

/** Spec.Order is a *float64: text/template indirects it, and prints a nil one as "<nil>". */
const POLICY_CELLS: Record<string, Cell> = {
  TIER: (r) => text(spec(r).tier),
  ORDER: (r) => (spec(r).order === undefined ? '<nil>' : String(spec(r).order)),
  SELECTOR: (r) => text(spec(r).selector),
};

/** Headings and templates per kind (calicoctl/calicoctl/resourcemgr/<kind>.go registerResource). */
const TABLES: Record<string, KindTable> = {
  IPPool: {
    // ippool.go:33-45; the wide set depends on the version (versions.ts ippoolWideColumns).
    ps: ['NAME', 'CIDR', 'SELECTOR'],
    wide: [],
    cells: {
      NAME,
      CIDR: (r) => text(spec(r).cidr),
      NAT: (r) => boolText(spec(r).natOutgoing),
      IPIPMODE: (r) => orDefault(spec(r).ipipMode, 'Never'),
      VXLANMODE: (r) => orDefault(spec(r).vxlanMode, 'Never'),
      DISABLED: (r) => boolText(spec(r).disabled),
      DISABLEBGPEXPORT: (r) => boolText(spec(r).disableBGPExport),
      SELECTOR: (r) => text(spec(r).nodeSelector),
      ASSIGNMENTMODE: (r) => (spec(r).assignmentMode === undefined ? '<nil>' : String(spec(r).assignmentMode)),
    },
  },
  BGPConfiguration: {
    ps: ['NAME', 'LOGSEVERITY', 'MESHENABLED', 'ASNUMBER'], // bgpconfig.go:33-40
    wide: ['NAME', 'LOGSEVERITY', 'MESHENABLED', 'ASNUMBER'],
    cells: {
      NAME,
      LOGSEVERITY: (r) => text(spec(r).logSeverityScreen),
      // Pointers: set (even to false) prints the value, nil prints "-".
      MESHENABLED: (r) => orDefault(spec(r).nodeToNodeMeshEnabled, '-'),
      ASNUMBER: (r) => orDefault(spec(r).asNumber, '-'),
    },
  },
  BGPPeer: {
    ps: ['NAME', 'PEERIP', 'NODE', 'ASN'], // bgppeer.go:33-40
    wide: ['NAME', 'PEERIP', 'NODE', 'ASN'],
    cells: {
      NAME,
      PEERIP: (r) => text(spec(r).peerIP),
      NODE: (r) => spec(r).node || spec(r).nodeSelector || '(global)',
      ASN: (r) => String(spec(r).asNumber ?? 0),
    },
  },
  FelixConfiguration: { ps: ['NAME'], wide: ['NAME'], cells: { NAME } }, // felixconfig.go:33-37
  Node: {
    ps: ['NAME'], // node.go:31-38
    wide: ['NAME', 'ASN', 'IPV4', 'IPV6'],
    cells: {
      NAME,
      ASN: (r, o) => {
        const bgp = spec(r).bgp;
        if (!bgp) return '';
        return bgp.asNumber ? String(bgp.asNumber) : `(${o.asNumber ?? '64512'})`;
      },
      IPV4: (r) => text(spec(r).bgp?.ipv4Address),
      IPV6: (r) => text(spec(r).bgp?.ipv6Address),
    },
  },
  WorkloadEndpoint: {
    ps: ['WORKLOAD', 'NODE', 'NETWORKS', 'INTERFACE'], // workloadendpoint.go:31-44
    wide: ['NAME', 'WORKLOAD', 'NODE', 'NETWORKS', 'INTERFACE', 'PROFILES', 'NATS'],
    cells: {
      NAME,
      NAMESPACE: (r) => r.metadata.namespace ?? '',
      NODE: (r) => text(spec(r).node),
      ORCHESTRATOR: (r) => text(spec(r).orchestrator),
      WORKLOAD: (r) => spec(r).workload || text(spec(r).pod),
      NETWORKS: (r) => (spec(r).ipNetworks ?? []).join(','),
      NATS: (r) => (spec(r).ipNATs ?? []).map((n: any) => `{${n.internalIP} ${n.externalIP}}`).join(','),
      PROFILES: (r) => (spec(r).profiles ?? []).join(','),
      INTERFACE: (r) => text(spec(r).interfaceName),
    },
  },
  NetworkPolicy: {
    ps: ['NAME', 'TIER'], // networkpolicy.go:36-45
    wide: ['NAME', 'TIER', 'ORDER', 'SELECTOR'],
    cells: { NAME, NAMESPACE: (r) => r.metadata.namespace ?? '', ...POLICY_CELLS },
  },
  GlobalNetworkPolicy: {
    ps: ['NAME', 'TIER'], // globalnetworkpolicy.go:35-43
    wide: ['NAME', 'TIER', 'ORDER', 'SELECTOR'],
    cells: { NAME, ...POLICY_CELLS },
  },
  // calilab extensions (calicoctl 3.30 has no table for them): the CRDs' printer columns.
  IPAMBlock: {
    ps: ['NAME', 'CIDR', 'AFFINITY'],
    wide: ['NAME', 'CIDR', 'AFFINITY'],
    cells: { NAME, CIDR: (r) => text(spec(r).cidr), AFFINITY: (r) => text(spec(r).affinity) },
  },
  BlockAffinity: {
    ps: ['NAME', 'CIDR', 'NODE', 'TYPE'],
    wide: ['NAME', 'CIDR', 'NODE', 'TYPE'],
    cells: {
      NAME,
      CIDR: (r) => text(spec(r).cidr),
      NODE: (r) => text(spec(r).node),
      TYPE: (r) => text(spec(r).type),
    },
  },
};

export class TableError extends Error {}

/** The default BGPConfiguration's AS number as `config "asnumber"` finds it, else 64512. */
export function configAsNumber(resources: readonly CalicoResource[]): string {
  const asn = findResource(resources, 'BGPConfiguration', 'default')?.spec.asNumber;
  return asn === undefined || asn === null ? '64512' : String(asn);
}

/** The headings a table of `kind` has (resourcemgr.go GetTableDefaultHeadings and GetTableTemplate). */
export function tableHeadings(kind: string, opts: TableOptions = {}): string[] {
  const t = TABLES[kind];
  if (!t) throw new TableError(`resource type '${kind}' has no table`);
  const wide = kind === 'IPPool' ? [...traitsOf(opts.version).ippoolWideColumns] : t.wide;
  const headings = opts.columns ?? (opts.wide ? wide : t.ps);
  // custom-columns does not pass PrintNamespace (get.go:178-182).
  const withNs = !opts.columns && opts.namespace && t.cells.NAMESPACE ? ['NAMESPACE', ...headings] : headings;
  for (const h of withNs) {
    if (!t.cells[h]) {
      throw new TableError(`Unknown heading ${h}, valid values are: ${Object.keys(t.cells).join(', ')}`);
    }
  }
  return withNs;
}

/** One calicoctl table (one List, or one named resource) with its trailing blank line. */
export function resourceTable(kind: string, resources: readonly CalicoResource[], opts: TableOptions = {}): string {
  const headings = tableHeadings(kind, opts);
  const cells = TABLES[kind].cells;
  return tabwriter([headings, ...resources.map((r) => headings.map((h) => cells[h](r, opts)))]);
}
