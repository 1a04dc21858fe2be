// Calico-style IPAM: each node holds blocks (affinity) carved from an IPPool; the node's tunnel
// device takes the first address of its first block, pods take the next free addresses, and a
// node whose blocks are full claims another block. Blocks are claimed in pool order (Calico
// picks at random; calilab is deterministic so that a topology always builds the same lab).
import { contains, formatCidr, formatIp, parseCidr, parseIp, size, type Cidr } from '../../net/ipv4.ts';
import type { IPPool, Topology } from '../../topology/types.ts';
import { TopologyError } from '../../topology/validate.ts';

export interface Block {
  cidr: string;
  pool: string;
  node: string;
}

export interface NodeAllocation {
  node: string;
  blocks: Block[];
  /** tunl0 (IPIP) or vxlan.calico (VXLAN) address: first address of the first block. */
  tunnelAddress: string;
  /** wireguard.cali address, when WireGuard is on. */
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
}

interface BlockState {
  cidr: Cidr;
  pool: IPPool;
  used: Set<number>;
  /** Below this address every address of the block is taken: pods fill blocks in order. */
  next: number;
}

/** Block affinities as Calico's IPAM keeps them: which node holds which block of which pool. */
class Affinities {
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

  claim(node: string, c: Cidr): BlockState {
    this.claimed.set(c.network, node);
    const b: BlockState = { cidr: c, pool: this.poolOf(c), used: new Set(), next: c.network };
    this.nodeBlocks.get(node)!.push(b);
    return b;
  }

  nextFreeBlock(node: string, fieldHint: string): BlockState {
    for (const pool of this.topo.ipPools.filter((p) => !p.disabled)) {
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

  /** A pinned pod address outside its node's blocks claims its block, unless pinned or owned. */
  claimForPod(p: Topology['pods'][number], i: number): void {
    const ip = parseIp(p.ip!);
    if (this.nodeBlocks.get(p.node)!.some((b) => contains(b.cidr, ip))) return;
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
}

export function allocate(topo: Topology): Allocation {
  const file = topo.file;
  const aff = new Affinities(topo);
  const nodeBlocks = aff.nodeBlocks;
  const nextFreeBlock = (node: string, field: string) => aff.nextFreeBlock(node, field);

  // 1. Pinned blocks first, then blocks implied by pinned pod IPs, then one allocated block.
  for (const n of topo.nodes) for (const b of n.blocks) aff.claim(n.name, parseCidr(b));
  topo.pods.forEach((p, i) => {
    if (p.ip) aff.claimForPod(p, i);
  });
  for (const n of topo.nodes) if (!nodeBlocks.get(n.name)!.length) nextFreeBlock(n.name, 'ipPools');

  // 2. Tunnel addresses: first address of the node's first block (doc 000: 10.8.170.64).
  const nodes: NodeAllocation[] = topo.nodes.map((n) => {
    const first = nodeBlocks.get(n.name)![0];
    first.used.add(first.cidr.network);
    return { node: n.name, blocks: [], tunnelAddress: formatIp(first.cidr.network) };
  });

  // 3. Pinned pod addresses, then the rest in order.
  const pods: PodAllocation[] = [];
  const podIndex = new Map<number, PodAllocation>();
  topo.pods.forEach((p, i) => {
    if (!p.ip) return;
    const ip = parseIp(p.ip);
    const b = nodeBlocks.get(p.node)!.find((bs) => contains(bs.cidr, ip))!;
    if (b.used.has(ip)) {
      throw new TopologyError(file, [
        {
          field: `pods[${i}].ip`,
          message: `${p.ip} is node ${p.node}'s tunnel address`,
          fix: 'pick another address or omit ip',
        },
      ]);
    }
    b.used.add(ip);
    podIndex.set(i, { namespace: p.namespace, name: p.name, node: p.node, ip: p.ip, block: formatCidr(b.cidr) });
  });
  const takeAddress = (node: string, field: string): { ip: number; block: BlockState } => {
    for (const b of nodeBlocks.get(node)!) {
      for (; b.next < b.cidr.network + size(b.cidr); b.next++) {
        if (!b.used.has(b.next)) {
          b.used.add(b.next);
          return { ip: b.next, block: b };
        }
      }
    }
    const b = nextFreeBlock(node, field);
    b.used.add(b.cidr.network);
    return { ip: b.cidr.network, block: b };
  };
  topo.pods.forEach((p, i) => {
    let a = podIndex.get(i);
    if (!a) {
      const t = takeAddress(p.node, `pods[${i}]`);
      a = { namespace: p.namespace, name: p.name, node: p.node, ip: formatIp(t.ip), block: formatCidr(t.block.cidr) };
    }
    pods.push(a);
  });
  if (topo.wireguard) {
    nodes.forEach((n, i) => {
      n.wireguardAddress = formatIp(takeAddress(n.node, `nodes[${i}]`).ip);
    });
  }
  for (const n of nodes) {
    n.blocks = nodeBlocks.get(n.node)!.map((b) => ({ cidr: formatCidr(b.cidr), pool: b.pool.name, node: n.node }));
  }
  return { nodes, pods };
}
