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

export function allocate(topo: Topology): Allocation {
  const file = topo.file;
  const pools = topo.ipPools.filter((p) => !p.disabled);
  const claimed = new Map<number, string>(); // block network -> node
  const nodeBlocks = new Map<string, BlockState[]>();
  const poolOf = (c: Cidr) => topo.ipPools.find((p) => contains(parseCidr(p.cidr), c.network))!;

  const claim = (node: string, c: Cidr): BlockState => {
    claimed.set(c.network, node);
    const b: BlockState = { cidr: c, pool: poolOf(c), used: new Set(), next: c.network };
    nodeBlocks.get(node)!.push(b);
    return b;
  };

  // Blocks are claimed in pool order, so a cursor per pool skips the ones already scanned.
  const poolCursor = new Map<string, number>();
  const nextFreeBlock = (node: string, fieldHint: string): BlockState => {
    for (const pool of pools) {
      const pc = parseCidr(pool.cidr);
      const step = 2 ** (32 - pool.blockSize);
      for (let net = poolCursor.get(pool.name) ?? pc.network; net < pc.network + size(pc); net += step) {
        poolCursor.set(pool.name, net);
        if (!claimed.has(net)) return claim(node, { network: net, prefix: pool.blockSize });
      }
    }
    throw new TopologyError(file, [{ field: fieldHint, message: `no free block left in the enabled IPPools for node ${node}`, fix: 'add a larger pool or reduce the number of pods' }]);
  };

  // 1. Pinned blocks first, then blocks implied by pinned pod IPs, then one allocated block.
  for (const n of topo.nodes) nodeBlocks.set(n.name, []);
  for (const n of topo.nodes) for (const b of n.blocks) claim(n.name, parseCidr(b));
  topo.pods.forEach((p, i) => {
    if (!p.ip) return;
    const ip = parseIp(p.ip);
    const own = nodeBlocks.get(p.node)!;
    if (own.some((b) => contains(b.cidr, ip))) return;
    const node = topo.nodes.find((n) => n.name === p.node)!;
    const pool = poolOf({ network: ip, prefix: 32 });
    const net = (ip - ((ip - parseCidr(pool.cidr).network) % 2 ** (32 - pool.blockSize))) >>> 0;
    const owner = claimed.get(net);
    if (node.blocks.length || owner) {
      const where = owner ? `block ${formatIp(net)}/${pool.blockSize} belongs to node ${owner}` : `node ${p.node} pins blocks ${node.blocks.join(', ')}`;
      throw new TopologyError(file, [{ field: `pods[${i}].ip`, message: `${p.ip} is outside node ${p.node}'s blocks (${where})`, fix: `pick an address in ${p.node}'s blocks, pin that block to ${p.node}, or omit ip` }]);
    }
    claim(p.node, { network: net, prefix: pool.blockSize });
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
      throw new TopologyError(file, [{ field: `pods[${i}].ip`, message: `${p.ip} is node ${p.node}'s tunnel address`, fix: 'pick another address or omit ip' }]);
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
