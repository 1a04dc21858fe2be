// What Calico's Felix programs on each node besides BIRD's routes: the VXLAN device with its
// static ARP/FDB entries and routes, the WireGuard device with its peers and routing table, and
// the natOutgoing MASQUERADE rule. Pure: the kernel layer (kernel/felix.ts) applies it, first
// removing whatever an earlier mode left, so a live mode switch converges in place.
import { createHash } from 'node:crypto';
import { subnetOf } from '../../topology/query.ts';
import type { Allocation } from '../ipam/ipam.ts';
import type { Topology } from '../../topology/types.ts';
import { FELIX_PROTO, VXLAN, WIREGUARD } from './encap.ts';

export interface VxlanPeer {
  node: string;
  nodeIp: string;
  vtepIp: string;
  vtepMac: string;
  blocks: string[];
  /** CrossSubnet and a same-subnet peer: plain route via eth0. */
  direct: boolean;
}

export interface FelixNode {
  node: string;
  netns: string;
  vxlan?: { mtu: number; mac: string; address: string; local: string; peers: VxlanPeer[] };
  wireguard?: { mtu: number; address: string; peers: { node: string; endpoint: string; allowedIps: string[] }[] };
  natOutgoing?: { masqPools: string[]; allPools: string[] };
}

/** A stable, locally administered MAC per node (Felix picks one at random and stores it). */
export function vtepMac(node: string): string {
  const h = createHash('sha1').update(`vxlan:${node}`).digest();
  return ['66', ...[...h.subarray(0, 5)].map((b) => b.toString(16).padStart(2, '0'))].join(':');
}

export function felixPlan(topo: Topology, alloc: Allocation, netnsOf: (node: string) => string): FelixNode[] {
  const vxPool = topo.ipPools.find((p) => !p.disabled && p.vxlanMode !== 'Never');
  const masqPools = topo.ipPools.filter((p) => p.natOutgoing && !p.disabled).map((p) => p.cidr);
  return topo.nodes.map((n) => {
    const a = alloc.nodes.find((x) => x.node === n.name)!;
    const others = topo.nodes.filter((o) => o.name !== n.name);
    const fn: FelixNode = { node: n.name, netns: netnsOf(n.name) };
    if (vxPool) {
      fn.vxlan = {
        mtu: topo.underlay.mtu - VXLAN.overhead,
        mac: vtepMac(n.name),
        address: a.tunnelAddress,
        local: n.ip,
        peers: others.map((o) => {
          const oa = alloc.nodes.find((x) => x.node === o.name)!;
          return {
            node: o.name,
            nodeIp: o.ip,
            vtepIp: oa.tunnelAddress,
            vtepMac: vtepMac(o.name),
            blocks: oa.blocks.filter((b) => b.pool === vxPool.name).map((b) => b.cidr),
            direct: vxPool.vxlanMode === 'CrossSubnet' && subnetOf(topo, o.ip) === subnetOf(topo, n.ip),
          };
        }),
      };
    }
    if (topo.wireguard) {
      fn.wireguard = {
        mtu: topo.underlay.mtu - WIREGUARD.overhead,
        address: a.wireguardAddress!,
        peers: others.map((o) => {
          const oa = alloc.nodes.find((x) => x.node === o.name)!;
          const pods = alloc.pods.filter((p) => p.node === o.name).map((p) => `${p.ip}/32`);
          return {
            node: o.name,
            endpoint: `${o.ip}:${WIREGUARD.port}`,
            allowedIps: [...oa.blocks.map((b) => b.cidr), ...pods],
          };
        }),
      };
    }
    if (masqPools.length) fn.natOutgoing = { masqPools, allPools: topo.ipPools.map((p) => p.cidr) };
    return fn;
  });
}

/** ip -force -batch lines removing everything Felix may have made (missing objects are fine). */
export function felixCleanup(): string[] {
  return [
    `link del dev ${VXLAN.dev}`,
    `link del dev ${WIREGUARD.dev}`,
    `rule del priority ${WIREGUARD.rulePriority}`,
    `route flush table ${WIREGUARD.table}`,
    `route flush proto ${FELIX_PROTO}`,
  ];
}

/** ip -batch lines creating the desired state. */
export function felixCreate(f: FelixNode): string[] {
  const lines: string[] = [];
  if (f.vxlan) {
    const v = f.vxlan;
    lines.push(
      `link add name ${VXLAN.dev} type vxlan id ${VXLAN.vni} local ${v.local} dev eth0 ` +
        `dstport ${VXLAN.port} nolearning`,
      `link set dev ${VXLAN.dev} address ${v.mac} mtu ${v.mtu} up`,
      `address add ${v.address}/32 dev ${VXLAN.dev}`,
    );
    for (const p of v.peers) {
      if (p.direct) {
        for (const b of p.blocks) lines.push(`route replace ${b} via ${p.nodeIp} dev eth0 proto ${FELIX_PROTO}`);
      } else {
        lines.push(`neigh replace ${p.vtepIp} lladdr ${p.vtepMac} dev ${VXLAN.dev} nud permanent`);
        for (const b of p.blocks)
          lines.push(`route replace ${b} via ${p.vtepIp} dev ${VXLAN.dev} proto ${FELIX_PROTO} onlink`);
      }
    }
  }
  if (f.wireguard) {
    const w = f.wireguard;
    const mark = `${WIREGUARD.fwmark}/${WIREGUARD.fwmark}`;
    lines.push(
      `link add name ${WIREGUARD.dev} type wireguard`,
      `link set dev ${WIREGUARD.dev} mtu ${w.mtu} up`,
      `address add ${w.address}/32 dev ${WIREGUARD.dev}`,
      // Everything not already encrypted (unmarked) consults table 1 first: remote pods go to wireguard.cali.
      `rule add not fwmark ${mark} table ${WIREGUARD.table} priority ${WIREGUARD.rulePriority}`,
    );
    for (const p of w.peers)
      for (const ip of p.allowedIps)
        lines.push(`route add ${ip} dev ${WIREGUARD.dev} scope link table ${WIREGUARD.table}`);
  }
  return lines;
}

/** bridge(8) batch lines: where each remote VTEP MAC lives. */
export function felixFdb(f: FelixNode): string[] {
  return (f.vxlan?.peers ?? [])
    .filter((p) => !p.direct)
    .map((p) => `fdb replace ${p.vtepMac} dev ${VXLAN.dev} dst ${p.nodeIp} self permanent`);
}

/** nft(8) script: always replaces calilab's table, so switching natOutgoing off removes the rule. */
export function felixNft(f: FelixNode): string {
  const lines = ['table ip calico', 'delete table ip calico'];
  if (f.natOutgoing) {
    lines.push(
      'table ip calico {',
      `  set masq-ipam-pools { type ipv4_addr; flags interval; elements = { ${f.natOutgoing.masqPools.join(', ')} } }`,
      `  set all-ipam-pools { type ipv4_addr; flags interval; elements = { ${f.natOutgoing.allPools.join(', ')} } }`,
      '  chain nat-postrouting {',
      '    type nat hook postrouting priority srcnat; policy accept;',
      '    ip saddr @masq-ipam-pools ip daddr != @all-ipam-pools masquerade fully-random ' +
        'comment "cali:flqWnvo8yq4ULQLa"',
      '  }',
      '}',
    );
  }
  return lines.join('\n') + '\n';
}

/** wg(8) setconf text; the private key comes from the lab's state directory, never the plan. */
export function wireguardConf(
  privateKey: string,
  peers: { publicKey: string; endpoint: string; allowedIps: string[] }[],
): string {
  const lines = [
    '[Interface]',
    `PrivateKey = ${privateKey}`,
    `ListenPort = ${WIREGUARD.port}`,
    `FwMark = ${WIREGUARD.fwmark}`,
  ];
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
