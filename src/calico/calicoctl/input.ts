// `calicoctl apply|create|replace|delete -f FILE|-`: the resources a file holds, read as
// calicoctl v3.30.7 reads them (calicoctl/calicoctl/resourcemgr/resourcemgr.go:400-537). The text
// is cut into documents at "\n---" lines (util/yaml/separator.go, at most 10 MB each); a document
// is one resource, a <Kind>List with items, or a YAML sequence of resources; each is decoded
// strictly (yaml.UnmarshalStrict: go-json with DisallowUnknownFields), so a misplaced field is an
// error naming it. Decoding is all that happens here: schema checks are crd.ts's.
import { type Document, parseDocument, type Tags } from 'yaml';
import type { Problem } from '../../topology/schema.ts';
import { crdSchema } from './crd.ts';
import { API_VERSION, NAMESPACED_KINDS, RESOURCE_KINDS, type ResourceKind } from './resources.ts';
import { goFloat } from './yaml-v2.ts';

/** A resource as read from the input. */
export interface ResourceDocument {
  kind: ResourceKind;
  name: string;
  namespace?: string;
  /** The decoded object: known fields under their Go names, scalars meant as strings as strings. */
  object: Record<string, any>;
  /** 1-based number of the document (the "---" section) it came from. */
  doc: number;
}

export class ResourceInputError extends Error {
  constructor(
    readonly source: string,
    readonly problems: Problem[],
    options?: ErrorOptions,
  ) {
    super(problems.map((p) => `${source}: ${p.field}: ${p.message}`).join('\n'), options);
    this.name = 'ResourceInputError';
  }

  /** Bad input found by another parser: its error is kept as cause. */
  static from(source: string, problems: Problem[], cause: unknown): ResourceInputError {
    return new ResourceInputError(source, problems, { cause });
  }
}

/** bufio.Scanner's buffer in util/yaml/separator.go:24 (maxDocumentLength). */
export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;

/** common/resources.go:156-158, when the input holds no resource (unless --skip-empty). */
export const noResourcesMessage = (source: string) => `No resources specified in file ${source}`;

/** splitYAMLDocument (separator.go:45-75): a document ends at "\n---"; the rest of that line is
 *  dropped. A last section that starts a separator line but has no newline after it is lost
 *  whole, as bufio.Scanner drops an unfinished token at EOF. */
export function splitDocuments(text: string): string[] {
  const docs: string[] = [];
  let data = text;
  while (data.length) {
    const i = data.indexOf('\n---');
    if (i < 0) {
      docs.push(data);
      break;
    }
    const after = data.slice(i + 4);
    if (!after.length) {
      docs.push(data.slice(0, i));
      break;
    }
    const j = after.indexOf('\n');
    if (j < 0) break;
    docs.push(data.slice(0, i));
    data = after.slice(j + 1);
  }
  return docs;
}

/** What a field decodes into: a struct's fields, a map's or a list's element, a string, or anything. */
interface Shape {
  fields?: Record<string, Shape>;
  map?: Shape;
  items?: Shape;
  string?: boolean;
}
const ANY: Shape = {};
const STR: Shape = { string: true };
const strings = (...names: string[]): Record<string, Shape> => Object.fromEntries(names.map((n) => [n, STR]));

/** metav1.ObjectMeta and metav1.ListMeta (k8s.io/apimachinery/pkg/apis/meta/v1/types.go). */
const OBJECT_META: Shape = {
  fields: {
    ...strings('name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion'),
    generation: ANY,
    creationTimestamp: ANY,
    deletionTimestamp: ANY,
    deletionGracePeriodSeconds: ANY,
    labels: { map: STR },
    annotations: { map: STR },
    ownerReferences: { items: ANY },
    finalizers: { items: STR },
    managedFields: { items: ANY },
  },
};
const LIST_META: Shape = { fields: { ...strings('selfLink', 'resourceVersion', 'continue'), remainingItemCount: ANY } };

/** libcalico-go/lib/apis/v3/node.go:35-130 (no CRD: KDD keeps it in the Kubernetes Node). */
const NODE_SPEC: Shape = {
  fields: {
    bgp: {
      fields: {
        asNumber: ANY,
        ...strings('ipv4Address', 'ipv6Address', 'ipv4IPIPTunnelAddr', 'routeReflectorClusterID'),
      },
    },
    ...strings('ipv4VXLANTunnelAddr', 'vxlanTunnelMACAddr', 'ipv6VXLANTunnelAddr', 'vxlanTunnelMACAddrV6'),
    orchRefs: { items: { fields: strings('nodeName', 'orchestrator') } },
    wireguard: { fields: strings('interfaceIPv4Address', 'interfaceIPv6Address') },
    addresses: { items: { fields: strings('address', 'type') } },
  },
};
const NODE_STATUS: Shape = {
  fields: { ...strings('wireguardPublicKey', 'wireguardPublicKeyV6'), podCIDRs: { items: STR } },
};

/** libcalico-go/lib/apis/v3/workloadendpoint.go:42-180 (no CRD: KDD derives it from the Pod). */
const WEP_SPEC: Shape = {
  fields: {
    ...strings('orchestrator', 'workload', 'node', 'containerID', 'pod', 'endpoint', 'serviceAccountName'),
    ipNetworks: { items: STR },
    ipNATs: { items: { fields: strings('internalIP', 'externalIP') } },
    ...strings('ipv4Gateway', 'ipv6Gateway'),
    profiles: { items: STR },
    ...strings('interfaceName', 'mac'),
    ports: { items: { fields: { ...strings('name', 'hostIP'), protocol: ANY, port: ANY, hostPort: ANY } } },
    allowSpoofedSourcePrefixes: { items: STR },
    qosControls: { map: ANY },
  },
};

/** A CRD schema node as a Shape: properties, additionalProperties, items; int-or-string is anything. */
function shapeOf(s: Record<string, any>): Shape {
  if (s['x-kubernetes-int-or-string'] || s['x-kubernetes-preserve-unknown-fields']) return ANY;
  if (s.properties) {
    const fields = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, shapeOf(v as any)]));
    return { fields, ...(typeof s.additionalProperties === 'object' ? { map: shapeOf(s.additionalProperties) } : {}) };
  }
  if (typeof s.additionalProperties === 'object') return { map: shapeOf(s.additionalProperties) };
  if (s.type === 'array') return { items: s.items ? shapeOf(s.items) : ANY };
  if (s.type === 'string') return STR;
  return ANY;
}

const shapes = new Map<string, Shape>();

/** The shape calicoctl decodes `kind` into: its CRD's schema, or the libcalico struct. */
function resourceShape(kind: ResourceKind): Shape {
  let shape = shapes.get(kind);
  if (!shape) {
    const schema = crdSchema(kind);
    const root = schema ? shapeOf(schema) : { fields: {} };
    const fields: Record<string, Shape> = { ...root.fields, ...strings('kind', 'apiVersion'), metadata: OBJECT_META };
    if (kind === 'Node') Object.assign(fields, { spec: NODE_SPEC, status: NODE_STATUS });
    if (kind === 'WorkloadEndpoint') fields.spec = WEP_SPEC;
    shape = { fields };
    shapes.set(kind, shape);
  }
  return shape;
}

/** Go's sort of map keys (json.Marshal): by bytes. */
const goKeyOrder = (keys: string[]) => [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));

/** go-yaml-wrapper convertToJSONableObject: a YAML number or boolean bound for a string field becomes its text. */
function asString(v: unknown): unknown {
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : goFloat(v);
  return v;
}

/**
 * go-json's decode with DisallowUnknownFields (decode.go:700-765): keys in json.Marshal's order
 * (sorted), each matched to a field exactly or else case-insensitively; a key with no field, or a
 * second key for a field already set (the earlier one is named), is unknown.
 */
function decode(v: unknown, shape: Shape, unknown: string[]): unknown {
  if (shape.string) return asString(v);
  if (Array.isArray(v)) return shape.items ? v.map((x) => decode(x, shape.items!, unknown)) : v;
  if (v === null || typeof v !== 'object') return v;
  const obj = v as Record<string, unknown>;
  if (shape.fields) {
    const out: Record<string, unknown> = {};
    const used = new Map<string, string>();
    const names = Object.keys(shape.fields);
    for (const key of goKeyOrder(Object.keys(obj))) {
      const field = names.find((n) => n === key) ?? names.find((n) => n.toLowerCase() === key.toLowerCase());
      if (!field) {
        if (!shape.map) unknown.push(key);
        else out[key] = decode(obj[key], shape.map, unknown);
        continue;
      }
      if (used.has(field)) unknown.push(used.get(field)!);
      used.set(field, key);
      out[field] = decode(obj[key], shape.fields[field], unknown);
    }
    return out;
  }
  if (shape.map) return Object.fromEntries(Object.entries(obj).map(([k, x]) => [k, decode(x, shape.map!, unknown)]));
  return v;
}

/** UnmarshalUnknownFieldsError.Error (go-json decode.go:157-168). */
export function unknownFieldsMessage(keys: string[]): string {
  if (keys.length === 1) return `field in document is not recognized or is in the wrong location: ${keys[0]}`;
  const listed = keys.length > 5 ? `${keys.slice(0, 4).join(', ')} (+ ${keys.length - 4} more)` : keys.join(', ');
  return `fields in document are not recognized or are in the wrong location: ${listed}`;
}

const isMapping = (v: unknown): v is Record<string, any> => v !== null && typeof v === 'object' && !Array.isArray(v);

class DocumentProblem extends Error {
  constructor(
    readonly field: string,
    readonly fix: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }

  static from(field: string, fix: string, message: string, cause: unknown): DocumentProblem {
    return new DocumentProblem(field, fix, message, { cause });
  }
}

/** newResource (resourcemgr.go:395-402): the kind and apiVersion must name a registered type. */
function typeOf(o: Record<string, any>): { kind: ResourceKind; list: boolean } | undefined {
  const kind = String(o.kind ?? '');
  if (o.apiVersion !== API_VERSION) return undefined;
  if ((RESOURCE_KINDS as readonly string[]).includes(kind)) return { kind: kind as ResourceKind, list: false };
  const item = kind.replace(/List$/, '');
  if (kind.endsWith('List') && (RESOURCE_KINDS as readonly string[]).includes(item))
    return { kind: item as ResourceKind, list: true };
  return undefined;
}

function unknownType(o: Record<string, any>): DocumentProblem {
  const fix = `use apiVersion ${API_VERSION} and one of the kinds ${RESOURCE_KINDS.join(', ')} (or <Kind>List)`;
  if (o.kind === undefined || o.kind === null || o.kind === '')
    return new DocumentProblem('kind', 'add kind and apiVersion', "Object 'Kind' is missing in document");
  const version = o.apiVersion === undefined || o.apiVersion === null ? '' : String(o.apiVersion);
  return new DocumentProblem('kind', fix, `Unknown resource type (${o.kind}) and/or version (${version})`);
}

function strict(kind: ResourceKind, o: unknown): Record<string, any> {
  const unknown: string[] = [];
  const out = decode(o, resourceShape(kind), unknown) as Record<string, any>;
  if (unknown.length) {
    const message = `error parsing document: ${unknownFieldsMessage(unknown)}`;
    throw new DocumentProblem(
      unknown.join(', '),
      'remove it or move it under the right parent (kind, metadata, spec)',
      message,
    );
  }
  return out;
}

function resourceFrom(kind: ResourceKind, object: Record<string, any>, doc: number): ResourceDocument {
  const name = typeof object.metadata?.name === 'string' ? object.metadata.name : '';
  const r: ResourceDocument = { kind, name, object, doc };
  if (NAMESPACED_KINDS.has(kind) && typeof object.metadata?.namespace === 'string')
    r.namespace = object.metadata.namespace;
  return r;
}

/** A typed list (IPPoolList): ListMeta and items of that kind (common/resources.go:68-76 ExtractList). */
function listItems(kind: ResourceKind, o: Record<string, any>, doc: number): ResourceDocument[] {
  const unknown: string[] = [];
  const listShape: Shape = { fields: { ...strings('kind', 'apiVersion'), metadata: LIST_META, items: ANY } };
  decode(o, listShape, unknown);
  if (unknown.length)
    throw new DocumentProblem(
      unknown.join(', '),
      'a list holds only kind, apiVersion, metadata and items',
      `error parsing document: ${unknownFieldsMessage(unknown)}`,
    );
  const items: unknown[] = Array.isArray(o.items) ? o.items : [];
  return items.map((item, i) => {
    if (!isMapping(item))
      throw new DocumentProblem(
        `items[${i}]`,
        `write a ${kind} mapping`,
        `error parsing document: items[${i}] is not a ${kind}`,
      );
    if (item.kind !== undefined && item.kind !== kind)
      throw new DocumentProblem(
        `items[${i}].kind`,
        `list only ${kind}s in a ${kind}List`,
        `error parsing document: a ${item.kind} in a ${kind}List`,
      );
    return resourceFrom(kind, strict(kind, { kind, apiVersion: API_VERSION, ...item }), doc);
  });
}

function resourcesOf(value: unknown, doc: number, genericList: boolean): ResourceDocument[] {
  if (value === null || value === undefined) return []; // an empty document: nothing (createResourcesFromBytes)
  // A sequence of resources (unmarshalSliceOfResources, resourcemgr.go:466-486): each one a mapping.
  if (Array.isArray(value))
    return value.flatMap((v) => {
      if (!isMapping(v)) throw unknownType({}); // a scalar or a list has no kind
      return resourcesOf(v, doc, genericList);
    });
  if (!isMapping(value))
    throw new DocumentProblem(
      'document',
      'write a resource mapping with apiVersion and kind',
      `error parsing document: not a resource: ${JSON.stringify(value)}`,
    );
  if (genericList && value.kind === 'List' && value.apiVersion === 'v1')
    return (Array.isArray(value.items) ? value.items : []).flatMap((v: unknown) => resourcesOf(v, doc, false));
  const t = typeOf(value);
  if (!t) throw unknownType(value);
  if (t.list) return listItems(t.kind, value, doc);
  return [resourceFrom(t.kind, strict(t.kind, value), doc)];
}

/** yaml.v2 reads YAML 1.1 (yes/no/on/off are booleans) but leaves timestamps and 1:20 as strings
 *  when decoding into interface{} (decode.go), so those tags are dropped. */
const YAML_V2_TAGS = (tags: Tags) =>
  tags.filter((t) => {
    const tag = t as { tag?: string; format?: string };
    return tag.tag !== 'tag:yaml.org,2002:timestamp' && tag.format !== 'TIME';
  });

function parseYaml(text: string): unknown {
  const d: Document = parseDocument(text, { version: '1.1', customTags: YAML_V2_TAGS, uniqueKeys: false });
  if (d.errors.length) {
    const e = d.errors[0];
    const line = e.linePos ? `line ${e.linePos[0].line}: ` : '';
    throw new DocumentProblem(
      'yaml',
      'correct the YAML syntax at that line',
      `error parsing document: yaml: ${line}${e.message.split('\n')[0]}`,
    );
  }
  try {
    return d.toJS({ maxAliasCount: 100 });
  } catch (e) {
    // yaml.v2 refuses alias bombs with this text (decode.go, allowedAliasRatio).
    const message = 'error parsing document: yaml: document contains excessive aliasing';
    throw DocumentProblem.from('yaml', 'write the values out instead of nesting aliases', message, e);
  }
}

export interface ParseOptions {
  /** Also accept kubectl's `kind: List` (apiVersion v1), which calicoctl 3.30 refuses as an unknown type. */
  genericList?: boolean;
}

/**
 * The resources in `text` (a file's content, or stdin's), in order. Throws ResourceInputError with
 * one problem, naming the document, at the first document calicoctl would fail on; its message
 * is calicoctl's (`Unknown resource type (Foo) and/or version (projectcalico.org/v3)`, `error
 * parsing document: field in document is not recognized or is in the wrong location: foo`).
 */
export function parseResourceDocuments(text: string, source: string, opts: ParseOptions = {}): ResourceDocument[] {
  const out: ResourceDocument[] = [];
  splitDocuments(text).forEach((chunk, i) => {
    const doc = i + 1;
    try {
      if (Buffer.byteLength(chunk) + 4 > MAX_DOCUMENT_BYTES)
        throw new DocumentProblem(
          'document',
          'split it into documents of at most 10 MB (--- lines)',
          'bufio.Scanner: token too long',
        );
      out.push(...resourcesOf(parseYaml(chunk), doc, opts.genericList ?? false));
    } catch (e) {
      if (!(e instanceof DocumentProblem)) throw e;
      const problem = { field: `document ${doc}${e.field ? `: ${e.field}` : ''}`, message: e.message, fix: e.fix };
      throw ResourceInputError.from(source, [problem], e);
    }
  });
  return out;
}
