// Renders one node's bird.conf for stock BIRD 2 (Debian's bird2), after Calico's confd template:
// a blackhole static route per owned block exported over BGP, a full mesh (or route-reflector
// sessions, or global peers), and a kernel export filter that programs remote blocks the way
// Calico's BIRD fork does with krt_tunnel. Stock BIRD has no krt_tunnel; the same kernel route
// (`<block> via <node> dev tunl0 proto bird onlink`) comes from setting onlink, ifname and gw,
// in exactly that order (other orders install nothing or go via eth0: see calico-notes.md).
import { join } from 'node:path';
import { parseIp } from '../../net/ipv4.ts';
import type { Allocation } from '../ipam/ipam.ts';
import { subnetOf } from '../../topology/query.ts';
import type { IPPool, Topology } from '../../topology/types.ts';

export interface BirdPaths {
  config: string;
  socket: string;
  pidFile: string;
  log: string;
}

export type PeerType = 'node-to-node mesh' | 'global' | 'node specific';

export interface BirdPeer {
  protocol: string; // BIRD protocol name, e.g. Mesh_10_10_20_4
  ip: string;
  asNumber: number;
  type: PeerType;
  /** Same subnet: a direct session; else multihop with recursive next hop. */
  direct: boolean;
  passive: boolean;
  rrClient: boolean;
  name: string;
}

/** Short timers keep a lab converging in seconds (Calico's: connect delay 2, retry 5). */
export const BIRD_TIMERS = {
  connectDelay: 1,
  connectRetry: 2,
  errorWait: [1, 5],
  hold: 9,
  keepalive: 3,
  scan: 2,
  gracefulRestart: 5,
} as const;

/** Large generated clusters (the scale benchmark) share a few CPUs among dozens of BIRDs: a
 *  3 s keepalive / 9 s hold makes sessions flap there before they converge, so they get
 *  Calico-like slower timers. Labs up to 20 nodes keep the short ones. */
export function birdTimers(topo: Topology) {
  if (topo.nodes.length <= 20) return BIRD_TIMERS;
  return { ...BIRD_TIMERS, connectRetry: 5, errorWait: [5, 30], hold: 60, keepalive: 20, scan: 10 } as const;
}

/** Where a node's BIRD keeps its config, control socket, pid file and log. */
export function birdPaths(stateDir: string, node: string): BirdPaths {
  const dir = join(stateDir, 'bird');
  return {
    config: join(dir, `${node}.conf`),
    socket: join(dir, `${node}.ctl`),
    pidFile: join(dir, `${node}.pid`),
    log: join(dir, `${node}.log`),
  };
}

const protoName = (prefix: string, ip: string) => `${prefix}_${ip.replaceAll('.', '_')}`;

/** The BGP sessions of one node, as Calico's confd derives them. */
export function birdPeers(topo: Topology, nodeName: string): BirdPeer[] {
  const me = topo.nodes.find((n) => n.name === nodeName)!;
  const mySubnet = subnetOf(topo, me.ip);
  const rrs = new Set(topo.bgp.routeReflectors);
  const iAmRr = rrs.has(nodeName);
  const peers: BirdPeer[] = [];
  for (const other of topo.nodes) {
    if (other.name === nodeName) continue;
    const direct = subnetOf(topo, other.ip) === mySubnet;
    if (topo.bgp.nodeToNodeMesh) {
      // One side of each pair listens: the mesh is unidirectional, as in Calico.
      const passive = parseIp(other.ip) > parseIp(me.ip);
      peers.push({
        protocol: protoName('Mesh', other.ip),
        ip: other.ip,
        asNumber: topo.bgp.asNumber,
        type: 'node-to-node mesh',
        direct,
        passive,
        rrClient: false,
        name: other.name,
      });
    } else if (iAmRr || rrs.has(other.name)) {
      const rrClient = iAmRr && !rrs.has(other.name);
      const passive = iAmRr && (rrClient || parseIp(other.ip) > parseIp(me.ip));
      peers.push({
        protocol: protoName('Node', other.ip),
        ip: other.ip,
        asNumber: topo.bgp.asNumber,
        type: 'node specific',
        direct,
        passive,
        rrClient,
        name: other.name,
      });
    }
  }
  for (const p of topo.bgp.peers) {
    peers.push({
      protocol: protoName('Global', p.ip),
      ip: p.ip,
      asNumber: p.asNumber,
      type: 'global',
      direct: subnetOf(topo, p.ip) === mySubnet,
      passive: false,
      rrClient: false,
      name: p.name,
    });
  }
  return peers;
}

function poolKernelRule(pool: IPPool, localSubnet: string): string {
  const tunnel = 'onlink = true; ifname = "tunl0"; gw = bgp_next_hop;';
  if (pool.vxlanMode !== 'Never') {
    // "Don't program VXLAN routes into the kernel - these are handled by Felix": every route of
    // the pool, the static blackhole too (confd bird_ipam.cfg.template:76-112, v3.30.7).
    return `  if ( net ~ ${pool.cidr} ) then reject;`;
  }
  if (pool.ipipMode === 'Always') {
    return `  if ( net ~ ${pool.cidr} ) then { if ( source = RTS_BGP ) then { ${tunnel} } accept; }`;
  }
  if (pool.ipipMode === 'CrossSubnet') {
    const remote = `!(bgp_next_hop ~ ${localSubnet})`;
    return `  if ( net ~ ${pool.cidr} ) then { if ( source = RTS_BGP && ${remote} ) then { ${tunnel} } accept; }`;
  }
  return `  if ( net ~ ${pool.cidr} ) then accept;`;
}

/** Filters: aggregate to blocks, export to peers, program the kernel per pool mode. */
function filterLines(pools: IPPool[], blocks: string[], localSubnet: string): string[] {
  const enabled = pools.filter((p) => !p.disabled).map((p) => `  if ( net ~ ${p.cidr} ) then accept;`);
  return [
    '# Aggregate: announce the whole block, never the /32s inside it.',
    'function calico_aggr() {',
    ...blocks.flatMap((b) => [`  if ( net = ${b} ) then accept;`, `  if ( net ~ ${b} ) then reject;`]),
    '}',
    '',
    'filter calico_export_to_bgp_peers {',
    '  calico_aggr();',
    ...enabled,
    '  reject;',
    '}',
    '',
    '# To the top-of-rack router: only the blocks this node owns, so that it learns every block from',
    '# its owner and forwards pod packets straight to it (no hairpin through another node).',
    'filter calico_export_to_global_peers {',
    '  if ( source = RTS_BGP ) then reject;',
    '  calico_aggr();',
    ...enabled,
    '  reject;',
    '}',
    '',
    '# Remote blocks into the kernel, per IPPool mode (Calico sets krt_tunnel here).',
    'filter calico_kernel_programming {',
    ...pools.map((p) => poolKernelRule(p, localSubnet)),
    '  reject;',
    '}',
    '',
    '# Alien kernel routes (default route, node subnet) resolve next hops; pod routes stay out.',
    'filter calico_kernel_import {',
    ...pools.map((p) => `  if ( net ~ ${p.cidr} ) then reject;`),
    '  accept;',
    '}',
  ];
}

/** The kernel, device, direct and static protocols: what BIRD reads from and writes to the node. */
function protocolLines(t: ReturnType<typeof birdTimers>, blocks: string[]): string[] {
  return [
    'protocol kernel {',
    '  learn;',
    `  scan time ${t.scan};`,
    '  metric 0;',
    '  merge paths on;',
    '  graceful restart;',
    '  ipv4 { import filter calico_kernel_import; export filter calico_kernel_programming; };',
    '}',
    '',
    `protocol device { scan time ${t.scan}; }`,
    '',
    'protocol direct {',
    '  ipv4;',
    '  interface -"cali*", -"tunl0", -"vxlan.calico", -"wireguard.cali", "*";',
    '}',
    '',
    '# The blocks this node is affine to; the blackhole keeps unallocated addresses from leaking.',
    'protocol static {',
    '  ipv4;',
    ...blocks.map((b) => `  route ${b} blackhole;`),
    '}',
  ];
}

function templateLines(t: ReturnType<typeof birdTimers>, ip: string, asNumber: number): string[] {
  return [
    'template bgp bgp_template {',
    '  debug { states };',
    `  local ${ip} as ${asNumber};`,
    `  connect delay time ${t.connectDelay};`,
    `  connect retry time ${t.connectRetry};`,
    `  error wait time ${t.errorWait[0]}, ${t.errorWait[1]};`,
    `  hold time ${t.hold};`,
    `  keepalive time ${t.keepalive};`,
    // Calico runs with graceful restart; announcing 5 s (BIRD's default is 120) lets a lab
    // show a failed node's blocks withdrawn within seconds.
    '  graceful restart;',
    `  graceful restart time ${t.gracefulRestart};`,
    '}',
  ];
}

function peerLines(topo: Topology, nodeName: string, p: BirdPeer): string[] {
  const ibgp = p.asNumber === topo.bgp.asNumber;
  const iAmRr = topo.bgp.routeReflectors.includes(nodeName);
  return [
    '',
    `# ${p.type} peer ${p.name}`,
    `protocol bgp ${p.protocol} from bgp_template {`,
    `  description "${p.name}";`,
    `  neighbor ${p.ip} as ${p.asNumber};`,
    p.direct ? '  direct;' : '  multihop;',
    ...(p.passive ? ['  passive on;'] : []),
    ...(p.rrClient ? ['  rr client;', `  rr cluster id ${topo.bgp.clusterId};`] : []),
    '  ipv4 {',
    '    import all;',
    `    export filter ${p.type === 'global' ? 'calico_export_to_global_peers' : 'calico_export_to_bgp_peers'};`,
    // A reflector passes other nodes' routes on untouched: next hops stay the originating node.
    p.rrClient || (ibgp && iAmRr) ? '    next hop keep;' : '    next hop self;',
    // Reflectors and the top-of-rack router pass on third-party next hops that may sit on another
    // subnet: those resolve through the kernel's routes (recursive), never as neighbours.
    `    gateway ${p.direct && p.type === 'node-to-node mesh' ? 'direct' : 'recursive'};`,
    '  };',
    '}',
  ];
}

export function renderBirdConfig(topo: Topology, alloc: Allocation, nodeName: string, paths: BirdPaths): string {
  const me = topo.nodes.find((n) => n.name === nodeName)!;
  const blocks = alloc.nodes.find((n) => n.node === nodeName)!.blocks.map((b) => b.cidr);
  const localSubnet = subnetOf(topo, me.ip)!.cidr;
  const t = birdTimers(topo);
  const lines: string[] = [
    `# Generated by calilab for node ${nodeName} of lab ${topo.name}, after Calico's confd bird.cfg.`,
    `router id ${me.ip};`,
    `log "${paths.log}" { info, remote, warning, error, auth, fatal, bug };`,
    `timeformat protocol iso long;`,
    '',
    ...filterLines(topo.ipPools, blocks, localSubnet),
    '',
    ...protocolLines(t, blocks),
    '',
    ...templateLines(t, me.ip, topo.bgp.asNumber),
  ];
  if (topo.bgp.routeReflectors.includes(nodeName))
    lines.splice(2, 0, `# Route reflector, cluster id ${topo.bgp.clusterId}.`);
  for (const p of birdPeers(topo, nodeName)) lines.push(...peerLines(topo, nodeName, p));
  return lines.join('\n') + '\n';
}
