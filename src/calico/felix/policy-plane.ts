// Felix's policy plane for each node, as a pure plan: what Felix's calculation graph hands its
// iptables renderer (felix/calc: the local endpoints, the policies selecting each in order, the
// IP sets' members), from the topology's pods, namespaces and policies. The kernel layer renders
// it (iptables/render.ts) and applies it with iptables-restore and ipset restore.
import type { WorkloadEndpoint } from '../cni/wiring.ts';
import type { Allocation } from '../ipam/ipam.ts';
import { policiesFor } from '../policy/applies.ts';
import type { ParsedPolicy } from '../policy/documents.ts';
import { endpointLabels } from '../policy/endpoints.ts';
import { prefixSelector } from '../policy/scope.ts';
import { parseSelector } from '../policy/selector.ts';
import { topologyNamespaces, topologyPolicies } from '../policy/topology.ts';
import type { NamespaceInfo, PolicyEndpoint } from '../policy/types.ts';
import type { Topology } from '../../topology/types.ts';
import { traitsOf } from '../versions.ts';
import { TUNNEL_DEVICE, WIREGUARD } from './encap.ts';
import {
  type FelixIpSet,
  type FelixIptablesInput,
  type FelixTables,
  type LocalEndpoint,
  type RenderDeps,
  renderFelixIptables,
} from './iptables/index.ts';

export type PolicyMode = 'iptables' | 'nftables';

/** One node's policy plane: what the renderer needs, kept small (the rules are rendered from it). */
export interface PolicyNode {
  node: string;
  netns: string;
  mode: PolicyMode;
  input: FelixIptablesInput;
  /** The selector and named-port IP sets the node's rules use, with their members. */
  selectorSets: FelixIpSet[];
}

/** The selector parser the renderer needs, injected (felix/iptables must not parse selectors). */
export const RENDER_DEPS: RenderDeps = {
  canonicalSelector: (text) => parseSelector(text).canonical,
  prefixSelector,
};

// The plan renders each node once to learn its selector sets; applying it moments later reuses
// that rendering (the input object is the same) instead of rendering again.
const renderings = new WeakMap<FelixIptablesInput, FelixTables>();
function rendered(input: FelixIptablesInput): FelixTables {
  const cached = renderings.get(input);
  if (cached) return cached;
  const t = renderFelixIptables(input, RENDER_DEPS);
  renderings.set(input, t);
  return t;
}

/** Calico's view of each pod: its labels, namespace, service account and ports (felix/calc's
 *  WorkloadEndpoint; the CNI plugin's interface name). */
export function policyEndpoints(topo: Topology, workloads: WorkloadEndpoint[]): PolicyEndpoint[] {
  return workloads.map((w) => {
    const pod = topo.pods.find((p) => p.name === w.pod && p.namespace === w.namespace)!;
    return {
      pod: w.pod,
      namespace: w.namespace,
      serviceAccount: pod.serviceAccount,
      node: w.node,
      ip: w.ip,
      ifname: w.interface,
      labels: { ...pod.labels },
      ports: pod.ports.map((p) => ({ port: p.port, protocol: p.protocol, ...(p.name ? { name: p.name } : {}) })),
    };
  });
}

const ref = (p: ParsedPolicy) => ({
  tier: p.tier,
  name: p.name,
  kind: p.kind,
  ...(p.namespace ? { namespace: p.namespace } : {}),
});

function localEndpoint(ep: PolicyEndpoint, policies: ParsedPolicy[], namespaces: NamespaceInfo[]): LocalEndpoint {
  return {
    ifname: ep.ifname,
    namespace: ep.namespace,
    serviceAccount: ep.serviceAccount,
    ingress: policiesFor(ep, policies, namespaces, 'Ingress').map(ref),
    egress: policiesFor(ep, policies, namespaces, 'Egress').map(ref),
  };
}

/** The tunnel devices nat cali-POSTROUTING masquerades traffic from the host into (static.go
 *  StaticNATPostroutingChains): those with an address on this node. */
function tunnelDevices(alloc: Allocation, node: string, topo: Topology): string[] {
  const a = alloc.nodes.find((x) => x.node === node)!;
  return [
    ...(a.ipipTunnelAddress ? [TUNNEL_DEVICE.ipip] : []),
    ...(a.vxlanTunnelAddress ? [TUNNEL_DEVICE.vxlan] : []),
    ...(topo.wireguard && a.wireguardAddress ? [WIREGUARD.dev] : []),
  ];
}

function nodeInput(
  topo: Topology,
  alloc: Allocation,
  node: Topology['nodes'][number],
  endpoints: LocalEndpoint[],
  policies: ParsedPolicy[],
): FelixIptablesInput {
  const pools = topo.ipPools.filter((p) => !p.disabled);
  const used = new Set(
    endpoints.flatMap((e) => [...e.ingress, ...e.egress]).map((r) => `${r.kind}/${r.namespace}/${r.name}`),
  );
  return {
    version: topo.calicoVersion,
    ipipEnabled: pools.some((p) => p.ipipMode !== 'Never'),
    vxlanEnabled: pools.some((p) => p.vxlanMode !== 'Never'),
    ...(topo.wireguard
      ? {
          wireguard: {
            port: WIREGUARD.port,
            mark: Number(traitsOf(topo.calicoVersion).wireguardFwmark),
            iface: WIREGUARD.dev,
          },
        }
      : {}),
    hostIps: topo.nodes.map((n) => n.ip),
    thisHostIps: [node.ip],
    masqPools: pools.filter((p) => p.natOutgoing).map((p) => p.cidr),
    allPools: topo.ipPools.map((p) => p.cidr),
    tunnelDevices: tunnelDevices(alloc, node.name, topo),
    endpoints,
    policies: policies.filter((p) => used.has(`${p.kind}/${p.namespace}/${p.name}`)),
    // Calico's manifests and operator set DefaultEndpointToHostAction ACCEPT (doc 003 shows it).
    endpointToHostAction: 'ACCEPT',
  };
}

/** Every node's policy plane. Throws PolicyInputError for a bad inline policy (naming the entry). */
export function policyPlane(
  topo: Topology,
  alloc: Allocation,
  workloads: WorkloadEndpoint[],
  netnsOf: (node: string) => string,
): PolicyNode[] {
  const policies = topologyPolicies(topo);
  const namespaces = topologyNamespaces(topo);
  const eps = policyEndpoints(topo, workloads);
  return topo.nodes.map((n) => {
    const local = eps.filter((e) => e.node === n.name).map((e) => localEndpoint(e, policies, namespaces));
    const input = nodeInput(topo, alloc, n, local, policies);
    const sets = rendered(input).ipsets.filter((x) => x.selector);
    return {
      node: n.name,
      netns: netnsOf(n.name),
      mode: topo.nftablesMode === 'Enabled' ? 'nftables' : 'iptables',
      input,
      selectorSets: fillIpSets(sets, eps, namespaces),
    };
  });
}

/** Fills selector and named-port sets with the cluster's matching endpoints (felix/calc
 *  ipset member calculation: every endpoint whose labels the selector matches). */
export function fillIpSets(sets: FelixIpSet[], endpoints: PolicyEndpoint[], namespaces: NamespaceInfo[]): FelixIpSet[] {
  const labelled = endpoints.map((e) => ({ e, labels: endpointLabels(e, namespaces) }));
  return sets.map((s) => {
    if (!s.selector) return s;
    const sel = parseSelector(s.selector);
    const matching = labelled.filter((x) => sel.matches(x.labels));
    if (!s.namedPort) return { ...s, members: matching.map((x) => x.e.ip) };
    const { protocol, name } = s.namedPort;
    const members = matching.flatMap((x) =>
      x.e.ports
        .filter((p) => p.name === name && p.protocol.toLowerCase() === protocol)
        .map((p) => `${x.e.ip},${protocol}:${p.port}`),
    );
    return { ...s, members };
  });
}

/** A node's tables with every IP set filled: what `iptables-save` should show after applying. */
export function renderPolicyNode(n: PolicyNode): FelixTables {
  const tables = rendered(n.input);
  const filled = new Map(n.selectorSets.map((x) => [x.name, x]));
  return { ...tables, ipsets: tables.ipsets.map((x) => filled.get(x.name) ?? x) };
}
