// Validation of projectcalico.org/v3 resources as the API server would do it with Calico's
// CustomResourceDefinitions: each CRD's openAPIV3Schema (the pinned v3.32.1 copies in ./crds,
// read at run time, never from ../shared) turned into a JSON Schema for ajv, and the CEL rules
// of its x-kubernetes-validations re-checked in code, since no JavaScript CEL knows Kubernetes'
// extensions. Messages follow the API server's field errors (k8s.io/apimachinery
// pkg/util/validation/field/errors.go): `Unsupported value: "x": supported values: ...`,
// `Required value`, `Forbidden: ...`. Each kind's validator is compiled on first use, and ajv
// itself is loaded then, so that commands which validate nothing do not pay for it.
//
// CEL rules re-checked (all of those six CRDs' x-kubernetes-validations):
//   IPPool spec: ipipMode and vxlanMode not both enabled; LoadBalancer pools without IPIP/VXLAN;
//     LoadBalancer not combined with Workload or Tunnel; no IPIP on IPv6 pools; cidr and
//     blockSize unchanged (`self == oldSelf`, only when the stored object is passed).
//   BGPConfiguration spec: nodeMeshPassword and nodeMeshMaxRestartTime need the mesh on.
//   BGPPeer spec: the six node/nodeSelector, peerIP/peerSelector, asNumber and
//     localWorkloadSelector exclusions.
//   FelixConfiguration: routeTableRange xor routeTableRanges; no nodeSelector on `default` or node.*.
//   IPAMBlock and BlockAffinity have none. x-kubernetes-list-type: set is checked for duplicates.
// Node and WorkloadEndpoint have no CRD (KDD keeps them in Kubernetes Nodes and Pods): only
// their metadata is checked here.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import type { Problem } from '../../topology/schema.ts';
import { API_VERSION, NAMESPACED_KINDS, RESOURCE_KINDS } from './resources.ts';

type Schema = Record<string, any>;

/** The CRD file of each kind that has one (copies of calico v3.32.1 api/config/crd). */
export const CRD_FILES: Readonly<Record<string, string>> = {
  IPPool: 'projectcalico.org_ippools.yaml',
  BGPConfiguration: 'projectcalico.org_bgpconfigurations.yaml',
  BGPPeer: 'projectcalico.org_bgppeers.yaml',
  FelixConfiguration: 'projectcalico.org_felixconfigurations.yaml',
  IPAMBlock: 'projectcalico.org_ipamblocks.yaml',
  BlockAffinity: 'projectcalico.org_blockaffinities.yaml',
  NetworkPolicy: 'projectcalico.org_networkpolicies.yaml',
  GlobalNetworkPolicy: 'projectcalico.org_globalnetworkpolicies.yaml',
};

const CRD_DIR = fileURLToPath(new URL('./crds/', import.meta.url));
const crdCache = new Map<string, Schema>();

/** The openAPIV3Schema of the served v3 version of `kind`'s CRD, undefined for kinds without one. */
export function crdSchema(kind: string): Schema | undefined {
  const file = CRD_FILES[kind];
  if (!file) return undefined;
  let s = crdCache.get(kind);
  if (!s) {
    const crd = parse(readFileSync(`${CRD_DIR}${file}`, 'utf8'));
    const version = crd.spec.versions.find((v: Schema) => v.name === 'v3' && v.served);
    s = version.schema.openAPIV3Schema as Schema;
    crdCache.set(kind, s);
  }
  return s;
}

const swapCase = (c: string) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase());

/** Go RE2's `(?i)` has no JavaScript spelling inside a pattern string: each letter becomes [xX],
 *  each character class gets its letters' other case too ([a-z] -> [a-zA-Z]). The whole pattern
 *  is folded: Calico's CRDs put (?i) only at the start. */
export function caseFold(pattern: string): string {
  if (!pattern.includes('(?i)')) return pattern;
  const p = pattern.replaceAll('(?i)', '');
  let out = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') {
      out += c + (p[i + 1] ?? '');
      i++;
    } else if (c === '[') {
      const negated = p[i + 1] === '^';
      let j = negated ? i + 2 : i + 1;
      let body = '';
      for (; j < p.length && p[j] !== ']'; j++) {
        body += p[j] === '\\' ? p[j] + p[++j] : p[j];
      }
      const other = body.replace(/\\.|[a-zA-Z]/g, (m) => (m.length === 2 ? m : swapCase(m)));
      out += `[${negated ? '^' : ''}${body}${other === body ? '' : other}]`;
      i = j;
    } else if (/[a-zA-Z]/.test(c)) {
      out += `[${c.toLowerCase()}${c.toUpperCase()}]`;
    } else {
      out += c;
    }
  }
  return out;
}

/** Structural schema -> JSON Schema: x-kubernetes-* dropped (int-or-string becomes anyOf integer or
 *  string), nullable as a null type, RE2 patterns made JavaScript patterns. */
export function toJsonSchema(s: Schema): Schema {
  const out: Schema = {};
  for (const [k, v] of Object.entries(s)) {
    if (k.startsWith('x-kubernetes-') || k === 'nullable' || k === 'description') continue;
    if (k === 'properties')
      out[k] = Object.fromEntries(Object.entries(v as Schema).map(([p, x]) => [p, toJsonSchema(x)]));
    else if (k === 'items' || (k === 'additionalProperties' && typeof v === 'object')) out[k] = toJsonSchema(v);
    else if (k === 'anyOf' || k === 'allOf' || k === 'oneOf') out[k] = v.map(toJsonSchema);
    else if (k === 'pattern') out[k] = caseFold(v);
    else out[k] = v;
  }
  if (s['x-kubernetes-int-or-string']) {
    delete out.type;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (s.nullable && typeof out.type === 'string') out.type = [out.type, 'null'];
  return out;
}

/** kube-openapi's "cidr" format: what Go's net.ParseCIDR accepts (host bits may be set). */
export function isCidr(s: string): boolean {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(s);
  if (!m) return false;
  const prefix = Number(m[2]);
  if (isIPv4Text(m[1])) return prefix <= 32;
  return prefix <= 128 && isIPv6(m[1]);
}

const isIPv4Text = (s: string) => /^\d{1,3}(\.\d{1,3}){3}$/.test(s) && s.split('.').every((o) => Number(o) <= 255);

/** Go's net.ParseIP for IPv6 text: hex groups, one `::` at most, an IPv4 tail allowed. */
function isIPv6(s: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(s)) return false;
  const halves = s.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((h) => (h === '' ? [] : h.split(':')));
  let words = 0;
  for (const [i, g] of groups.entries()) {
    if (i === groups.length - 1 && g.includes('.')) {
      if (!isIPv4Text(g)) return false;
      words += 2;
    } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) words++;
    else return false;
  }
  return halves.length === 2 ? words < 8 : words === 8;
}

let ajvInstance: any;
const compiled = new Map<string, ValidateFunction>();

function ajv(): any {
  if (!ajvInstance) {
    const Ajv = createRequire(import.meta.url)('ajv').default;
    ajvInstance = new Ajv({
      strict: false,
      allErrors: true,
      useDefaults: true,
      unicodeRegExp: false, // RE2 patterns such as [a-zA-Z0-9-_] are errors in JavaScript's u mode
      logger: false,
      formats: {
        cidr: isCidr,
        'date-time': /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[-+]\d{2}:\d{2})$/,
        int32: { type: 'number', validate: () => true },
        int64: { type: 'number', validate: () => true },
      },
    });
  }
  return ajvInstance;
}

function validatorOf(kind: string): ValidateFunction | undefined {
  const schema = crdSchema(kind);
  if (!schema) return undefined;
  let v = compiled.get(kind);
  if (!v) {
    v = ajv().compile(toJsonSchema(schema)) as ValidateFunction;
    compiled.set(kind, v);
  }
  return v;
}

/** `/spec/allowedUses/0` -> `spec.allowedUses[0]`, as the API server names fields. */
function fieldPath(pointer: string, data: unknown): string {
  let path = '';
  let at: any = data;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    path += Array.isArray(at) || !/^[A-Za-z_][\w-]*$/.test(seg) ? `[${seg}]` : `${path ? '.' : ''}${seg}`;
    at = at?.[seg];
  }
  return path;
}

const valueAt = (pointer: string, data: unknown): unknown =>
  pointer
    .split('/')
    .slice(1)
    .reduce((at: any, raw) => at?.[raw.replaceAll('~1', '/').replaceAll('~0', '~')], data);

/** The JSON type name the API server quotes in a type error. */
function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** Go's %v of a value in a field error: strings quoted, the rest as JSON. */
const shown = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? 'null'));

function ajvProblem(e: ErrorObject, data: unknown): Problem | undefined {
  const at = fieldPath(e.instancePath, data);
  const v = valueAt(e.instancePath, data);
  const p = e.params as Record<string, any>;
  switch (e.keyword) {
    case 'required': {
      const field = `${at ? `${at}.` : ''}${p.missingProperty}`;
      return { field, message: 'Required value', fix: `add ${field}` };
    }
    case 'enum': {
      const allowed = (p.allowedValues as unknown[]).map(String);
      const quoted = allowed.map((a) => JSON.stringify(a)).join(', ');
      const message = `Unsupported value: ${shown(v)}: supported values: ${quoted}`;
      return { field: at, message, fix: `use one of: ${allowed.map((a) => a || '""').join(', ')}` };
    }
    case 'type': {
      const want = String(p.type).split(',')[0];
      const message = `Invalid value: "${typeName(v)}": ${at} in body must be of type ${want}: "${typeName(v)}"`;
      return { field: at, message, fix: `write ${at} as ${want === 'integer' ? 'an' : 'a'} ${want}` };
    }
    case 'anyOf':
      return {
        field: at,
        message: `Invalid value: ${shown(v)}: must be an integer or a string`,
        fix: 'write a number or a string',
      };
    case 'pattern': {
      const message = `Invalid value: ${shown(v)}: ${at} in body should match '${p.pattern}'`;
      return { field: at, message, fix: `write ${at} to match ${p.pattern}` };
    }
    case 'format': {
      const example = p.format === 'cidr' ? ' like 10.8.0.0/16' : '';
      const message = `Invalid value: ${shown(v)}: ${at} in body must be of type ${p.format}: ${shown(v)}`;
      return { field: at, message, fix: `write ${at} as a ${p.format}${example}` };
    }
    case 'maximum':
    case 'minimum': {
      const dir = e.keyword === 'maximum' ? 'less' : 'greater';
      const message = `Invalid value: ${shown(v)}: ${at} in body should be ${dir} than or equal to ${p.limit}`;
      return { field: at, message, fix: `set ${at} ${e.keyword === 'maximum' ? 'at most' : 'at least'} ${p.limit}` };
    }
    case 'maxLength':
      return { field: at, message: `Too long: may not be more than ${p.limit} bytes`, fix: `shorten ${at}` };
    case 'minLength':
      return {
        field: at,
        message: `Invalid value: ${shown(v)}: ${at} in body should be at least ${p.limit} chars long`,
        fix: `lengthen ${at}`,
      };
    case 'maxItems':
      return {
        field: at,
        message: `Too many: ${(v as unknown[]).length}: must have at most ${p.limit} items`,
        fix: `list at most ${p.limit}`,
      };
    default:
      return { field: at, message: `Invalid value: ${shown(v)}: ${e.message ?? e.keyword}`, fix: `correct ${at}` };
  }
}

/** ajv's errors as field errors; an int-or-string's two branch errors fold into its anyOf error. */
function schemaProblems(errors: ErrorObject[], data: unknown): Problem[] {
  const anyOfAt = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  return errors
    .filter((e) => e.keyword === 'anyOf' || !anyOfAt.has(e.instancePath) || !e.schemaPath.includes('/anyOf/'))
    .filter((e) => e.keyword !== 'if' && e.keyword !== 'allOf')
    .map((e) => ajvProblem(e, data))
    .filter((p): p is Problem => p !== undefined);
}

/** x-kubernetes-list-type: set: no value twice (`Duplicate value: "Workload"`). */
function setDuplicates(schema: Schema, data: unknown, at: string, out: Problem[]): void {
  if (data === null || typeof data !== 'object') return;
  if (Array.isArray(data)) {
    if (schema['x-kubernetes-list-type'] === 'set') {
      data.forEach((x, i) => {
        if (data.findIndex((y) => JSON.stringify(y) === JSON.stringify(x)) < i)
          out.push({ field: `${at}[${i}]`, message: `Duplicate value: ${shown(x)}`, fix: `list ${shown(x)} once` });
      });
    }
    if (schema.items) for (const [i, x] of data.entries()) setDuplicates(schema.items, x, `${at}[${i}]`, out);
    return;
  }
  for (const [k, sub] of Object.entries((schema.properties ?? {}) as Schema))
    setDuplicates(sub, (data as Schema)[k], at ? `${at}.${k}` : k, out);
}

const has = (o: Schema, k: string) => o[k] !== undefined && o[k] !== null;
/** CEL `!has(self.x) || size(self.x) == 0`. */
const unset = (o: Schema, k: string) => !has(o, k) || o[k] === '' || (Array.isArray(o[k]) && !o[k].length);
const forbidden = (field: string, message: string, fix: string): Problem => ({
  field,
  message: `Forbidden: ${message}`,
  fix,
});

function ipPoolRules(spec: Schema, old: Schema | undefined): Problem[] {
  const out: Problem[] = [];
  const enc = (m: string) => !unset(spec, m) && spec[m] !== 'Never';
  const lb = Array.isArray(spec.allowedUses) && spec.allowedUses.includes('LoadBalancer');
  if (enc('ipipMode') && enc('vxlanMode'))
    out.push(forbidden('spec', 'ipipMode and vxlanMode cannot both be enabled', 'set ipipMode or vxlanMode to Never'));
  if (lb && (enc('ipipMode') || enc('vxlanMode')))
    out.push(forbidden('spec', 'LoadBalancer IP pool cannot have IPIP or VXLAN enabled', 'set both modes to Never'));
  if (lb && spec.allowedUses.some((u: string) => u === 'Workload' || u === 'Tunnel'))
    out.push(
      forbidden('spec', 'LoadBalancer cannot be combined with Workload or Tunnel allowed uses', 'make a separate pool'),
    );
  if (typeof spec.cidr === 'string' && spec.cidr.includes(':') && enc('ipipMode'))
    out.push(forbidden('spec', 'IPIP is not supported on IPv6 pools', 'set ipipMode to Never'));
  // Transition rules (`self == oldSelf`) run on updates where both objects hold the field.
  const guide = 'follow IP pool migration guide to avoid corruption.';
  for (const [f, what] of [
    ['cidr', 'CIDR'],
    ['blockSize', 'Block size'],
  ] as const) {
    if (old && has(old, f) && has(spec, f) && old[f] !== spec[f]) {
      const message = `Invalid value: "${typeName(spec[f])}": ${what} cannot be changed; ${guide}`;
      out.push({ field: `spec.${f}`, message, fix: `keep ${f} ${shown(old[f])}, or create a new pool and migrate` });
    }
  }
  return out;
}

function bgpConfigurationRules(spec: Schema): Problem[] {
  const meshOff = has(spec, 'nodeToNodeMeshEnabled') && spec.nodeToNodeMeshEnabled !== true;
  return ['nodeMeshPassword', 'nodeMeshMaxRestartTime']
    .filter((f) => has(spec, f) && meshOff)
    .map((f) =>
      forbidden('spec', `${f} cannot be set when nodeToNodeMeshEnabled is false`, `remove ${f} or enable the mesh`),
    );
}

function bgpPeerRules(spec: Schema): Problem[] {
  const set = (k: string) => !unset(spec, k);
  const asn = has(spec, 'asNumber') && spec.asNumber !== 0;
  const rules: [boolean, string, string][] = [
    [set('node') && set('nodeSelector'), 'node and nodeSelector cannot both be set', 'keep one of them'],
    [set('peerIP') && set('peerSelector'), 'peerIP and peerSelector cannot both be set', 'keep one of them'],
    [set('peerSelector') && asn, 'asNumber must be empty when peerSelector is set', 'remove asNumber'],
    [
      set('localWorkloadSelector') && set('peerIP'),
      'peerIP must be empty when localWorkloadSelector is set',
      'remove peerIP',
    ],
    [
      set('localWorkloadSelector') && set('peerSelector'),
      'peerSelector must be empty when localWorkloadSelector is set',
      'remove peerSelector',
    ],
  ];
  const out = rules.filter(([broken]) => broken).map(([, message, fix]) => forbidden('spec', message, fix));
  if (set('localWorkloadSelector') && !asn) {
    const message = 'Invalid value: "object": asNumber is required when localWorkloadSelector is set';
    out.push({ field: 'spec', message, fix: 'set asNumber' });
  }
  return out;
}

function felixRules(obj: Schema, spec: Schema): Problem[] {
  const out: Problem[] = [];
  if (has(spec, 'routeTableRange') && has(spec, 'routeTableRanges'))
    out.push(forbidden('spec', 'routeTableRange and routeTableRanges cannot both be set', 'keep one of them'));
  const name = String(obj.metadata?.name ?? '');
  if ((name === 'default' || name.startsWith('node.')) && has(spec, 'nodeSelector')) {
    const message = "nodeSelector must not be set on the 'default' or per-node ('node.*') FelixConfiguration";
    out.push(forbidden('<nil>', message, 'remove spec.nodeSelector'));
  }
  return out;
}

/** The CEL rules of `kind`'s CRD, re-checked (see the file's header). */
function celProblems(kind: string, obj: Schema, old: Schema | undefined): Problem[] {
  const spec = obj.spec;
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) return [];
  if (kind === 'IPPool') return ipPoolRules(spec, old?.spec);
  if (kind === 'BGPConfiguration') return bgpConfigurationRules(spec);
  if (kind === 'BGPPeer') return bgpPeerRules(spec);
  if (kind === 'FelixConfiguration') return felixRules(obj, spec);
  return [];
}

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** ObjectMeta as the API server checks a custom resource's (apimachinery validation/objectmeta.go). */
function metadataProblems(kind: string, obj: Schema): Problem[] {
  const meta = obj.metadata;
  if (meta === undefined || meta === null || typeof meta !== 'object' || Array.isArray(meta))
    return [{ field: 'metadata', message: 'Required value', fix: 'add metadata with a name' }];
  const out: Problem[] = [];
  const name = meta.name;
  if (name === undefined || name === '') {
    out.push({
      field: 'metadata.name',
      message: 'Required value: name or generateName is required',
      fix: 'add metadata.name',
    });
  } else if (typeof name !== 'string' || name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) {
    const message =
      `Invalid value: ${shown(name)}: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric ` +
      "characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex " +
      "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    out.push({ field: 'metadata.name', message, fix: 'use lowercase letters, digits, "-" and "."' });
  }
  if (!NAMESPACED_KINDS.has(kind) && meta.namespace) {
    const message =
      'namespace should not be specified for a non-namespaced resource. ' + `${kind} is not a namespaced resource`;
    out.push({ field: 'metadata.namespace', message, fix: 'remove metadata.namespace' });
  }
  if (NAMESPACED_KINDS.has(kind) && meta.namespace && !DNS1123_LABEL.test(String(meta.namespace))) {
    const message =
      `Invalid value: ${shown(meta.namespace)}: a lowercase RFC 1123 label must consist of lower case ` +
      "alphanumeric characters or '-'";
    out.push({ field: 'metadata.namespace', message, fix: 'use a Kubernetes namespace name' });
  }
  return out;
}

/**
 * The problems the API server would find in `obj` (a projectcalico.org/v3 resource read from
 * `source`): its schema with defaults applied, its CEL rules, its metadata. `old`, the stored
 * object, enables the update-only rules (an IPPool's cidr and blockSize cannot change).
 */
export function validateResource(obj: unknown, source: string, old?: unknown): Problem[] {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj))
    return [
      { field: '', message: `${source}: not a resource (a mapping with kind and apiVersion)`, fix: 'write a mapping' },
    ];
  const o = obj as Schema;
  if (!RESOURCE_KINDS.includes(o.kind) || o.apiVersion !== API_VERSION) {
    const message = `Unknown resource type (${o.kind}) and/or version (${o.apiVersion})`;
    const fix = `use apiVersion ${API_VERSION} and one of the kinds ${RESOURCE_KINDS.join(', ')}`;
    return [{ field: 'kind', message, fix }];
  }
  const problems = metadataProblems(o.kind, o);
  const validate = validatorOf(o.kind);
  if (validate) {
    const data = structuredClone(o); // ajv writes the CRD's defaults into what it checks
    if (!validate(data)) problems.push(...schemaProblems(validate.errors ?? [], data));
    setDuplicates(crdSchema(o.kind)!, data, '', problems);
    problems.push(...celProblems(o.kind, data, old as Schema | undefined));
  }
  return problems;
}
