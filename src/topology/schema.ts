// The topology file's shape, declared once. validate.ts parses with it, types.ts takes the
// TypeScript types from it, and scripts/gen-schema.ts publishes it as
// topologies/topology.schema.json so that editors check a topology while it is written.
// Each field also says how it explains a value it rejects (the message and fix a user reads),
// so a rule and its explanation sit side by side. Field names follow Calico's resources
// (IPPool, BGPConfiguration, BGPPeer, Node) and the descriptions name the Calico field; defaults
// that follow Calico cite projectcalico/calico v3.30.
import { z } from 'zod';
import { CALICO_VERSIONS, DEFAULT_CALICO_VERSION } from '../calico/versions.ts';
import { cidrProblem } from '../net/ipv4.ts';

export interface Problem {
  field: string;
  message: string;
  fix: string;
}

/** Lab names prefix every namespace and state path: short, lowercase, DNS-label-like. */
export const LAB_NAME = /^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$/;
/** Kubernetes object names (RFC 1123 label; dots allowed for pods as in Kubernetes). */
export const K8S_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
export const POD_NAME = /^[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?$/;
export const MAX_PODS = 10000;
export const MAX_NODES = 500;
/** IPPool spec.ipipMode and spec.vxlanMode values. */
export const ENCAP_MODES = ['Always', 'CrossSubnet', 'Never'] as const;

/** What is known beyond the field when a problem is explained: the nodes a pod could name. */
export interface Known {
  nodeNames: string[];
}
type Explain = (field: string, value: unknown, known: Known) => Problem[];
/** How each declared field explains a value it rejects; validate.ts finds it by the issue's path. */
export const explanations = z.registry<{ explain: Explain }>();

// Registered last, on the schema itself: describe() and meta() return copies the registry
// would not know, while wrappers (default, optional, transform) keep the registered schema inside.
function explained<T extends z.ZodType>(schema: T, explain: Explain): T {
  explanations.add(schema, { explain });
  return schema;
}

const one = (field: string, message: string, fix: string): Problem[] => [{ field, message, fix }];

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  const s = JSON.stringify(v) ?? String(v);
  return `${typeof v} ${s.length > 40 ? `${s.slice(0, 40)}…` : s}`;
}

export const isMapping = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function int(description: string, min: number, max: number) {
  return explained(z.number().int().min(min).max(max).describe(description), (f, v) =>
    v === undefined
      ? one(f, 'is missing', `add ${f} (${min}..${max})`)
      : one(
          f,
          `must be a whole number from ${min} to ${max}, got ${describeValue(v)}`,
          `set ${f} between ${min} and ${max}`,
        ),
  );
}

function bool(description: string) {
  return explained(z.boolean().describe(description), (f, v) =>
    one(f, `must be true or false, got ${describeValue(v)}`, `write ${f}: true or ${f}: false`),
  );
}

interface TextRules {
  /** The fix for a missing, non-string or not-allowed value. */
  fix?: (field: string, known: Known) => string;
  /** Why a string is rejected, when there is more to say than "is not allowed". */
  invalid?: (s: string) => { message: string; fix: string };
}

function text<T extends z.ZodType<string>>(schema: T, description: string, rules: TextRules = {}): T {
  return explained(schema.describe(description), (f, v, known) => {
    const fix = rules.fix?.(f, known);
    if (v === undefined) return one(f, 'is missing', fix ?? `add ${f}`);
    if (typeof v !== 'string') return one(f, `must be a string, got ${describeValue(v)}`, fix ?? 'quote the value');
    const why = rules.invalid?.(v);
    if (why) return one(f, why.message, why.fix);
    return one(f, `${JSON.stringify(v)} is not allowed`, fix ?? 'quote the value');
  });
}

const name = (description: string, pattern: RegExp, fix: string) =>
  text(z.string().regex(pattern), description, { fix: () => fix });

const oneOf = <const V extends readonly [string, ...string[]]>(description: string, values: V, fix: string) =>
  text(z.enum(values), description, { fix: () => fix });

// zod's ipv4 format accepts exactly what ip-num does here (dotted decimal, no leading zeros),
// and editors know the format.
const ip = (description: string) =>
  text(z.ipv4(), description, {
    fix: (f) => `set ${f} to an IPv4 address like 10.10.20.3`,
    invalid: (s) => ({
      message: `${JSON.stringify(s)} is not an IPv4 address`,
      fix: 'write four decimal octets, e.g. 10.10.20.3',
    }),
  });

// The pattern is cidrProblem's own first test, so editors flag the shape and calilab the rest.
const cidr = (description: string) =>
  text(
    z
      .string()
      .regex(/^\d+\.\d+\.\d+\.\d+\/\d+$/)
      .refine((s) => cidrProblem(s) === undefined),
    description,
    {
      fix: (f) => `set ${f} to an IPv4 CIDR like 10.8.0.0/16`,
      invalid: (s) => ({
        message: `${JSON.stringify(s)} ${cidrProblem(s)}`,
        fix: 'write an aligned network/prefix, e.g. 10.8.0.0/16',
      }),
    },
  );

function mapping<S extends z.ZodRawShape>(description: string, shape: S) {
  const known = Object.keys(shape);
  return explained(z.strictObject(shape).describe(description), (f, v) => {
    if (!isMapping(v)) return one(f, `must be a mapping, got ${describeValue(v)}`, `write ${f} as key: value pairs`);
    return Object.keys(v)
      .filter((k) => !known.includes(k))
      .flatMap((k) =>
        one(`${f ? `${f}.` : ''}${k}`, 'is not a known field', `remove it or use one of: ${known.join(', ')}`),
      );
  });
}

// A list entry written as a bare "- " (or an empty file) is an empty mapping, whose missing
// fields are then named one by one.
const orEmpty = <T extends z.ZodType>(schema: T) => z.preprocess((v) => v ?? {}, schema);

/** A list of at most `max` entries; `empty` is the fix when the list must not be empty. */
function list<T extends z.ZodType>(description: string, element: T, max: number, empty?: string) {
  const schema = z.array(element).max(max);
  return explained((empty ? schema.min(1) : schema).describe(description), (f, v) => {
    if (empty && (v === undefined || (Array.isArray(v) && v.length === 0))) return one(f, 'is empty', empty);
    if (!Array.isArray(v)) {
      return one(f, `must be a list, got ${describeValue(v)}`, `write ${f} as a YAML list ([...] or "- " items)`);
    }
    return one(f, `has ${v.length} entries, more than the ${max} calilab supports`, `use at most ${max}`);
  });
}

const encapMode = (description: string) => oneOf(description, ENCAP_MODES, `use one of ${ENCAP_MODES.join(', ')}`);

const underlay = mapping("The nodes' network: the subnets they sit on, joined by one router.", {
  mtu: int(
    'MTU of every node interface (eth0). Calico derives the tunnel and pod MTU from it, as its MTU ' +
      'auto-detection does: less 20 bytes for IPIP, 50 for VXLAN, 60 for WireGuard.',
    1280,
    9216,
  ).default(1500),
  subnets: list(
    'The underlay subnets. Nodes on different subnets reach each other through the router, which is ' +
      "what an IPPool's CrossSubnet mode looks at.",
    orEmpty(
      mapping('One underlay subnet.', {
        cidr: cidr('The subnet, e.g. 10.10.20.0/22; /30 or larger.'),
        gateway: ip("The router's address on the subnet, the nodes' default gateway."),
      }),
    ),
    64,
    'declare at least one subnet: [{cidr: 10.10.20.0/22, gateway: 10.10.20.1}]',
  ),
});

const node = mapping('A Kubernetes node: calico-node (Felix, BIRD) in its own network namespace.', {
  name: name(
    'Node metadata.name (the Kubernetes and Calico node name).',
    K8S_NAME,
    'use a Kubernetes node name: lowercase letters, digits and "-", at most 63',
  ),
  ip: ip("Node spec.bgp.ipv4Address, without the prefix: the node's address on an underlay subnet."),
  blocks: list(
    "Pinned IPAM blocks: the node's BlockAffinity spec.cidr, each a block of an IPPool with the pool's " +
      "blockSize. Left out, calilab's IPAM claims blocks as Calico's does.",
    cidr('A block, e.g. 10.8.170.64/26.'),
    64,
  ).default([]),
});

const ipPool = mapping('A Calico IPPool (projectcalico.org/v3): the addresses pods get.', {
  name: name(
    'IPPool metadata.name. Default: default-ipv4-ippool for the first pool (the name calico-node gives ' +
      'the pool it creates at install), ippool-<index> for the others.',
    K8S_NAME,
    'use lowercase letters, digits and "-"',
  ).optional(),
  cidr: cidr('IPPool spec.cidr: the range pod addresses come from.'),
  // Calico v3.30 IPPool spec.blockSize: "[Default: 26]" for IPv4.
  blockSize: int(
    'IPPool spec.blockSize: prefix length of the IPAM blocks a node claims from the pool. ' +
      'Default 26, as in Calico.',
    20,
    32,
  ).default(26),
  ipipMode: encapMode(
    'IPPool spec.ipipMode: when pod traffic between nodes is IP-in-IP encapsulated (tunl0). ' +
      'CrossSubnet: only between nodes on different subnets. Default Always, the CALICO_IPV4POOL_IPIP that ' +
      "calico.yaml gives the pool calico-node creates (the IPPool API's own default is Never); Never when vxlanMode " +
      'is enabled.',
  ).optional(),
  vxlanMode: encapMode(
    'IPPool spec.vxlanMode: when pod traffic between nodes is VXLAN encapsulated ' +
      '(vxlan.calico). Default Never, as in Calico.',
  ).default('Never'),
  natOutgoing: bool('IPPool spec.natOutgoing: masquerade pod traffic leaving the IPPools. Default false.').default(
    false,
  ),
  disabled: bool('IPPool spec.disabled: IPAM assigns no new addresses from the pool. Default false.').default(false),
});

const ipPools = list(
  'Calico IPPools; at most one encapsulation (IPIP or VXLAN) enabled per pool.',
  orEmpty(ipPool),
  64,
  'declare a pool: [{name: default-ipv4-ippool, cidr: 10.8.0.0/16}]',
).transform((pools) =>
  pools.map(({ name, cidr, blockSize, ipipMode, vxlanMode, natOutgoing, disabled }, i) => ({
    // Calico v3.30 calico-node (node/pkg/lifecycle/startup) names the pool it creates default-ipv4-ippool.
    name: name ?? (i === 0 ? 'default-ipv4-ippool' : `ippool-${i}`),
    cidr,
    blockSize,
    // Calico v3.30 manifests/calico.yaml: CALICO_IPV4POOL_IPIP "Always". Both encapsulations on one
    // pool are an error, so a pool that turns VXLAN on leaves IPIP off.
    ipipMode: ipipMode ?? (vxlanMode === 'Never' ? 'Always' : 'Never'),
    vxlanMode,
    natOutgoing,
    disabled,
  })),
);

const AS_NUMBER: [number, number] = [1, 4294967295];

const bgpPeer = mapping(
  'A BGPPeer (projectcalico.org/v3) with every node: the router, as a top-of-rack ' +
    'switch that learns the pod blocks.',
  {
    name: name('BGPPeer metadata.name.', K8S_NAME, 'use lowercase letters, digits and "-"'),
    ip: ip("BGPPeer spec.peerIP: the router's address, a subnet gateway or a free address on a subnet."),
    asNumber: int(
      'BGPPeer spec.asNumber. Default: bgp.asNumber (iBGP; the router then reflects routes).',
      ...AS_NUMBER,
    ).optional(),
    implementation: oneOf(
      'The BGP daemon that plays the router (a calilab setting, not a Calico field).',
      ['bird', 'frr'],
      'use bird or frr',
    ).default('bird'),
  },
);

const bgp = mapping('BGP: the default BGPConfiguration, route reflectors and the top-of-rack BGPPeer.', {
  // Calico v3.30 BGPConfiguration spec.asNumber: "[Default: 64512]".
  asNumber: int(
    'BGPConfiguration spec.asNumber: the AS of every node. Default 64512, as in Calico.',
    ...AS_NUMBER,
  ).default(64512),
  // Calico v3.30 BGPConfiguration spec.nodeToNodeMeshEnabled: "[Default: true]"; route reflectors
  // are what replaces the mesh, so listing them turns it off unless it is asked for.
  nodeToNodeMesh: bool(
    'BGPConfiguration spec.nodeToNodeMeshEnabled: every node peers with every other. ' +
      'Default true (as in Calico) without routeReflectors, false with them.',
  ).optional(),
  routeReflectors: list(
    'Nodes that reflect routes: their Node spec.bgp.routeReflectorClusterID is clusterId, and ' +
      'the other nodes peer with them alone.',
    text(z.string(), 'A node name.'),
    16,
  ).default([]),
  clusterId: text(
    z.ipv4(),
    "Node spec.bgp.routeReflectorClusterID of the route reflectors (Calico's documented " +
      'example value by default).',
    {
      fix: () => 'write an IPv4-shaped id like 244.0.0.1',
      invalid: (s) => ({ message: `${JSON.stringify(s)} is not IPv4-shaped`, fix: 'write an id like 244.0.0.1' }),
    },
  ).default('244.0.0.1'),
  peers: list('BGPPeers with every node; calilab builds one router, so one peer.', orEmpty(bgpPeer), 16).default([]),
})
  .transform(({ asNumber, nodeToNodeMesh, routeReflectors, clusterId, peers }) => ({
    asNumber,
    nodeToNodeMesh: nodeToNodeMesh ?? routeReflectors.length === 0,
    routeReflectors,
    clusterId,
    peers: peers.map((p) => ({
      name: p.name,
      ip: p.ip,
      asNumber: p.asNumber ?? asNumber,
      implementation: p.implementation,
    })),
    // prefault, not default: a left-out bgp still goes through the defaults and the transform above.
  }))
  .prefault({});

// Kubernetes label syntax (apimachinery validation.IsQualifiedName / IsValidLabelValue): Calico's
// selectors match on these, and they become ipset and chain inputs, so the alphabet is strict.
const LABEL_KEY = /^([a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?\/)?[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?)?$/;

function labels(description: string) {
  return explained(
    z
      .record(z.string().regex(LABEL_KEY), z.string().regex(LABEL_VALUE))
      .describe(description)
      .refine((m) => Object.keys(m).length <= 64),
    (f, v) => {
      if (!isMapping(v)) return one(f, `must be a mapping, got ${describeValue(v)}`, `write ${f} as key: value pairs`);
      if (Object.keys(v).length > 64) return one(f, 'has more than 64 labels', 'use at most 64');
      return Object.entries(v).flatMap(([k, x]) => [
        ...(LABEL_KEY.test(k)
          ? []
          : one(`${f}.${k}`, 'is not a Kubernetes label key', 'use [prefix/]name: letters, digits, "-", "_", "."')),
        ...(typeof x === 'string' && LABEL_VALUE.test(x)
          ? []
          : one(
              `${f}.${k}`,
              `${describeValue(x)} is not a Kubernetes label value`,
              'quote it as a string of letters, digits, "-", "_", "." (at most 63)',
            )),
      ]);
    },
  );
}

const containerPort = mapping('A container port the pod listens on (spec.containers[].ports[]).', {
  port: int('containerPort: calilab runs a listener there, and verify probes it from every other pod.', 1, 65535),
  protocol: oneOf('protocol: TCP or UDP. Default TCP, as in Kubernetes.', ['TCP', 'UDP'], 'use TCP or UDP').default(
    'TCP',
  ),
  name: name(
    'name: a named port (IANA_SVC_NAME) that policies may refer to.',
    /^[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$/,
    'use at most 15 lowercase letters, digits and "-"',
  ).optional(),
});

const namespace = mapping('A Kubernetes Namespace; its labels are what namespaceSelector matches.', {
  name: name('Namespace metadata.name.', K8S_NAME, 'use a Kubernetes namespace name'),
  labels: labels('Namespace metadata.labels.').default({}),
});

const pod = mapping('A pod: a network namespace wired to its node as the Calico CNI plugin wires one.', {
  name: name('Pod metadata.name.', POD_NAME, 'use a Kubernetes pod name: lowercase letters, digits, "-" and "."'),
  namespace: name('Pod metadata.namespace. Default: default.', K8S_NAME, 'use a Kubernetes namespace name').default(
    'default',
  ),
  node: text(z.string(), 'Pod spec.nodeName: the node the pod runs on.', {
    fix: (_, { nodeNames }) =>
      nodeNames.length
        ? `name the node the pod runs on: ${nodeNames.join(', ')}`
        : 'name the node the pod runs on (a name under nodes)',
  }),
  ip: ip(
    "A pinned pod address, as Calico's cni.projectcalico.org/ipAddrs annotation asks for; " +
      "left out, calilab's IPAM assigns the next free address of the node's block.",
  ).optional(),
  labels: labels('Pod metadata.labels: what policy selectors match.').default({}),
  serviceAccount: name(
    'Pod spec.serviceAccountName. Default: default.',
    K8S_NAME,
    'use a Kubernetes service account name',
  ).default('default'),
  ports: list('Ports the pod listens on.', orEmpty(containerPort), 16).default([]),
});

const outsideHost = mapping('A host outside the cluster ("the internet"), behind the router.', {
  name: name('Host name.', K8S_NAME, 'use lowercase letters, digits and "-"'),
  ip: ip(
    'A TEST-NET address (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24), so that no lab packet can aim ' +
      'at a real host.',
  ),
});

/** The topology file. Its key order is the order "use one of:" lists them in. */
export const topologyFields = mapping(
  'A Kubernetes cluster with Calico networking for calilab to build from ' +
    'Linux network namespaces: the underlay, the nodes, IPPools, BGP and the pods.',
  {
    name: name(
      'Lab name; prefixes every namespace calilab creates and its state directory.',
      LAB_NAME,
      'use 1-32 lowercase letters, digits and "-", e.g. calico-ipip-3node',
    ),
    // Not optional in the JSON Schema, so editors flag a missing underlay; calilab then says which
    // part is missing (underlay.subnets), as it always has.
    underlay: orEmpty(underlay),
    nodes: list(
      'Kubernetes nodes, each running calico-node.',
      orEmpty(node),
      MAX_NODES,
      'declare at least one node: [{name: k8s-cp1, ip: 10.10.20.3}]',
    ),
    ipPools,
    bgp,
    wireguard: bool(
      'FelixConfiguration spec.wireguardEnabled: encrypt pod traffic between nodes ' +
        '(wireguard.cali). Default false, as in Calico.',
    ).default(false),
    nftablesMode: oneOf(
      'FelixConfiguration spec.nftablesMode: Felix programs its policy plane with nftables (one ' +
        '`table ip calico`) instead of iptables. Default Disabled, as in Calico 3.30.',
      ['Disabled', 'Enabled'],
      'use Disabled or Enabled',
    ).default('Disabled'),
    pods: list('Pods, each on a node and given an address from an IPPool.', orEmpty(pod), MAX_PODS).default([]),
    outside: list('Hosts outside the cluster, to show natOutgoing.', orEmpty(outsideHost), 8).default([]),
    namespaces: list(
      "Namespaces and their labels; a pod's namespace that is not listed exists without labels.",
      orEmpty(namespace),
      256,
    ).default([]),
    policies: list(
      'Network policies applied at up, written as for kubectl or calicoctl: networking.k8s.io/v1 ' +
        'NetworkPolicy, projectcalico.org/v3 NetworkPolicy or GlobalNetworkPolicy objects.',
      explained(
        z.record(z.string(), z.unknown()).describe('A policy object (apiVersion, kind, metadata, spec).'),
        (f, v) => one(f, `must be a mapping, got ${describeValue(v)}`, 'write the policy object as kubectl takes it'),
      ),
      1000,
    ).default([]),
    calicoVersion: oneOf(
      'The Calico version whose behaviour and output the lab follows, where versions differ ' +
        '(WireGuard fwmark, calicoctl columns). Default 3.30.',
      CALICO_VERSIONS,
      `use one of: ${CALICO_VERSIONS.join(', ')}`,
    ).default(DEFAULT_CALICO_VERSION),
  },
);
export const TopologyFile = orEmpty(topologyFields);
export type TopologyFileData = z.output<typeof TopologyFile>;

/** The text of topologies/topology.schema.json: the file's JSON Schema, for editors (yaml-language-server). */
export function topologyJsonSchema(): string {
  // io 'input': the file as written, where a field with a default may be left out.
  const { $schema, ...rest } = z.toJSONSchema(TopologyFile, { io: 'input', target: 'draft-2020-12' });
  return `${JSON.stringify({ $schema, $id: 'urn:calilab:topology', title: 'calilab topology', ...rest }, null, 2)}\n`;
}
