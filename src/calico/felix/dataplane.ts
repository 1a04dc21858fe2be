// What Calico's Felix programs on each node besides BIRD's routes: tunl0's address, the VXLAN
// device with its static ARP/FDB entries, routes and the local blocks' blackholes, the WireGuard
// device with its peers and routing table. natOutgoing's MASQUERADE is the policy plane's
// (policy-plane.ts: nat cali-nat-outgoing, as Felix's iptables renderer writes it). Pure: the kernel
// layer (kernel/felix.ts) applies it, first removing whatever an earlier mode left, so a live
// mode switch converges in place. Source lines are projectcalico/calico v3.30.7.
import { createHash } from 'node:crypto';
import { subnetOf } from '../../topology/query.ts';
import type { Allocation, NodeAllocation } from '../ipam/ipam.ts';
import type { Topology } from '../../topology/types.ts';
import { traitsOf } from '../versions.ts';
import { FELIX_PROTO, TUNNEL_DEVICE, VXLAN, WIREGUARD } from './encap.ts';

export interface VxlanPeer {
  node: string;
  nodeIp: string;
  vtepIp: string;
  vtepMac: string;
  blocks: string[];
  /** CrossSubnet and a same-subnet peer: plain route via eth0. */
  direct: boolean;
}

export interface WireguardPeer {
  node: string;
  endpoint: string;
  allowedIps: string[];
}

export interface FelixNode {
  node: string;
  netns: string;
  /** tunl0's address, while an IPIP pool gives the node one (ipip_mgr.go, setLinkAddressV4). */
  ipip?: { address: string };
  /** `blackholes`: the node's own VXLAN blocks, which Felix (not BIRD) drops (vxlan_mgr.go:369-387). */
  vxlan?: { mtu: number; mac: string; address: string; local: string; peers: VxlanPeer[]; blackholes: string[] };
  wireguard?: { mtu: number; address: string; fwmark: string; localBlocks: string[]; peers: WireguardPeer[] };
}

/** The VTEP MAC Felix derives when the Node has none: "f" (0x66) and the first five bytes of the
 *  node name's SHA-1 (felix/calc/vxlan_resolver.go, vtepMACForHost). */
export function vtepMac(node: string): string {
  const h = createHash('sha1').update(node).digest();
  return ['66', ...[...h.subarray(0, 5)].map((b) => b.toString(16).padStart(2, '0'))].join(':');
}

/** The tunnel and interface addresses Felix lists for a peer besides its blocks: each as a /32
 *  even inside the block (wireguard_mgr.go:116-120, l3_route_resolver.go:535-549). */
const tunnelHosts = (a: NodeAllocation) =>
  [a.ipipTunnelAddress, a.vxlanTunnelAddress, a.wireguardAddress].filter((x) => x).map((x) => `${x}/32`);

function vxlanPart(topo: Topology, alloc: Allocation, n: Topology['nodes'][number]): FelixNode['vxlan'] {
  const vxPools = topo.ipPools.filter((p) => !p.disabled && p.vxlanMode !== 'Never');
  const a = alloc.nodes.find((x) => x.node === n.name)!;
  if (!vxPools.length || !a.vxlanTunnelAddress) return undefined;
  const inVxlan = (b: { pool: string }) => vxPools.some((p) => p.name === b.pool);
  return {
    mtu: topo.underlay.mtu - VXLAN.overhead,
    mac: vtepMac(n.name),
    address: a.vxlanTunnelAddress,
    local: n.ip,
    blackholes: a.blocks.filter(inVxlan).map((b) => b.cidr),
    peers: topo.nodes
      .filter((o) => o.name !== n.name)
      .map((o) => {
        const oa = alloc.nodes.find((x) => x.node === o.name)!;
        const blocks = oa.blocks.filter(inVxlan);
        // l3_route_resolver.go:866: SameSubnet = the pool is CrossSubnet and the node is on ours.
        const crossSubnet = blocks.some((b) => vxPools.find((p) => p.name === b.pool)!.vxlanMode === 'CrossSubnet');
        return {
          node: o.name,
          nodeIp: o.ip,
          vtepIp: oa.vxlanTunnelAddress ?? '',
          vtepMac: vtepMac(o.name),
          blocks: blocks.map((b) => b.cidr),
          direct: crossSubnet && subnetOf(topo, o.ip) === subnetOf(topo, n.ip),
        };
      })
      // No VTEP yet, no route (vxlan_mgr.go:530-552, tunneledRoute).
      .filter((p) => p.vtepIp || p.direct),
  };
}

function wireguardPart(topo: Topology, alloc: Allocation, n: Topology['nodes'][number]): FelixNode['wireguard'] {
  const a = alloc.nodes.find((x) => x.node === n.name)!;
  if (!topo.wireguard || !a.wireguardAddress) return undefined;
  return {
    mtu: topo.underlay.mtu - WIREGUARD.overhead,
    address: a.wireguardAddress,
    fwmark: traitsOf(topo.calicoVersion).wireguardFwmark,
    localBlocks: a.blocks.map((b) => b.cidr),
    peers: topo.nodes
      .filter((o) => o.name !== n.name)
      .map((o) => {
        const oa = alloc.nodes.find((x) => x.node === o.name)!;
        return {
          node: o.name,
          endpoint: `${o.ip}:${WIREGUARD.port}`,
          allowedIps: [...oa.blocks.map((b) => b.cidr), ...tunnelHosts(oa)],
        };
      }),
  };
}

export function felixPlan(topo: Topology, alloc: Allocation, netnsOf: (node: string) => string): FelixNode[] {
  return topo.nodes.map((n) => {
    const a = alloc.nodes.find((x) => x.node === n.name)!;
    const fn: FelixNode = { node: n.name, netns: netnsOf(n.name) };
    if (a.ipipTunnelAddress) fn.ipip = { address: a.ipipTunnelAddress };
    const vxlan = vxlanPart(topo, alloc, n);
    if (vxlan) fn.vxlan = vxlan;
    const wireguard = wireguardPart(topo, alloc, n);
    if (wireguard) fn.wireguard = wireguard;
    return fn;
  });
}

/** ip -force -batch lines removing everything Felix may have made (missing objects are fine). */
export function felixCleanup(): string[] {
  return [
    `address flush dev ${TUNNEL_DEVICE.ipip}`,
    `link del dev ${VXLAN.dev}`,
    `link del dev ${WIREGUARD.dev}`,
    `rule del priority ${WIREGUARD.rulePriority}`,
    `route flush table ${WIREGUARD.table}`,
    `route flush proto ${FELIX_PROTO}`,
  ];
}

/** ip -batch lines for the VXLAN device, its neighbours, routes and blackholes (vxlan_mgr.go). */
function vxlanLines(v: NonNullable<FelixNode['vxlan']>): string[] {
  const lines = [
    // configureVXLANDevice (682-783): VNI 4096, port 4789, parent = the node IP's device,
    // learning off, MTU underlay - 50, the VTEP address as a /32.
    `link add name ${VXLAN.dev} type vxlan id ${VXLAN.vni} local ${v.local} dev eth0 ` +
      `dstport ${VXLAN.port} nolearning`,
    `link set dev ${VXLAN.dev} address ${v.mac} mtu ${v.mtu} up`,
    `address add ${v.address}/32 dev ${VXLAN.dev}`,
  ];
  for (const p of v.peers) {
    if (p.direct) {
      // noEncapRoute (511-528): same subnet, via the node on the parent device, proto 80, onlink.
      for (const b of p.blocks) lines.push(`route replace ${b} via ${p.nodeIp} dev eth0 proto ${FELIX_PROTO} onlink`);
    } else {
      // vxlan_fdb.go:214-225: a permanent ARP entry for the remote VTEP.
      lines.push(`neigh replace ${p.vtepIp} lladdr ${p.vtepMac} dev ${VXLAN.dev} nud permanent`);
      // tunneledRoute (530-552): via the remote VTEP, onlink, no protocol of its own, so Felix's
      // DeviceRouteProtocol 3 (boot, which `ip route` does not print).
      for (const b of p.blocks) lines.push(`route replace ${b} via ${p.vtepIp} dev ${VXLAN.dev} proto boot onlink`);
    }
  }
  // blackholeRoutes (369-387): Felix drops the rest of its own VXLAN blocks, proto 80; BIRD's
  // calico_kernel_programming rejects every route of a VXLAN pool (bird_ipam.cfg.template:76-112).
  for (const b of v.blackholes) lines.push(`route replace blackhole ${b} proto ${FELIX_PROTO}`);
  return lines;
}

/** ip -batch lines for wireguard.cali, its routing rule and table (felix/wireguard/wireguard.go). */
function wireguardLines(w: NonNullable<FelixNode['wireguard']>): string[] {
  const mark = `${w.fwmark}/${w.fwmark}`;
  const lines = [
    `link add name ${WIREGUARD.dev} type wireguard`,
    `link set dev ${WIREGUARD.dev} mtu ${w.mtu} up`,
    `address add ${w.address}/32 dev ${WIREGUARD.dev}`,
    // Everything not already encrypted (unmarked) consults table 1 first: remote pods go to wireguard.cali.
    `rule add not fwmark ${mark} table ${WIREGUARD.table} priority ${WIREGUARD.rulePriority}`,
  ];
  for (const p of w.peers)
    for (const ip of p.allowedIps)
      lines.push(`route add ${ip} dev ${WIREGUARD.dev} scope link table ${WIREGUARD.table}`);
  // The node's own blocks are thrown back to the main table (their /32 routes to cali devices).
  for (const b of w.localBlocks) lines.push(`route add throw ${b} table ${WIREGUARD.table}`);
  return lines;
}

/** ip -batch lines creating the desired state. */
export function felixCreate(f: FelixNode): string[] {
  const lines: string[] = [];
  // setLinkAddressV4 (ipip_mgr.go:159-209): tunl0 keeps only the tunnel address, as a /32.
  if (f.ipip) lines.push(`address add ${f.ipip.address}/32 dev ${TUNNEL_DEVICE.ipip}`);
  if (f.vxlan) lines.push(...vxlanLines(f.vxlan));
  if (f.wireguard) lines.push(...wireguardLines(f.wireguard));
  return lines;
}

/** bridge(8) batch lines: where each remote VTEP MAC lives. */
export function felixFdb(f: FelixNode): string[] {
  return (f.vxlan?.peers ?? [])
    .filter((p) => !p.direct)
    .map((p) => `fdb replace ${p.vtepMac} dev ${VXLAN.dev} dst ${p.nodeIp} self permanent`);
}

/** wg(8) setconf text; the private key comes from the lab's state directory, never the plan. */
export function wireguardConf(
  privateKey: string,
  fwmark: string,
  peers: { publicKey: string; endpoint: string; allowedIps: string[] }[],
): string {
  const lines = ['[Interface]', `PrivateKey = ${privateKey}`, `ListenPort = ${WIREGUARD.port}`, `FwMark = ${fwmark}`];
  for (const p of peers)
    lines.push(
      '',
      '[Peer]',
      `PublicKey = ${p.publicKey}`,
      `AllowedIPs = ${p.allowedIps.join(', ')}`,
      `Endpoint = ${p.endpoint}`,
    );
  return lines.join('\n') + '\n';
}
