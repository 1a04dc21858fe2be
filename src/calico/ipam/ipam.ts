// Calico's IPAM (libcalico-go/lib/ipam): each node holds blocks (affinity) carved from an IPPool;
// every block keeps its free ordinals in order, auto-assignment takes from the front and a
// release appends to the back (ipam_block.go, autoAssign and release). So a fresh block hands out
// .0, .1, .2 …, and an address released (a tunnel address when its mode is switched off, a
// deleted pod's) comes back only after every never-used one. calico-node allocates the tunnel
// addresses (node/pkg/allocateip) before any pod is scheduled. Blocks are claimed in pool order
// (Calico picks at random; calilab is deterministic so that a topology always builds the same lab).
import { contains, formatCidr, formatIp, parseCidr, parseIp, size, type Cidr } from '../../net/ipv4.ts';
import type { IPPool, Topology } from '../../topology/types.ts';
import { TopologyError } from '../../topology/validate.ts';
import { TUNNEL_KINDS, tunnelHandle, tunnelPools, type TunnelKind } from './tunnels.ts';

export { TUNNEL_KINDS, type TunnelKind } from './tunnels.ts';

export interface Block {
  cidr: string;
  pool: string;
  node: string;
}

/** An IPAMBlock as the lab records it: which ordinal holds which handle, and the free ones in order. */
export interface IpamBlock extends Block {
  /** Ordinal -> handle ID (`ipip-tunnel-addr-<node>`, `k8s-pod-network.<ns>.<pod>`). */
  allocations: Record<number, string>;
  /** Free ordinals in Calico's order: assignment takes the first, release appends. */
  unallocated: number[];
}

export interface NodeAllocation {
  node: string;
  blocks: Block[];
  /** tunl0's address (Node spec.bgp.ipv4IPIPTunnelAddr), only while an IPIP pool needs it. */
  ipipTunnelAddress?: string;
  /** vxlan.calico's address (Node spec.ipv4VXLANTunnelAddr), only while a VXLAN pool needs it. */
  vxlanTunnelAddress?: string;
  /** wireguard.cali's address (spec.wireguard.interfaceIPv4Address), when WireGuard is on. */
  wireguardAddress?: string;
}

export interface PodAllocation {
  namespace: string;
  name: string;
  node: string;
  ip: string;
  block: string;
}

export interface Allocation {
  nodes: NodeAllocation[];
  pods: PodAllocation[];
  blocks: IpamBlock[];
}

/** The address a node's tunnel device shows in summaries: vxlan.calico's, else tunl0's. */
export const tunnelAddressOf = (n: NodeAllocation): string | undefined => n.vxlanTunnelAddress ?? n.ipipTunnelAddress;

/** The handle the CNI plugin allocates a pod's address under (k8s-pod-network.<container ID>). */
export const podHandle = (namespace: string, name: string) => `k8s-pod-network.${namespace}.${name}`;

interface BlockState {
  cidr: Cidr;
  pool: IPPool;
  node: string;
  allocations: Map<number, string>;
  unallocated: number[];
}

/** Block affinities and their blocks' allocations, as Calico's IPAM keeps them. */
class Ipam {
  readonly claimed = new Map<number, string>(); // block network -> node
  readonly nodeBlocks = new Map<string, BlockState[]>();
  // Blocks are claimed in pool order, so a cursor per pool skips the ones already scanned.
  private readonly poolCursor = new Map<string, number>();

  constructor(private readonly topo: Topology) {
    for (const n of topo.nodes) this.nodeBlocks.set(n.name, []);
  }

  poolOf(c: Cidr): IPPool {
    return this.topo.ipPools.find((p) => contains(parseCidr(p.cidr), c.network))!;
  }

  claim(node: string, c: Cidr, previous?: IpamBlock): BlockState {
    this.claimed.set(c.network, node);
    const ordinals = Array.from({ length: size(c) }, (_, i) => i);
    const b: BlockState = {
      cidr: c,
      pool: this.poolOf(c),
      node,
      allocations: new Map(Object.entries(previous?.allocations ?? {}).map(([k, v]) => [Number(k), v])),
      unallocated: previous ? [...previous.unallocated] : ordinals,
    };
    this.nodeBlocks.get(node)!.push(b);
    return b;
  }

  nextFreeBlock(node: string, pools: IPPool[], fieldHint: string): BlockState {
    for (const pool of pools) {
      const pc = parseCidr(pool.cidr);
      const step = 2 ** (32 - pool.blockSize);
      for (let net = this.poolCursor.get(pool.name) ?? pc.network; net < pc.network + size(pc); net += step) {
        this.poolCursor.set(pool.name, net);
        if (!this.claimed.has(net)) return this.claim(node, { network: net, prefix: pool.blockSize });
      }
    }
    const message = `no free block left in the enabled IPPools for node ${node}`;
    throw new TopologyError(this.topo.file, [
      { field: fieldHint, message, fix: 'add a larger pool or reduce the number of pods' },
    ]);
  }

  /** Auto-assign (ipam.go autoAssign): the first free ordinal of the node's first block with
   *  room in one of `pools`, else a newly claimed block. */
  autoAssign(node: string, handle: string, pools: IPPool[], fieldHint: string): { ip: string; block: BlockState } {
    const names = new Set(pools.map((p) => p.name));
    let b = this.nodeBlocks.get(node)!.find((x) => names.has(x.pool.name) && x.unallocated.length);
    b ??= this.nextFreeBlock(node, pools, fieldHint);
    const ordinal = b.unallocated.shift()!;
    b.allocations.set(ordinal, handle);
    return { ip: formatIp(b.cidr.network + ordinal), block: b };
  }

  blockOf(node: string, ip: number): BlockState | undefined {
    return this.nodeBlocks.get(node)!.find((b) => contains(b.cidr, ip));
  }

  /** AssignIP: a requested address, wherever it sits in the free list; undefined if taken. */
  assignIp(node: string, ip: string, handle: string): BlockState | undefined {
    const n = parseIp(ip);
    const b = this.blockOf(node, n)!;
    const at = b.unallocated.indexOf(n - b.cidr.network);
    if (at < 0) return b.allocations.get(n - b.cidr.network) === handle ? b : undefined;
    b.unallocated.splice(at, 1);
    b.allocations.set(n - b.cidr.network, handle);
    return b;
  }

  /** ReleaseIPs: the ordinal goes to the back of the free list. */
  release(node: string, ip: string): void {
    const n = parseIp(ip);
    const b = this.blockOf(node, n);
    if (!b?.allocations.has(n - b.cidr.network)) return;
    b.allocations.delete(n - b.cidr.network);
    b.unallocated.push(n - b.cidr.network);
  }

  holder(node: string, ip: string): string | undefined {
    const n = parseIp(ip);
    const b = this.blockOf(node, n);
    return b?.allocations.get(n - b.cidr.network);
  }

  /** A pinned pod address outside its node's blocks claims its block, unless pinned or owned. */
  claimForPod(p: Topology['pods'][number], i: number): void {
    const ip = parseIp(p.ip!);
    if (this.blockOf(p.node, ip)) return;
    const node = this.topo.nodes.find((n) => n.name === p.node)!;
    const pool = this.poolOf({ network: ip, prefix: 32 });
    const net = (ip - ((ip - parseCidr(pool.cidr).network) % 2 ** (32 - pool.blockSize))) >>> 0;
    const owner = this.claimed.get(net);
    if (node.blocks.length || owner) {
      const where = owner
        ? `block ${formatIp(net)}/${pool.blockSize} belongs to node ${owner}`
        : `node ${p.node} pins blocks ${node.blocks.join(', ')}`;
      throw new TopologyError(this.topo.file, [
        {
          field: `pods[${i}].ip`,
          message: `${p.ip} is outside node ${p.node}'s blocks (${where})`,
          fix: `pick an address in ${p.node}'s blocks, pin that block to ${p.node}, or omit ip`,
        },
      ]);
    }
    this.claim(p.node, { network: net, prefix: pool.blockSize });
  }

  blocks(): IpamBlock[] {
    return [...this.nodeBlocks.values()].flat().map((b) => ({
      cidr: formatCidr(b.cidr),
      pool: b.pool.name,
      node: b.node,
      allocations: Object.fromEntries(b.allocations),
      unallocated: b.unallocated,
    }));
  }
}

/** Blocks: the running lab's (with their free lists), then pinned ones, then one per blockless node. */
function claimBlocks(topo: Topology, ipam: Ipam, previous: Allocation | undefined): void {
  for (const b of previous?.blocks ?? []) {
    if (ipam.nodeBlocks.has(b.node)) ipam.claim(b.node, parseCidr(b.cidr), b);
  }
  for (const n of topo.nodes)
    for (const b of n.blocks) if (!ipam.claimed.has(parseCidr(b).network)) ipam.claim(n.name, parseCidr(b));
  topo.pods.forEach((p, i) => {
    if (p.ip) ipam.claimForPod(p, i);
  });
  const enabled = topo.ipPools.filter((p) => !p.disabled);
  for (const n of topo.nodes) if (!ipam.nodeBlocks.get(n.name)!.length) ipam.nextFreeBlock(n.name, enabled, 'ipPools');
}

const inPools = (ip: string, pools: IPPool[]) => pools.some((p) => contains(parseCidr(p.cidr), parseIp(ip)));

/** calico-node's reconcileTunnelAddrs (allocateip.go): release what no pool needs any more, or an
 *  address left in a pool that no longer qualifies (:336-339), then assign what is needed. */
function tunnelAddresses(
  topo: Topology,
  ipam: Ipam,
  previous: Allocation | undefined,
  kinds: readonly TunnelKind[],
  nodes: NodeAllocation[],
): void {
  topo.nodes.forEach((n, i) => {
    const was = previous?.nodes.find((x) => x.node === n.name);
    for (const kind of kinds) {
      const pools = tunnelPools(topo, kind);
      let had = was?.[kind];
      if (had && !(pools && inPools(had, pools))) {
        ipam.release(n.name, had);
        had = undefined;
      }
      if (pools) nodes[i][kind] = had ?? ipam.autoAssign(n.name, tunnelHandle(kind, n.name), pools, `nodes[${i}]`).ip;
    }
  });
}

/** Releases departed pods' addresses, then assigns every requested (pinned) one; indexed by pod. */
function requestedAddresses(topo: Topology, ipam: Ipam, previous: Allocation | undefined): PodAllocation[] {
  const handles = new Set(topo.pods.map((p) => podHandle(p.namespace, p.name)));
  for (const p of previous?.pods ?? []) if (!handles.has(podHandle(p.namespace, p.name))) ipam.release(p.node, p.ip);
  const out: PodAllocation[] = [];
  topo.pods.forEach((p, i) => {
    if (!p.ip) return;
    const b = ipam.assignIp(p.node, p.ip, podHandle(p.namespace, p.name));
    if (!b) {
      const holder = ipam.holder(p.node, p.ip);
      const what = holder?.includes('tunnel-addr')
        ? `node ${p.node}'s tunnel address (${holder})`
        : `held by ${holder}`;
      throw new TopologyError(topo.file, [
        { field: `pods[${i}].ip`, message: `${p.ip} is ${what}`, fix: 'pick another address or omit ip' },
      ]);
    }
    out[i] = { namespace: p.namespace, name: p.name, node: p.node, ip: p.ip, block: formatCidr(b.cidr) };
  });
  return out;
}

/** Every pod's address: requested, kept from the running lab, else auto-assigned in file order. */
function podAddresses(
  topo: Topology,
  ipam: Ipam,
  previous: Allocation | undefined,
  requested: PodAllocation[],
): PodAllocation[] {
  const enabled = topo.ipPools.filter((p) => !p.disabled);
  return topo.pods.map((p, i) => {
    const kept = requested[i] ?? previous?.pods.find((x) => x.namespace === p.namespace && x.name === p.name);
    if (kept) return kept;
    const a = ipam.autoAssign(p.node, podHandle(p.namespace, p.name), enabled, `pods[${i}]`);
    return { namespace: p.namespace, name: p.name, node: p.node, ip: a.ip, block: formatCidr(a.block.cidr) };
  });
}

/**
 * Allocates blocks, tunnel addresses and pod addresses for `topo`. With `previous` (the running
 * lab's allocation) every block keeps its free-list order and every address still wanted stays
 * where it is; tunnel addresses are released or assigned as calico-node does on a mode switch.
 */
export function allocate(topo: Topology, previous?: Allocation): Allocation {
  const ipam = new Ipam(topo);
  const live = previous?.blocks ? previous : undefined;
  claimBlocks(topo, ipam, live);
  const nodes: NodeAllocation[] = topo.nodes.map((n) => ({ node: n.name, blocks: [] }));
  // A new cluster: calico-node assigns IPIP and VXLAN addresses before any pod is scheduled; the
  // WireGuard address only once Felix has published the node's key, by which time the pods a
  // topology pins may exist, so they come first. A running lab reconciles all three at once.
  const early: readonly TunnelKind[] = live ? TUNNEL_KINDS : ['ipipTunnelAddress', 'vxlanTunnelAddress'];
  tunnelAddresses(topo, ipam, live, early, nodes);
  const requested = requestedAddresses(topo, ipam, live);
  if (!live) tunnelAddresses(topo, ipam, undefined, ['wireguardAddress'], nodes);
  const pods = podAddresses(topo, ipam, live, requested);
  for (const n of nodes) {
    n.blocks = ipam.nodeBlocks.get(n.node)!.map((b) => ({ cidr: formatCidr(b.cidr), pool: b.pool.name, node: n.node }));
  }
  return { nodes, pods, blocks: ipam.blocks() };
}
