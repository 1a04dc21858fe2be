// Turns the raw YAML value into a Topology or a list of problems, each naming the file, the
// field and the fix. Nothing reaches the kernel unless it passed through here: names become
// namespace and interface names and ip(8) batch words, so their alphabet is strict.
// The file's structure (types, defaults, names, ranges) is declared in schema.ts; what no
// single field can know (overlaps, references, duplicates) is checked here, on what parsed.
import { z } from 'zod';
import {
  contains,
  formatCidr,
  inside,
  isTestNet,
  networkOf,
  overlaps,
  parseCidr,
  parseIp,
  type Cidr,
} from '../net/ipv4.ts';
import {
  explanations,
  isMapping,
  MAX_NODES,
  topologyFields,
  TopologyFile,
  type Known,
  type Problem,
  type TopologyFileData,
} from './schema.ts';
import type { Bgp, IPPool, Node, OutsideHost, Pod, Subnet, Topology } from './types.ts';

export { K8S_NAME, LAB_NAME, MAX_NODES, MAX_PODS, POD_NAME, type Problem } from './schema.ts';

export class TopologyError extends Error {
  constructor(
    readonly file: string,
    readonly problems: Problem[],
    options?: ErrorOptions,
  ) {
    super(problems.map((p) => `${file}: ${p.field}: ${p.message}; fix: ${p.fix}`).join('\n'), options);
    this.name = 'TopologyError';
  }

  /** Bad input found by another parser (JSON, YAML, the file system): its error is kept as cause. */
  static from(file: string, problems: Problem[], cause: unknown): TopologyError {
    return new TopologyError(file, problems, { cause });
  }
}

export function validateTopology(raw: unknown, file: string): Topology {
  const input = withoutNulls(raw);
  const parsed = TopologyFile.safeParse(input, { reportInput: true });
  // On failure, the sections that parse on their own still get their cross-field checks.
  const data: Partial<TopologyFileData> = parsed.success ? parsed.data : sections(input, parsed.error.issues);
  const problems = [
    ...(parsed.success ? [] : structureProblems(parsed.error.issues, { nodeNames: nodeNames(input) })),
    ...crossChecks(data),
  ];
  if (problems.length || !parsed.success) throw new TopologyError(file, inSectionOrder(problems));
  return { ...parsed.data, file };
}

/** YAML reads an empty value (`mtu:`, `- `) as null; calilab has always read it as not given. */
function withoutNulls(v: unknown): unknown {
  if (v === null) return undefined;
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (isMapping(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, withoutNulls(x)]));
  return v;
}

/** The top-level sections with no problem of their own, parsed. */
function sections(input: unknown, issues: z.core.$ZodIssue[]): Partial<TopologyFileData> {
  if (!isMapping(input)) return {};
  const failed = new Set(issues.map((issue) => issue.path[0]));
  const parsed = Object.entries(topologyFields.shape).flatMap(([key, schema]) => {
    const r = failed.has(key) ? undefined : schema.safeParse(input[key]);
    return r?.success ? [[key, r.data]] : [];
  });
  return Object.fromEntries(parsed);
}

/** The nodes with a good name and ip, for the fix of a pod that names no node. */
function nodeNames(input: unknown): string[] {
  const nodes = isMapping(input) ? input.nodes : undefined;
  if (!Array.isArray(nodes) || nodes.length > MAX_NODES) return [];
  const { name, ip } = topologyFields.shape.nodes.element.out.shape;
  const named = nodes.filter(isMapping).filter((n) => ip.safeParse(n.ip).success);
  return [...new Set(named.flatMap((n) => name.safeParse(n.name).data ?? []))];
}

function structureProblems(issues: z.core.$ZodIssue[], known: Known): Problem[] {
  // A value breaking several rules of one field (say 1.5 for an MTU) is one problem.
  const seen = new Set<string>();
  const fresh = ({ field, message }: Problem) => {
    const key = `${field}\n${message}`;
    return !seen.has(key) && Boolean(seen.add(key));
  };
  return unknownKeysFirst(issues)
    .flatMap((issue) => {
      const field = fieldName(issue.path);
      const at = schemaAt(issue.path);
      const explain = at && explanations.get(at)?.explain;
      // Every declared field has an explanation; this only guards one declared without.
      if (!explain) return [{ field, message: issue.message, fix: 'see topologies/topology.schema.json' }];
      return explain(field, issue.input, known);
    })
    .filter(fresh);
}

// An unknown key is often the misspelling of a field reported missing beside it, so it leads
// its mapping's problems (zod reports it after them).
function unknownKeysFirst(issues: z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const out: z.core.$ZodIssue[] = [];
  for (const issue of issues) {
    let at = out.length;
    const within = (p: PropertyKey[]) => issue.path.every((k, i) => p[i] === k);
    if (issue.code === 'unrecognized_keys') while (at > 0 && within(out[at - 1].path)) at--;
    out.splice(at, 0, issue);
  }
  return out;
}

/** `nodes[0].ip` for the path ['nodes', 0, 'ip']. */
function fieldName(path: PropertyKey[]): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i ? '.' : ''}${String(k)}`)).join('');
}

/** The declared field at `path`, the one holding the explanation. */
function schemaAt(path: PropertyKey[]): z.core.$ZodType | undefined {
  let s: z.core.$ZodType | undefined = TopologyFile;
  for (const key of path) {
    while (s && !(s instanceof z.ZodObject || s instanceof z.ZodArray)) s = inner(s);
    s = s instanceof z.ZodObject ? s.shape[String(key)] : s?.element;
  }
  while (s && !explanations.has(s)) s = inner(s);
  return s;
}

/** The schema a wrapper (default, optional, prefault, pipe) stands for. */
function inner(s: z.core.$ZodType): z.core.$ZodType | undefined {
  if (s instanceof z.ZodPipe) return s.in instanceof z.ZodTransform ? s.out : s.in;
  if (s instanceof z.ZodDefault || s instanceof z.ZodPrefault || s instanceof z.ZodOptional) return s.unwrap();
  return undefined;
}

// Problems read in the order the sections depend on each other, as a user fixes them.
const SECTIONS = ['name', 'underlay', 'ipPools', 'nodes', 'bgp', 'pods', 'outside', 'wireguard'];

function inSectionOrder(problems: Problem[]): Problem[] {
  const rank = (p: Problem) => SECTIONS.indexOf(p.field.split(/[.[]/)[0]);
  return [...problems].sort((a, b) => rank(a) - rank(b));
}

// Each check below runs only when the lists it compares against parsed: a fix never lists nothing.
function crossChecks(t: Partial<TopologyFileData>): Problem[] {
  const subnets = t.underlay?.subnets;
  return [
    ...(subnets ? subnetProblems(subnets) : []),
    ...(t.ipPools ? poolProblems(t.ipPools, subnets) : []),
    ...(t.nodes ? nodeProblems(t.nodes, t.ipPools, subnets) : []),
    ...(t.bgp ? bgpProblems(t.bgp, t.nodes, subnets) : []),
    ...(t.pods ? podProblems(t.pods, t.nodes, t.ipPools) : []),
    ...(t.outside ? outsideProblems(t.outside) : []),
    ...felixProblems(t),
    ...(t.pods ? podPortProblems(t.pods) : []),
    ...(t.namespaces ? namespaceProblems(t.namespaces) : []),
  ];
}

/** Felix's nftables dataplane arrived in Calico 3.29 (felix/nftables); 3.28 has none. */
function felixProblems(t: Partial<TopologyFileData>): Problem[] {
  if (t.nftablesMode !== 'Enabled' || t.calicoVersion !== '3.28') return [];
  return [
    {
      field: 'nftablesMode',
      message: 'Calico 3.28 has no nftables mode (Felix gained it in 3.29)',
      fix: "set calicoVersion: '3.29' or later, or nftablesMode: Disabled",
    },
  ];
}

/** A pod listens once on each port and protocol; a named port names one port. */
function podPortProblems(pods: Pod[]): Problem[] {
  const [out, add] = collector();
  pods.forEach((p, i) => {
    p.ports.forEach((port, j) => {
      const same = p.ports.findIndex((q) => q.port === port.port && q.protocol === port.protocol);
      if (same < j)
        add(`pods[${i}].ports[${j}]`, `${port.protocol} ${port.port} is already ports[${same}]`, 'list it once');
      const named = port.name ? p.ports.findIndex((q) => q.name === port.name) : j;
      if (named < j) add(`pods[${i}].ports[${j}].name`, `${port.name} is already ports[${named}]`, 'rename one');
    });
  });
  return out;
}

function namespaceProblems(namespaces: { name: string }[]): Problem[] {
  const [out, add] = collector();
  namespaces.forEach((n, i) => {
    const first = namespaces.findIndex((m) => m.name === n.name);
    const fix = 'list each namespace once';
    if (first < i) add(`namespaces[${i}].name`, `${n.name} is already namespaces[${first}]`, fix);
  });
  return out;
}

/** A list of problems and a short way to add one. */
function collector(): [Problem[], (field: string, message: string, fix: string) => void] {
  const out: Problem[] = [];
  return [out, (field, message, fix) => out.push({ field, message, fix })];
}

/** Each entry with each entry before it whose range overlaps its own. */
function overlapsBefore<T extends { cidr: string }>(items: T[], each: (a: T, i: number, b: T) => void) {
  items.forEach((a, i) => {
    for (const b of items.slice(0, i)) if (overlaps(parseCidr(a.cidr), parseCidr(b.cidr))) each(a, i, b);
  });
}

function subnetProblems(subnets: Subnet[]): Problem[] {
  const [out, add] = collector();
  subnets.forEach(({ cidr, gateway }, i) => {
    const c = parseCidr(cidr);
    const f = `underlay.subnets[${i}]`;
    if (c.prefix > 30) add(`${f}.cidr`, `/${c.prefix} leaves no room for nodes`, 'use a /30 or larger subnet');
    else if (!hostIn(c, parseIp(gateway))) {
      add(
        `${f}.gateway`,
        `${gateway} is not a host address of ${cidr}`,
        `pick an address inside ${cidr}, e.g. its first host`,
      );
    }
  });
  overlapsBefore(subnets, (a, i, b) =>
    add(`underlay.subnets[${i}].cidr`, `${a.cidr} overlaps ${b.cidr}`, 'make the subnets disjoint'),
  );
  return out;
}

function poolProblems(pools: IPPool[], subnets: Subnet[] | undefined): Problem[] {
  const [out, add] = collector();
  pools.forEach((p, i) => {
    if (p.ipipMode !== 'Never' && p.vxlanMode !== 'Never') {
      add(
        `ipPools[${i}]`,
        'ipipMode and vxlanMode are both enabled',
        'as in Calico, enable at most one: set the other to Never',
      );
    }
    const prefix = parseCidr(p.cidr).prefix;
    if (prefix > p.blockSize) {
      add(
        `ipPools[${i}].blockSize`,
        `/${p.blockSize} is larger than the pool ${p.cidr}`,
        `use a blockSize of at least ${prefix}`,
      );
    }
  });
  out.push(
    ...duplicates(
      pools.map((p) => p.name),
      (i) => `ipPools[${i}].name`,
      'name',
    ),
  );
  overlapsBefore(pools, (a, i, b) =>
    add(`ipPools[${i}].cidr`, `${a.cidr} overlaps pool ${b.name} (${b.cidr})`, 'make the pools disjoint'),
  );
  pools.forEach((p, i) => {
    for (const s of subnets ?? []) {
      if (!overlaps(parseCidr(p.cidr), parseCidr(s.cidr))) continue;
      add(
        `ipPools[${i}].cidr`,
        `${p.cidr} overlaps the underlay subnet ${s.cidr}`,
        'pods and nodes need separate ranges',
      );
    }
  });
  return out;
}

function nodeProblems(nodes: Node[], pools: IPPool[] | undefined, subnets: Subnet[] | undefined): Problem[] {
  const [out, add] = collector();
  const goodBlocks: { block: string; field: string }[] = [];
  nodes.forEach((n, i) => {
    n.blocks.forEach((block, j) => {
      const why = pools && blockProblem(block, pools);
      if (why) add(`nodes[${i}].blocks[${j}]`, why.message, why.fix);
      else if (pools) goodBlocks.push({ block, field: `nodes[${i}].blocks[${j}]` });
    });
    const subnet = subnets?.find((s) => hostIn(parseCidr(s.cidr), parseIp(n.ip)));
    if (subnets && !subnet) {
      add(
        `nodes[${i}].ip`,
        `${n.ip} is not a host address of any underlay subnet`,
        `use an address in ${subnets.map((s) => s.cidr).join(' or ')}`,
      );
    } else if (n.ip === subnet?.gateway) {
      add(`nodes[${i}].ip`, `${n.ip} is the gateway of ${subnet.cidr}`, 'give the node another address');
    }
  });
  out.push(
    ...duplicates(
      nodes.map((n) => n.name),
      (i) => `nodes[${i}].name`,
      'name',
    ),
  );
  out.push(
    ...duplicates(
      nodes.map((n) => n.ip),
      (i) => `nodes[${i}].ip`,
      'ip',
    ),
  );
  out.push(
    ...duplicates(
      goodBlocks.map((b) => b.block),
      (i) => goodBlocks[i].field,
      'block',
    ),
  );
  return out;
}

/** A pinned block must be one block of a pool: inside it and of its blockSize. */
function blockProblem(block: string, pools: IPPool[]): Omit<Problem, 'field'> | undefined {
  const c = parseCidr(block);
  const pool = pools.find((p) => inside(c, parseCidr(p.cidr)));
  if (!pool) {
    const cidrs = pools.map((p) => p.cidr).join(' or ');
    return { message: `${block} is outside every IPPool`, fix: `pick a block inside ${cidrs}` };
  }
  if (c.prefix === pool.blockSize) return undefined;
  const aligned = formatCidr({ network: networkOf(c.network, pool.blockSize), prefix: pool.blockSize });
  return {
    message: `${block} is a /${c.prefix}, but pool ${pool.name} uses /${pool.blockSize} blocks`,
    fix: `write it as ${aligned}`,
  };
}

function bgpProblems(bgp: Bgp, nodes: Node[] | undefined, subnets: Subnet[] | undefined): Problem[] {
  const [out, add] = collector();
  bgp.routeReflectors.forEach((rr, i) => {
    if (!nodes || nodes.some((n) => n.name === rr)) return;
    add(
      `bgp.routeReflectors[${i}]`,
      `${JSON.stringify(rr)} is not a node`,
      `name one of: ${nodes.map((n) => n.name).join(', ')}`,
    );
  });
  // One BGP speaker runs in the router namespace (the top-of-rack router); it owns the peer IP.
  if (bgp.peers.length > 1) {
    add('bgp.peers', `${bgp.peers.length} peers listed; calilab builds one top-of-rack router`, 'list one peer');
  }
  const peer = bgp.peers[0];
  if (peer && subnets && !subnets.some((s) => contains(parseCidr(s.cidr), parseIp(peer.ip)))) {
    add(
      'bgp.peers[0].ip',
      `${peer.ip} is on no underlay subnet`,
      `use a subnet's gateway (${subnets.map((s) => s.gateway).join(', ')}) or a free address on a subnet`,
    );
  }
  const clash = peer && nodes?.find((n) => n.ip === peer.ip);
  if (clash) {
    add(
      'bgp.peers[0].ip',
      `${peer.ip} is node ${clash.name}'s address`,
      'use the subnet gateway, the router that joins the subnets',
    );
  }
  return out;
}

function podProblems(pods: Pod[], nodes: Node[] | undefined, pools: IPPool[] | undefined): Problem[] {
  const [out, add] = collector();
  const nodeNames = nodes && new Set(nodes.map((n) => n.name));
  pods.forEach(({ node, ip }, i) => {
    if (nodeNames && !nodeNames.has(node)) {
      add(`pods[${i}].node`, `${JSON.stringify(node)} is not a node`, `use one of: ${[...nodeNames].join(', ')}`);
    }
    if (ip && pools && !pools.some((pl) => contains(parseCidr(pl.cidr), parseIp(ip)))) {
      add(
        `pods[${i}].ip`,
        `${ip} is outside every IPPool`,
        `pick an address in ${pools.map((pl) => pl.cidr).join(' or ')}`,
      );
    }
  });
  out.push(
    ...duplicates(
      pods.map((p) => `${p.namespace}/${p.name}`),
      (i) => `pods[${i}].name`,
      'namespace/name',
    ),
  );
  out.push(
    ...duplicates(
      pods.map((p) => p.ip),
      (i) => `pods[${i}].ip`,
      'ip',
    ),
  );
  return out;
}

// TEST-NET only, so no lab packet can aim at a real address.
function outsideProblems(outside: OutsideHost[]): Problem[] {
  const [out, add] = collector();
  outside.forEach(({ ip }, i) => {
    if (isTestNet(parseIp(ip))) return;
    add(
      `outside[${i}].ip`,
      `${ip} is not a TEST-NET address`,
      'use 192.0.2.0/24, 198.51.100.0/24 or 203.0.113.0/24, e.g. 203.0.113.10',
    );
  });
  return [
    ...out,
    ...duplicates(
      outside.map((h) => h.name),
      (i) => `outside[${i}].name`,
      'name',
    ),
  ];
}

function duplicates(keys: (string | undefined)[], field: (i: number) => string, what: string): Problem[] {
  const [out, add] = collector();
  const first = new Map<string, number>();
  keys.forEach((k, i) => {
    if (k === undefined) return;
    const j = first.get(k);
    if (j === undefined) first.set(k, i);
    else add(field(i), `duplicates ${what} ${JSON.stringify(k)} of entry ${j}`, `give each entry its own ${what}`);
  });
  return out;
}

function hostIn(c: Cidr, ip: number): boolean {
  if (!contains(c, ip)) return false;
  if (c.prefix >= 31) return true;
  return ip !== c.network && ip !== c.network + 2 ** (32 - c.prefix) - 1;
}
