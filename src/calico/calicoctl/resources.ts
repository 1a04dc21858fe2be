// A running lab as calicoctl's projectcalico.org/v3 resources: what `calicoctl get KIND -o yaml`
// would print on a Kubernetes-datastore (KDD) cluster built like the lab. Every object's keys
// are in the Go struct's field order, so that JSON output (which keeps struct order) matches;
// YAML output sorts them anyway. Sources are projectcalico/calico v3.30.7 unless noted:
// api/pkg/apis/projectcalico/v3/*.go (IPPool, BGPConfiguration, BGPPeer, FelixConfiguration),
// libcalico-go/lib/apis/v3/*.go (Node, WorkloadEndpoint, IPAMBlock), and the pinned v3.32.1
// CRDs in ./crds for BlockAffinity. Pure: built from the lab record alone.
import { createHash } from 'node:crypto';
import { podHandle, type IpamBlock } from '../ipam/ipam.ts';
import { TUNNEL_ATTRIBUTE, TUNNEL_KINDS, tunnelHandle } from '../ipam/tunnels.ts';
import type { LabRecord } from '../../lab/state.ts';
import { toCalicoResource } from '../policy/documents.ts';
import { topologyPolicies } from '../policy/topology.ts';
import type { JsonValue } from './yaml-v2.ts';

export type { JsonValue } from './yaml-v2.ts';

export const API_VERSION = 'projectcalico.org/v3';

export const RESOURCE_KINDS = [
  'IPPool',
  'BGPConfiguration',
  'BGPPeer',
  'FelixConfiguration',
  'Node',
  'WorkloadEndpoint',
  'NetworkPolicy',
  'GlobalNetworkPolicy',
  'IPAMBlock',
  'BlockAffinity',
] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

/** Kinds whose objects live in a namespace (calicoctl resourcemgr registerResource isNamespaced). */
export const NAMESPACED_KINDS: ReadonlySet<string> = new Set(['WorkloadEndpoint', 'NetworkPolicy']);

/** calicoctl's names for each kind, looked up lower-cased and exactly (resourcemgr.go:372-375). */
export const KIND_ALIASES: Readonly<Record<string, ResourceKind>> = Object.fromEntries(
  (
    [
      ['IPPool', ['ippool', 'ippools', 'ipp', 'ipps', 'pool', 'pools']], // resourcemgr/ippool.go:32
      ['BGPConfiguration', ['bgpconfiguration', 'bgpconfigurations', 'bgpconfig', 'bgpconfigs']], // bgpconfig.go:32
      ['BGPPeer', ['bgppeer', 'bgppeers', 'bgpp', 'bgpps', 'bp', 'bps']], // bgppeer.go:32
      ['FelixConfiguration', ['felixconfiguration', 'felixconfigurations', 'felixconfig', 'felixconfigs']], // :32
      ['Node', ['node', 'nodes', 'no', 'nos']], // node.go:30
      ['WorkloadEndpoint', ['workloadendpoint', 'workloadendpoints', 'wep', 'weps']], // workloadendpoint.go:30
      ['NetworkPolicy', ['networkpolicy', 'networkpolicies', 'policy', 'np', 'policies', 'pol', 'pols']], // :34
      ['GlobalNetworkPolicy', ['globalnetworkpolicy', 'globalnetworkpolicies', 'gnp', 'gnps']], // :35
      // calilab extensions: calicoctl 3.30 registers no resource manager for these two and answers
      // "resource type 'ipamblock' is not supported"; calilab shows them as the CRDs hold them.
      ['IPAMBlock', ['ipamblock', 'ipamblocks']],
      ['BlockAffinity', ['blockaffinity', 'blockaffinities']],
    ] as const
  ).flatMap(([kind, names]) => names.map((n) => [n, kind])),
);

/** The kind an alias names (case-insensitive, exact), or undefined. */
export const resolveKind = (alias: string): ResourceKind | undefined => KIND_ALIASES[alias.toLowerCase()];

export type JsonObject = { [key: string]: JsonValue };

/** metav1.ObjectMeta's fields as calicoctl prints them, in json order (name, namespace, uid, ...). */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  creationTimestamp?: string | null;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface CalicoResource {
  kind: ResourceKind;
  apiVersion: string;
  metadata: ObjectMeta;
  spec: JsonObject;
  status?: JsonObject;
}

/** The key of rec.resourceVersions: `IPPool/default-ipv4-ippool`, `WorkloadEndpoint/<ns>/<name>`. */
export const resourceKey = (kind: string, name: string, namespace?: string) =>
  `${kind}/${namespace ? `${namespace}/` : ''}${name}`;

/** A stable UUID for a lab's resource: SHA-1 of lab, kind and name, laid out as a version-4 UUID. */
export function resourceUid(lab: string, kind: string, name: string, namespace?: string): string {
  const h = createHash('sha1')
    .update(`${lab}/${resourceKey(kind, name, namespace)}`)
    .digest('hex')
    .slice(0, 32);
  const variant = ((Number.parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  const v4 = `${h.slice(0, 12)}4${h.slice(13, 16)}${variant}${h.slice(17)}`;
  return [v4.slice(0, 8), v4.slice(8, 12), v4.slice(12, 16), v4.slice(16, 20), v4.slice(20)].join('-');
}

/** RFC 3339 in seconds, as metav1.Time marshals (k8s.io/apimachinery meta/v1/time.go MarshalJSON). */
export function rfc3339(iso: string): string {
  const t = Date.parse(iso);
  return new Date(Number.isNaN(t) ? 0 : t).toISOString().replace(/\.\d+Z$/, 'Z');
}

function metadata(rec: LabRecord, kind: ResourceKind, name: string, extra: Partial<ObjectMeta> = {}): ObjectMeta {
  const { namespace, labels, annotations } = extra;
  const meta: ObjectMeta = { name };
  if (namespace) meta.namespace = namespace;
  meta.uid = resourceUid(rec.lab, kind, name, namespace);
  meta.resourceVersion = rec.resourceVersions?.[resourceKey(kind, name, namespace)] ?? '1';
  meta.creationTimestamp = rfc3339(rec.createdAt);
  if (labels) meta.labels = labels;
  if (annotations) meta.annotations = annotations;
  return meta;
}

const resource = (kind: ResourceKind, meta: ObjectMeta, spec: JsonObject, status?: JsonObject): CalicoResource => ({
  kind,
  apiVersion: API_VERSION,
  metadata: meta,
  spec,
  ...(status ? { status } : {}),
});

/** IPPoolSpec with the defaults libcalico-go fills on every read (clientv3/ippool.go:243-291);
 *  natOutgoing and disabled are omitempty (api/.../v3/ippool.go:49-92). assignmentMode is new in 3.30. */
function ipPools(rec: LabRecord): CalicoResource[] {
  return rec.topology.ipPools.map((p) => {
    const spec: JsonObject = { cidr: p.cidr, vxlanMode: p.vxlanMode, ipipMode: p.ipipMode };
    if (p.natOutgoing) spec.natOutgoing = true;
    if (p.disabled) spec.disabled = true;
    Object.assign(spec, { blockSize: p.blockSize, nodeSelector: 'all()', allowedUses: ['Workload', 'Tunnel'] });
    if ((rec.topology.calicoVersion ?? '3.30') === '3.30') spec.assignmentMode = 'Automatic';
    return resource('IPPool', metadata(rec, 'IPPool', p.name), spec);
  });
}

/** calico-node creates no BGPConfiguration (node/pkg/lifecycle/startup/startup.go ensureDefaultConfig
 *  makes only ClusterInformation and FelixConfiguration): this is the `default` Calico's BGP guide
 *  has users apply, carrying the topology's AS number and mesh setting (api/.../v3/bgpconfig.go:56-65). */
function bgpConfiguration(rec: LabRecord): CalicoResource {
  const { asNumber, nodeToNodeMesh } = rec.topology.bgp;
  const spec = { logSeverityScreen: 'Info', nodeToNodeMeshEnabled: nodeToNodeMesh, asNumber };
  return resource('BGPConfiguration', metadata(rec, 'BGPConfiguration', 'default'), spec);
}

/** A global BGPPeer (no node, no nodeSelector) per topology peer (api/.../v3/bgppeer.go:52-72). */
const bgpPeers = (rec: LabRecord) =>
  rec.topology.bgp.peers.map((p) =>
    resource('BGPPeer', metadata(rec, 'BGPPeer', p.name), { peerIP: p.ip, asNumber: p.asNumber }),
  );

/** FelixConfiguration `default` as a manifest install leaves it: calico-node sets logSeverityScreen
 *  Info and reportingInterval 0s (startup.go:1101-1110), clientv3 setDefaults adds the BPF and
 *  floatingIPs defaults (clientv3/felixconfig.go:114-140), bpfLogLevel has no omitempty
 *  (api/.../v3/felixconfig.go:628). wireguardEnabled and nftablesMode are what `calicoctl patch` sets. */
function felixConfiguration(rec: LabRecord): CalicoResource {
  const spec: JsonObject = {
    logSeverityScreen: 'Info',
    reportingInterval: '0s',
    // felixconfig.go:588, before the BPF fields: omitempty, so only a patched value shows.
    ...(rec.topology.nftablesMode === 'Enabled' ? { nftablesMode: 'Enabled' } : {}),
    bpfLogLevel: '',
    bpfConnectTimeLoadBalancing: 'TCP',
    bpfHostNetworkedNATWithoutCTLB: 'Enabled',
  };
  if (rec.topology.wireguard) spec.wireguardEnabled = true;
  spec.floatingIPs = 'Disabled';
  return resource('FelixConfiguration', metadata(rec, 'FelixConfiguration', 'default'), spec);
}

/** The labels kubelet gives a Linux node (the research example), which KDD copies onto the Calico
 *  Node and also stores as JSON in projectcalico.org/kube-labels (k8s/resources/node.go:446-466). */
function nodeLabels(node: string): Record<string, string> {
  return {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': node,
    'kubernetes.io/os': 'linux',
  };
}

/** A Node as K8sNodeToCalico builds it (libcalico-go/lib/backend/k8s/resources/node.go:199-300). Linux
 *  calico-node never writes vxlanTunnelMACAddr (only the Windows CNI does, dataplane_windows.go:503):
 *  Felix derives the MAC, so it is not shown. */
function nodes(rec: LabRecord, publicKeys?: Map<string, string>): CalicoResource[] {
  const { topology, plan } = rec;
  return plan.nodes.map((n) => {
    const a = plan.allocation.nodes.find((x) => x.node === n.name);
    const labels = nodeLabels(n.name);
    const annotations = { 'projectcalico.org/kube-labels': JSON.stringify(labels) };
    const cidr = `${n.ip}/${n.subnet.split('/')[1]}`;
    const bgp: JsonObject = { ipv4Address: cidr };
    if (a?.ipipTunnelAddress) bgp.ipv4IPIPTunnelAddr = a.ipipTunnelAddress;
    if (topology.bgp.routeReflectors.includes(n.name)) bgp.routeReflectorClusterID = topology.bgp.clusterId;
    const spec: JsonObject = { bgp };
    if (a?.vxlanTunnelAddress) spec.ipv4VXLANTunnelAddr = a.vxlanTunnelAddress;
    spec.orchRefs = [{ nodeName: n.name, orchestrator: 'k8s' }];
    if (a?.wireguardAddress) spec.wireguard = { interfaceIPv4Address: a.wireguardAddress };
    // fillAllAddresses (node.go:302-322): the BGP address with its prefix, then kubelet's InternalIP.
    spec.addresses = [
      { address: cidr, type: 'CalicoNodeIP' },
      { address: n.ip, type: 'InternalIP' },
    ];
    // NodeStatus is a struct, so omitempty keeps it: `status: {}` when empty.
    const key = publicKeys?.get(n.name);
    const status: JsonObject = key ? { wireguardPublicKey: key } : {};
    return resource('Node', metadata(rec, 'Node', n.name, { labels, annotations }), spec, status);
  });
}

/** names.WorkloadEndpointIdentifiers.CalculateWorkloadEndpointName for k8s: node, orchestrator,
 *  pod and endpoint, each with "-" doubled, joined by "-" (libcalico-go/lib/names/workloadendpoint.go:93-178). */
export const workloadEndpointName = (node: string, pod: string, endpoint = 'eth0') =>
  [node, 'k8s', pod, endpoint].map((s) => s.replaceAll('-', '--')).join('-');

/** A WorkloadEndpoint as KDD derives it from the pod (k8s/conversion/workload_endpoint_default.go:107-262):
 *  the service account `default`, profiles kns.<ns> and ksa.<ns>.default. KDD keeps no MAC, so
 *  spec.mac is absent. containerID is the lab's stand-in, the one its IPAM handles carry. */
function workloadEndpoints(rec: LabRecord): CalicoResource[] {
  return rec.plan.workloads.map((w) => {
    const name = workloadEndpointName(w.node, w.pod);
    const labels = {
      'projectcalico.org/namespace': w.namespace,
      'projectcalico.org/orchestrator': 'k8s',
      'projectcalico.org/serviceaccount': 'default',
    };
    const spec: JsonObject = {
      orchestrator: 'k8s',
      node: w.node,
      containerID: podHandle(w.namespace, w.pod).replace(/^k8s-pod-network\./, ''),
      pod: w.pod,
      endpoint: 'eth0',
      serviceAccountName: 'default',
      ipNetworks: [`${w.ip}/32`],
      profiles: [`kns.${w.namespace}`, `ksa.${w.namespace}.default`],
      interfaceName: w.interface,
    };
    return resource(
      'WorkloadEndpoint',
      metadata(rec, 'WorkloadEndpoint', name, { namespace: w.namespace, labels }),
      spec,
    );
  });
}

/** names.CIDRToName: dots, colons and the slash become dashes (libcalico-go/lib/names/cidr.go:26-37). */
export const cidrToName = (cidr: string) => cidr.replace(/[.:/]/g, '-');

/** Go's Time.String() in UTC, as the CNI plugin stamps a pod's allocation (ipam_plugin.go:158-166). */
function goTimeString(iso: string): string {
  const d = new Date(Number.isNaN(Date.parse(iso)) ? 0 : Date.parse(iso)).toISOString();
  const frac = d.slice(19, 23).replace(/\.?0+$/, '');
  return `${d.slice(0, 10)} ${d.slice(11, 19)}${frac} +0000 UTC`;
}

/** The attributes of each handle the lab allocates: tunnel addresses carry node and type
 *  (allocateip.go:446-463), pods node, pod, namespace and a timestamp (ipam_plugin.go:158-166). */
function handleAttributes(rec: LabRecord): Map<string, Record<string, string>> {
  const m = new Map<string, Record<string, string>>();
  for (const n of rec.topology.nodes)
    for (const kind of TUNNEL_KINDS) m.set(tunnelHandle(kind, n.name), { node: n.name, type: TUNNEL_ATTRIBUTE[kind] });
  const timestamp = goTimeString(rec.createdAt);
  for (const p of rec.plan.allocation.pods)
    m.set(podHandle(p.namespace, p.name), { namespace: p.namespace, node: p.node, pod: p.name, timestamp });
  return m;
}

/** An IPAMBlock (libcalico-go/lib/apis/v3/ipam_block.go:40-89). Attributes are shared by identical
 *  {handle, attributes} pairs and appended in allocation order (ipam_block.go findOrAddAttribute);
 *  calilab takes ordinal order for it. Sequence numbers count the block's writes from 0 (Calico
 *  starts at the block's creation time in UnixNano, ipam_block.go:56, which JSON numbers in
 *  JavaScript cannot carry exactly); each allocation keeps the number it was made at. */
function ipamBlock(rec: LabRecord, b: IpamBlock, attrs: Map<string, Record<string, string>>): CalicoResource {
  const size = 2 ** (32 - Number(b.cidr.split('/')[1]));
  const attributes: JsonObject[] = [];
  const index = new Map<string, number>();
  const allocations: (number | null)[] = new Array(size).fill(null);
  const sequenceNumberForAllocation: JsonObject = {};
  const used = Object.keys(b.allocations)
    .map(Number)
    .sort((x, y) => x - y);
  used.forEach((ordinal, seq) => {
    const handle = b.allocations[ordinal];
    if (!index.has(handle)) {
      index.set(handle, attributes.length);
      const secondary = attrs.get(handle);
      attributes.push(secondary ? { handle_id: handle, secondary } : { handle_id: handle });
    }
    allocations[ordinal] = index.get(handle)!;
    sequenceNumberForAllocation[String(ordinal)] = seq;
  });
  const spec: JsonObject = {
    cidr: b.cidr,
    affinity: `host:${b.node}`,
    allocations,
    unallocated: [...b.unallocated],
    attributes,
    sequenceNumber: used.length,
    sequenceNumberForAllocation,
    deleted: false,
    strictAffinity: false,
  };
  return resource('IPAMBlock', metadata(rec, 'IPAMBlock', cidrToName(b.cidr)), spec);
}

/** A confirmed host BlockAffinity, named <node>-<cidr name> (k8s/resources/ipam_affinity.go:121-143).
 *  Shaped as the pinned projectcalico.org/v3 CRD (v3.32.1 api/.../v3/blockaffinity.go): `deleted` is a
 *  boolean there; v3.30 stores the crd.projectcalico.org/v1 object with the string "false"
 *  (libcalico-go/lib/apis/v3/blockaffinity.go:49), which no projectcalico.org/v3 schema accepts. */
function blockAffinity(rec: LabRecord, b: IpamBlock): CalicoResource {
  const name = `${b.node}-${cidrToName(b.cidr)}`;
  const spec = { state: 'confirmed', node: b.node, type: 'host', cidr: b.cidr, deleted: false };
  return resource('BlockAffinity', metadata(rec, 'BlockAffinity', name), spec);
}

/** The topology's policies as projectcalico.org/v3 objects (calico/policy/render.ts): NetworkPolicy
 *  and GlobalNetworkPolicy, a Kubernetes one under its knp.default. name, as on a cluster. */
function policies(rec: LabRecord): CalicoResource[] {
  return topologyPolicies(rec.topology).map((p) => {
    const r = toCalicoResource(p) as {
      kind: ResourceKind;
      metadata: { name: string; namespace?: string };
      spec: JsonObject;
    };
    const meta = metadata(rec, r.kind, r.metadata.name, { namespace: r.metadata.namespace });
    return resource(r.kind, meta, r.spec);
  });
}

/** Kubernetes lists cluster objects by name and namespaced ones by namespace, then name. */
const byName = (a: CalicoResource, b: CalicoResource) =>
  Buffer.compare(
    Buffer.from(`${a.metadata.namespace ?? ''}/${a.metadata.name}`),
    Buffer.from(`${b.metadata.namespace ?? ''}/${b.metadata.name}`),
  );

/** Every resource of the lab, kind by kind in RESOURCE_KINDS order, each kind sorted as its list is.
 *  `publicKeys` (node -> WireGuard public key) fills Node status.wireguardPublicKey. */
export function labResources(rec: LabRecord, publicKeys?: Map<string, string>): CalicoResource[] {
  const attrs = handleAttributes(rec);
  const blocks = rec.plan.allocation.blocks ?? [];
  const pods = workloadEndpoints(rec).sort((a, b) =>
    Buffer.compare(
      Buffer.from(`${a.metadata.namespace}/${a.spec.pod}`),
      Buffer.from(`${b.metadata.namespace}/${b.spec.pod}`),
    ),
  );
  return [
    ...ipPools(rec).sort(byName),
    bgpConfiguration(rec),
    ...bgpPeers(rec).sort(byName),
    felixConfiguration(rec),
    ...nodes(rec, publicKeys).sort(byName),
    ...pods,
    ...policies(rec)
      .filter((r) => r.kind === 'NetworkPolicy')
      .sort(byName),
    ...policies(rec)
      .filter((r) => r.kind === 'GlobalNetworkPolicy')
      .sort(byName),
    ...blocks.map((b) => ipamBlock(rec, b, attrs)).sort(byName),
    ...blocks.map((b) => blockAffinity(rec, b)).sort(byName),
  ];
}

/** The resource of that kind and name (and namespace, for namespaced kinds), if any. */
export function findResource(
  resources: readonly CalicoResource[],
  kind: string,
  name: string,
  namespace?: string,
): CalicoResource | undefined {
  return resources.find(
    (r) =>
      r.kind === kind && r.metadata.name === name && (namespace === undefined || r.metadata.namespace === namespace),
  );
}
