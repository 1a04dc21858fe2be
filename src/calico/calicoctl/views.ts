// calicoctl's views of a running lab, in calicoctl's formats: the bordered tables of
// `node status` and `ipam show`, the plain columns of `get wep|nodes|bgppeers`.
import { birdPeers } from '../confd/bird-config.ts';
import type { ProtocolRow } from '../../kernel/bird-socket.ts';
import { size, parseCidr } from '../../net/ipv4.ts';
import type { LabRecord } from '../../lab/state.ts';

/** calicoctl's bordered table: centred headers, left-aligned cells, one space of padding. */
export function boxTable(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)) + 2);
  const rule = '+' + widths.map((w) => '-'.repeat(w)).join('+') + '+';
  const centre = (s: string, w: number) => {
    const left = Math.floor((w - s.length) / 2);
    return ' '.repeat(left) + s + ' '.repeat(w - s.length - left);
  };
  const line = (r: string[], head: boolean) =>
    '|' + r.map((c, i) => (head ? centre(c, widths[i]) : ` ${c.padEnd(widths[i] - 1)}`)).join('|') + '|';
  return [rule, line(rows[0], true), rule, ...rows.slice(1).map((r) => line(r, false)), rule].join('\n') + '\n';
}

export interface PeerStatus {
  peerAddress: string;
  peerType: string;
  state: string;
  since: string;
  info: string;
}

export function nodeStatus(rec: LabRecord, node: string, sessions: ProtocolRow[]): PeerStatus[] {
  return birdPeers(rec.topology, node).map((p) => {
    const s = sessions.find((x) => x.name === p.protocol);
    return {
      peerAddress: p.ip,
      peerType: p.type,
      state: s?.state ?? 'down',
      since: s?.since.split(' ').pop() ?? '',
      info: s?.info.split(/\s{2,}/)[0] ?? 'BIRD not running',
    };
  });
}

export function renderNodeStatus(alive: boolean, peers: PeerStatus[]): string {
  if (!alive) return 'Calico process is not running.\n';
  const table = boxTable([
    ['PEER ADDRESS', 'PEER TYPE', 'STATE', 'SINCE', 'INFO'],
    ...peers.map((p) => [p.peerAddress, p.peerType, p.state, p.since, p.info]),
  ]);
  return `Calico process is running.\n\nIPv4 BGP status\n${table}\nIPv6 BGP status\nNo IPv6 peers found.\n`;
}

const pct = (n: number, total: number) => `${n} (${Math.round((n / total) * 100)}%)`;

export function ipamRows(rec: LabRecord, showBlocks: boolean): string[][] {
  // In use = the blocks' allocations (pods and tunnel addresses), as calicoctl counts them.
  const blocks = rec.plan.allocation.blocks;
  const used = (b: { allocations: Record<number, string> }) => Object.keys(b.allocations).length;
  const rows = [['GROUPING', 'CIDR', 'IPS TOTAL', 'IPS IN USE', 'IPS FREE']];
  for (const p of rec.topology.ipPools) {
    const total = size(parseCidr(p.cidr));
    const mine = blocks.filter((b) => b.pool === p.name);
    const u = mine.reduce((n, b) => n + used(b), 0);
    rows.push(['IP Pool', p.cidr, String(total), pct(u, total), pct(total - u, total)]);
    if (showBlocks) {
      for (const b of mine) {
        const bt = size(parseCidr(b.cidr));
        rows.push(['Block', b.cidr, String(bt), pct(used(b), bt), pct(bt - used(b), bt)]);
      }
    }
  }
  return rows;
}

export function wepRows(rec: LabRecord): string[][] {
  return [
    ['WORKLOAD', 'NODE', 'NETWORKS', 'INTERFACE'],
    ...rec.plan.workloads.map((w) => [w.pod, w.node, `${w.ip}/32`, w.interface]),
  ];
}

export function nodeRows(rec: LabRecord, wide: boolean): string[][] {
  if (!wide) return [['NAME'], ...rec.plan.nodes.map((n) => [n.name])];
  return [
    ['NAME', 'ASN', 'IPV4', 'IPV6'],
    ...rec.plan.nodes.map((n) => [n.name, `(${rec.topology.bgp.asNumber})`, `${n.ip}/${n.subnet.split('/')[1]}`, '']),
  ];
}

export function bgpPeerRows(rec: LabRecord): string[][] {
  return [
    ['NAME', 'PEERIP', 'NODE', 'ASN'],
    ...rec.topology.bgp.peers.map((p) => [p.name, p.ip, '(global)', String(p.asNumber)]),
  ];
}

export function ippoolRows(rec: LabRecord, wide: boolean): string[][] {
  const pools = rec.topology.ipPools;
  return wide
    ? [
        ['NAME', 'CIDR', 'NAT', 'IPIPMODE', 'VXLANMODE', 'DISABLED', 'DISABLEBGPEXPORT', 'SELECTOR'],
        ...pools.map((p) => [
          p.name,
          p.cidr,
          String(p.natOutgoing),
          p.ipipMode,
          p.vxlanMode,
          String(p.disabled),
          'false',
          'all()',
        ]),
      ]
    : [['NAME', 'CIDR', 'SELECTOR'], ...pools.map((p) => [p.name, p.cidr, 'all()'])];
}
