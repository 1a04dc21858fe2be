// Turns the raw YAML value into a Topology or a list of problems, each naming the file, the
// field and the fix. Nothing reaches the kernel unless it passed through here: names become
// namespace and interface names and ip(8) batch words, so their alphabet is strict.
import {
  cidrProblem, contains, formatCidr, inside, isIPv4, isTestNet, networkOf, overlaps, parseCidr, parseIp, type Cidr,
} from '../net/ipv4.ts';
import { ENCAP_MODES, type Bgp, type BgpPeer, type IPPool, type Node, type OutsideHost, type Pod, type Subnet, type Topology } from './types.ts';

export interface Problem {
  field: string;
  message: string;
  fix: string;
}

export class TopologyError extends Error {
  constructor(readonly file: string, readonly problems: Problem[]) {
    super(problems.map((p) => `${file}: ${p.field}: ${p.message}; fix: ${p.fix}`).join('\n'));
    this.name = 'TopologyError';
  }
}

/** Lab names prefix every namespace and state path: short, lowercase, DNS-label-like. */
export const LAB_NAME = /^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$/;
/** Kubernetes object names (RFC 1123 label; dots allowed for pods as in Kubernetes). */
export const K8S_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
export const POD_NAME = /^[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?$/;
export const MAX_PODS = 10000;
export const MAX_NODES = 500;

type Obj = Record<string, unknown>;

class Reader {
  problems: Problem[] = [];
  add(field: string, message: string, fix: string) {
    this.problems.push({ field, message, fix });
  }

  object(v: unknown, field: string, allowed: string[]): Obj | undefined {
    if (v === undefined || v === null) return {};
    if (typeof v !== 'object' || Array.isArray(v)) {
      this.add(field, `must be a mapping, got ${describe(v)}`, `write ${field} as key: value pairs`);
      return undefined;
    }
    for (const k of Object.keys(v)) {
      if (!allowed.includes(k)) {
        this.add(`${field ? field + '.' : ''}${k}`, 'is not a known field', `remove it or use one of: ${allowed.join(', ')}`);
      }
    }
    return v as Obj;
  }

  list(v: unknown, field: string, max = 100000): unknown[] {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      this.add(field, `must be a list, got ${describe(v)}`, `write ${field} as a YAML list ([...] or "- " items)`);
      return [];
    }
    if (v.length > max) {
      this.add(field, `has ${v.length} entries, more than the ${max} calilab supports`, `use at most ${max}`);
      return [];
    }
    return v;
  }

  string(v: unknown, field: string, opts: { required?: boolean; pattern?: RegExp; fix?: string; def?: string } = {}): string | undefined {
    if (v === undefined || v === null) {
      if (opts.required) this.add(field, 'is missing', opts.fix ?? `add ${field}`);
      return opts.def;
    }
    if (typeof v !== 'string') {
      this.add(field, `must be a string, got ${describe(v)}`, opts.fix ?? 'quote the value');
      return undefined;
    }
    if (opts.pattern && !opts.pattern.test(v)) {
      this.add(field, `${JSON.stringify(v)} is not allowed`, opts.fix ?? `match ${opts.pattern}`);
      return undefined;
    }
    return v;
  }

  int(v: unknown, field: string, min: number, max: number, def?: number): number | undefined {
    if (v === undefined || v === null) {
      if (def === undefined) this.add(field, 'is missing', `add ${field} (${min}..${max})`);
      return def;
    }
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      this.add(field, `must be a whole number from ${min} to ${max}, got ${describe(v)}`, `set ${field} between ${min} and ${max}`);
      return undefined;
    }
    return v;
  }

  bool(v: unknown, field: string, def: boolean): boolean {
    if (v === undefined || v === null) return def;
    if (typeof v !== 'boolean') {
      this.add(field, `must be true or false, got ${describe(v)}`, `write ${field}: true or ${field}: false`);
      return def;
    }
    return v;
  }

  ip(v: unknown, field: string): string | undefined {
    const s = this.string(v, field, { required: true, fix: `set ${field} to an IPv4 address like 10.10.20.3` });
    if (s === undefined) return undefined;
    if (!isIPv4(s)) {
      this.add(field, `${JSON.stringify(s)} is not an IPv4 address`, 'write four decimal octets, e.g. 10.10.20.3');
      return undefined;
    }
    return s;
  }

  cidr(v: unknown, field: string): string | undefined {
    const s = this.string(v, field, { required: true, fix: `set ${field} to an IPv4 CIDR like 10.8.0.0/16` });
    if (s === undefined) return undefined;
    const why = cidrProblem(s);
    if (why) {
      this.add(field, `${JSON.stringify(s)} ${why}`, 'write an aligned network/prefix, e.g. 10.8.0.0/16');
      return undefined;
    }
    return s;
  }

  unique<T>(items: T[], key: (t: T) => string | undefined, field: (i: number) => string, what: string) {
    const seen = new Map<string, number>();
    items.forEach((item, i) => {
      const k = key(item);
      if (k === undefined) return;
      const first = seen.get(k);
      if (first !== undefined) this.add(field(i), `duplicates ${what} ${JSON.stringify(k)} of entry ${first}`, `give each entry its own ${what}`);
      else seen.set(k, i);
    });
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  const s = JSON.stringify(v) ?? String(v);
  return `${typeof v} ${s.length > 40 ? s.slice(0, 40) + '…' : s}`;
}

const TOP_FIELDS = ['name', 'underlay', 'nodes', 'ipPools', 'bgp', 'wireguard', 'pods', 'outside'];

export function validateTopology(raw: unknown, file: string): Topology {
  const r = new Reader();
  const top = r.object(raw, '', TOP_FIELDS);
  if (!top) throw new TopologyError(file, r.problems);

  const name = r.string(top.name, 'name', {
    required: true,
    pattern: LAB_NAME,
    fix: 'use 1-32 lowercase letters, digits and "-", e.g. calico-ipip-3node',
  });

  // underlay
  const u = r.object(top.underlay, 'underlay', ['mtu', 'subnets']) ?? {};
  const mtu = r.int(u.mtu, 'underlay.mtu', 1280, 9216, 1500) ?? 1500;
  const subnets: Subnet[] = [];
  r.list(u.subnets, 'underlay.subnets', 64).forEach((s, i) => {
    const f = `underlay.subnets[${i}]`;
    const o = r.object(s, f, ['cidr', 'gateway']);
    if (!o) return;
    const cidr = r.cidr(o.cidr, `${f}.cidr`);
    const gateway = r.ip(o.gateway, `${f}.gateway`);
    if (!cidr || !gateway) return;
    const c = parseCidr(cidr);
    if (c.prefix > 30) r.add(`${f}.cidr`, `/${c.prefix} leaves no room for nodes`, 'use a /30 or larger subnet');
    else if (!hostIn(c, parseIp(gateway))) r.add(`${f}.gateway`, `${gateway} is not a host address of ${cidr}`, `pick an address inside ${cidr}, e.g. its first host`);
    subnets.push({ cidr, gateway });
  });
  if (Array.isArray(u.subnets) && u.subnets.length === 0 || u.subnets === undefined) {
    r.add('underlay.subnets', 'is empty', 'declare at least one subnet: [{cidr: 10.10.20.0/22, gateway: 10.10.20.1}]');
  }
  subnets.forEach((a, i) => subnets.slice(0, i).forEach((b) => {
    if (overlaps(parseCidr(a.cidr), parseCidr(b.cidr))) r.add(`underlay.subnets[${i}].cidr`, `${a.cidr} overlaps ${b.cidr}`, 'make the subnets disjoint');
  }));

  // pools
  const pools: IPPool[] = [];
  r.list(top.ipPools, 'ipPools', 64).forEach((p, i) => {
    const f = `ipPools[${i}]`;
    const o = r.object(p, f, ['name', 'cidr', 'blockSize', 'ipipMode', 'vxlanMode', 'natOutgoing', 'disabled']);
    if (!o) return;
    const pname = r.string(o.name, `${f}.name`, { pattern: K8S_NAME, def: i === 0 ? 'default-ipv4-ippool' : `ippool-${i}`, fix: 'use lowercase letters, digits and "-"' });
    const cidr = r.cidr(o.cidr, `${f}.cidr`);
    const blockSize = r.int(o.blockSize, `${f}.blockSize`, 20, 32, 26);
    const mode = (v: unknown, field: string, def: string) => {
      const s = r.string(v, field, { def, pattern: /^(Always|CrossSubnet|Never)$/, fix: `use one of ${ENCAP_MODES.join(', ')}` });
      return (s ?? def) as IPPool['ipipMode'];
    };
    const ipipMode = mode(o.ipipMode, `${f}.ipipMode`, o.vxlanMode && o.vxlanMode !== 'Never' ? 'Never' : 'Always');
    const vxlanMode = mode(o.vxlanMode, `${f}.vxlanMode`, 'Never');
    if (ipipMode !== 'Never' && vxlanMode !== 'Never') r.add(`${f}`, 'ipipMode and vxlanMode are both enabled', 'as in Calico, enable at most one: set the other to Never');
    const natOutgoing = r.bool(o.natOutgoing, `${f}.natOutgoing`, false);
    const disabled = r.bool(o.disabled, `${f}.disabled`, false);
    if (!pname || !cidr || blockSize === undefined) return;
    if (parseCidr(cidr).prefix > blockSize) r.add(`${f}.blockSize`, `/${blockSize} is larger than the pool ${cidr}`, `use a blockSize of at least ${parseCidr(cidr).prefix}`);
    pools.push({ name: pname, cidr, blockSize, ipipMode, vxlanMode, natOutgoing, disabled });
  });
  if (!pools.length && !r.problems.some((p) => p.field.startsWith('ipPools'))) {
    r.add('ipPools', 'is empty', 'declare a pool: [{name: default-ipv4-ippool, cidr: 10.8.0.0/16}]');
  }
  r.unique(pools, (p) => p.name, (i) => `ipPools[${i}].name`, 'name');
  pools.forEach((a, i) => pools.slice(0, i).forEach((b) => {
    if (overlaps(parseCidr(a.cidr), parseCidr(b.cidr))) r.add(`ipPools[${i}].cidr`, `${a.cidr} overlaps pool ${b.name} (${b.cidr})`, 'make the pools disjoint');
  }));
  pools.forEach((p, i) => subnets.forEach((s) => {
    if (overlaps(parseCidr(p.cidr), parseCidr(s.cidr))) r.add(`ipPools[${i}].cidr`, `${p.cidr} overlaps the underlay subnet ${s.cidr}`, 'pods and nodes need separate ranges');
  }));

  // nodes
  const nodes: Node[] = [];
  r.list(top.nodes, 'nodes', MAX_NODES).forEach((n, i) => {
    const f = `nodes[${i}]`;
    const o = r.object(n, f, ['name', 'ip', 'blocks']);
    if (!o) return;
    const nname = r.string(o.name, `${f}.name`, { required: true, pattern: K8S_NAME, fix: 'use a Kubernetes node name: lowercase letters, digits and "-", at most 63' });
    const ip = r.ip(o.ip, `${f}.ip`);
    const blocks: string[] = [];
    r.list(o.blocks, `${f}.blocks`, 64).forEach((b, j) => {
      const bf = `${f}.blocks[${j}]`;
      const cidr = r.cidr(b, bf);
      if (!cidr) return;
      const c = parseCidr(cidr);
      const pool = pools.find((p) => inside(c, parseCidr(p.cidr)));
      if (!pool) r.add(bf, `${cidr} is outside every IPPool`, `pick a block inside ${pools.map((p) => p.cidr).join(' or ') || 'a pool'}`);
      else if (c.prefix !== pool.blockSize) r.add(bf, `${cidr} is a /${c.prefix}, but pool ${pool.name} uses /${pool.blockSize} blocks`, `write it as ${formatCidr({ network: networkOf(c.network, pool.blockSize), prefix: pool.blockSize })}`);
      else blocks.push(cidr);
    });
    if (!nname || !ip) return;
    const ipn = parseIp(ip);
    const subnet = subnets.find((s) => hostIn(parseCidr(s.cidr), ipn));
    if (!subnet) r.add(`${f}.ip`, `${ip} is not a host address of any underlay subnet`, `use an address in ${subnets.map((s) => s.cidr).join(' or ')}`);
    else if (ip === subnet.gateway) r.add(`${f}.ip`, `${ip} is the gateway of ${subnet.cidr}`, 'give the node another address');
    nodes.push({ name: nname, ip, blocks });
  });
  if (!nodes.length && !r.problems.some((p) => p.field.startsWith('nodes'))) r.add('nodes', 'is empty', 'declare at least one node: [{name: k8s-cp1, ip: 10.10.20.3}]');
  r.unique(nodes, (n) => n.name, (i) => `nodes[${i}].name`, 'name');
  r.unique(nodes, (n) => n.ip, (i) => `nodes[${i}].ip`, 'ip');
  const blockOwners = nodes.flatMap((n, i) => n.blocks.map((b, j) => ({ b, field: `nodes[${i}].blocks[${j}]` })));
  r.unique(blockOwners, (x) => x.b, (i) => blockOwners[i].field, 'block');

  // bgp
  const b = r.object(top.bgp, 'bgp', ['asNumber', 'nodeToNodeMesh', 'routeReflectors', 'clusterId', 'peers']) ?? {};
  const asNumber = r.int(b.asNumber, 'bgp.asNumber', 1, 4294967295, 64512) ?? 64512;
  const routeReflectors = r.list(b.routeReflectors, 'bgp.routeReflectors', 16)
    .map((x, i) => r.string(x, `bgp.routeReflectors[${i}]`, { required: true }))
    .filter((x): x is string => x !== undefined);
  routeReflectors.forEach((rr, i) => {
    if (!nodes.some((n) => n.name === rr)) r.add(`bgp.routeReflectors[${i}]`, `${JSON.stringify(rr)} is not a node`, `name one of: ${nodes.map((n) => n.name).join(', ')}`);
  });
  const nodeToNodeMesh = r.bool(b.nodeToNodeMesh, 'bgp.nodeToNodeMesh', routeReflectors.length === 0);
  const clusterId = r.string(b.clusterId, 'bgp.clusterId', { def: '244.0.0.1', fix: 'write an IPv4-shaped id like 244.0.0.1' }) ?? '244.0.0.1';
  if (!isIPv4(clusterId)) r.add('bgp.clusterId', `${JSON.stringify(clusterId)} is not IPv4-shaped`, 'write an id like 244.0.0.1');
  const peers: BgpPeer[] = [];
  r.list(b.peers, 'bgp.peers', 16).forEach((p, i) => {
    const f = `bgp.peers[${i}]`;
    const o = r.object(p, f, ['name', 'ip', 'asNumber', 'implementation']);
    if (!o) return;
    const pname = r.string(o.name, `${f}.name`, { required: true, pattern: K8S_NAME, fix: 'use lowercase letters, digits and "-"' });
    const ip = r.ip(o.ip, `${f}.ip`);
    const as = r.int(o.asNumber, `${f}.asNumber`, 1, 4294967295, asNumber);
    const impl = r.string(o.implementation, `${f}.implementation`, { def: 'bird', pattern: /^(bird|frr)$/, fix: 'use bird or frr' });
    if (pname && ip && as !== undefined && impl) peers.push({ name: pname, ip, asNumber: as, implementation: impl as BgpPeer['implementation'] });
  });
  // One BGP speaker runs in the router namespace (the top-of-rack router); it owns the peer IP.
  if (peers.length > 1) r.add('bgp.peers', `${peers.length} peers listed; calilab builds one top-of-rack router`, 'list one peer');
  peers.slice(0, 1).forEach((p) => {
    const inSubnet = subnets.some((s) => contains(parseCidr(s.cidr), parseIp(p.ip)));
    if (!inSubnet) r.add('bgp.peers[0].ip', `${p.ip} is on no underlay subnet`, `use a subnet's gateway (${subnets.map((s) => s.gateway).join(', ')}) or a free address on a subnet`);
    const clash = nodes.find((n) => n.ip === p.ip);
    if (clash) r.add('bgp.peers[0].ip', `${p.ip} is node ${clash.name}'s address`, 'use the subnet gateway, the router that joins the subnets');
  });
  const bgp: Bgp = { asNumber, nodeToNodeMesh, routeReflectors, clusterId, peers };

  // pods
  const pods: Pod[] = [];
  const nodeNames = new Set(nodes.map((n) => n.name));
  r.list(top.pods, 'pods', MAX_PODS).forEach((p, i) => {
    const f = `pods[${i}]`;
    const o = r.object(p, f, ['name', 'namespace', 'node', 'ip']);
    if (!o) return;
    const pname = r.string(o.name, `${f}.name`, { required: true, pattern: POD_NAME, fix: 'use a Kubernetes pod name: lowercase letters, digits, "-" and "."' });
    const ns = r.string(o.namespace, `${f}.namespace`, { def: 'default', pattern: K8S_NAME, fix: 'use a Kubernetes namespace name' });
    const node = r.string(o.node, `${f}.node`, { required: true, fix: `name the node the pod runs on: ${[...nodeNames].join(', ')}` });
    const ip = o.ip === undefined ? undefined : r.ip(o.ip, `${f}.ip`);
    if (node !== undefined && !nodeNames.has(node)) r.add(`${f}.node`, `${JSON.stringify(node)} is not a node`, `use one of: ${[...nodeNames].join(', ')}`);
    if (ip && !pools.some((pl) => contains(parseCidr(pl.cidr), parseIp(ip)))) r.add(`${f}.ip`, `${ip} is outside every IPPool`, `pick an address in ${pools.map((pl) => pl.cidr).join(' or ')}`);
    if (pname && ns && node && (o.ip === undefined || ip)) pods.push({ name: pname, namespace: ns, node, ip });
  });
  r.unique(pods, (p) => `${p.namespace}/${p.name}`, (i) => `pods[${i}].name`, 'namespace/name');
  r.unique(pods, (p) => p.ip, (i) => `pods[${i}].ip`, 'ip');

  // outside hosts ("the internet"): TEST-NET only, so no lab packet can aim at a real address.
  const outside: OutsideHost[] = [];
  r.list(top.outside, 'outside', 8).forEach((h, i) => {
    const f = `outside[${i}]`;
    const o = r.object(h, f, ['name', 'ip']);
    if (!o) return;
    const hname = r.string(o.name, `${f}.name`, { required: true, pattern: K8S_NAME, fix: 'use lowercase letters, digits and "-"' });
    const ip = r.ip(o.ip, `${f}.ip`);
    if (ip && !isTestNet(parseIp(ip))) r.add(`${f}.ip`, `${ip} is not a TEST-NET address`, 'use 192.0.2.0/24, 198.51.100.0/24 or 203.0.113.0/24, e.g. 203.0.113.10');
    if (hname && ip) outside.push({ name: hname, ip });
  });
  r.unique(outside, (h) => h.name, (i) => `outside[${i}].name`, 'name');

  const wireguard = r.bool(top.wireguard, 'wireguard', false);
  if (r.problems.length || !name) throw new TopologyError(file, r.problems);
  return { name, underlay: { mtu, subnets }, nodes, ipPools: pools, bgp, wireguard, pods, outside, file };
}

function hostIn(c: Cidr, ip: number): boolean {
  if (!contains(c, ip)) return false;
  if (c.prefix >= 31) return true;
  return ip !== c.network && ip !== c.network + 2 ** (32 - c.prefix) - 1;
}
