// calicoctl's views of a running lab, in calicoctl's formats: the bordered tables of
// `node status` and `ipam show` (olekukonko/tablewriter, see tablewriter.ts), the plain columns of
// `get wep|nodes|bgppeers` (text/tabwriter).
import { birdPeers } from '../confd/bird-config.ts';
import type { ProtocolRow } from '../../kernel/bird-socket.ts';
import { type IpamBlock, podHandle } from '../ipam/ipam.ts';
import { TUNNEL_ATTRIBUTE, TUNNEL_KINDS, tunnelHandle } from '../ipam/tunnels.ts';
import { formatIp, overlaps, parseCidr, size } from '../../net/ipv4.ts';
import type { LabRecord } from '../../lab/state.ts';
import { goFormatF, goFormatG } from '../../util/gofmt.ts';
import { cidrToName } from './resources.ts';
import { renderTablewriter } from './tablewriter.ts';

/** calicoctl's bordered table (commands/node/status.go:340-341, commands/ipam/show.go:181-182, v3.28.1):
 *  tablewriter v0.0.5 with its defaults; rows[0] is the header. */
export function boxTable(rows: string[][]): string {
  return renderTablewriter(rows[0], rows.slice(1));
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

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The blocks as calicoctl reads them (bc.List(BlockListOptions)): on KDD in resource-name order
 *  (cidrToName, libcalico-go/lib/names/cidr.go:26-29 CIDRToName),
 *  so 172.16.116.0/24 comes before 172.16.34.0/24. */
function blocksInListOrder(rec: LabRecord): IpamBlock[] {
  return [...rec.plan.allocation.blocks].sort((a, b) => cmp(cidrToName(a.cidr), cidrToName(b.cidr)));
}

/** calicoctl/calicoctl/commands/ipam/show.go:183-194 genRow: `%.5g` counts, `%.f` percentages. */
export function utilizationRow(kind: string, cidr: string, inUse: number, capacity: number): string[] {
  const withPercent = (n: number) => `${goFormatG(n, 5)} (${goFormatF((100 * n) / capacity, 0)}%)`;
  return [kind, cidr, goFormatG(capacity, 5), withPercent(inUse), withPercent(capacity - inUse)];
}

/**
 * `calicoctl ipam show [--show-blocks]` rows (show.go:176-216). Pools in IPPools().List order (by
 * name on KDD), then libcalico-go's 0.0.0.0/0 pseudo-pool of orphaned blocks, which gets no row of
 * its own (show.go:204); each block goes to the first that overlaps it (lib/ipam/ipam.go:2031-2085,
 * GetUtilization). In use = capacity - free ordinals (show.go:199): pods and tunnel addresses.
 */
export function ipamRows(rec: LabRecord, showBlocks: boolean): string[][] {
  const rows = [['GROUPING', 'CIDR', 'IPS TOTAL', 'IPS IN USE', 'IPS FREE']];
  const pools = [...rec.topology.ipPools].sort((a, b) => cmp(a.name, b.name));
  const groups = [...pools.map((p) => p.cidr), '0.0.0.0/0'].map((cidr) => ({ cidr, blocks: [] as IpamBlock[] }));
  for (const b of blocksInListOrder(rec))
    groups.find((g) => overlaps(parseCidr(g.cidr), parseCidr(b.cidr)))!.blocks.push(b);
  const used = (b: IpamBlock) => size(parseCidr(b.cidr)) - b.unallocated.length;
  for (const g of groups) {
    const inUse = g.blocks.reduce((n, b) => n + used(b), 0);
    if (parseCidr(g.cidr).prefix > 0) rows.push(utilizationRow('IP Pool', g.cidr, inUse, size(parseCidr(g.cidr))));
    if (showBlocks)
      rows.push(...g.blocks.map((b) => utilizationRow('Block', b.cidr, used(b), size(parseCidr(b.cidr)))));
  }
  return rows;
}

/** The attributes Calico keeps with an allocation (libcalico-go/lib/backend/model/block.go:32-41):
 *  the node that assigned it and either the pod (CNI plugin) or the type (calico-node's tunnels). */
function allocationOwner(rec: LabRecord, handle: string): { node: string; type: string; to: string } | undefined {
  const pod = rec.plan.allocation.pods.find((p) => podHandle(p.namespace, p.name) === handle);
  if (pod) return { node: pod.node, type: 'pod', to: `${pod.namespace}/${pod.name}` };
  for (const n of rec.topology.nodes)
    for (const kind of TUNNEL_KINDS)
      if (tunnelHandle(kind, n.name) === handle) return { node: n.name, type: TUNNEL_ATTRIBUTE[kind], to: '' };
  return undefined;
}

/** show.go:46-110 getBorrowedIPs: allocations whose node is not the block's affinity node, block by
 *  block in list order, ordinal by ordinal; and how many have no node to tell. */
function borrowedIps(rec: LabRecord): { rows: string[][]; unclassified: number } {
  const rows: string[][] = [];
  let unclassified = 0;
  for (const b of blocksInListOrder(rec)) {
    const network = parseCidr(b.cidr).network;
    const ordinals = Object.keys(b.allocations)
      .map(Number)
      .sort((x, y) => x - y);
    for (const i of ordinals) {
      const owner = allocationOwner(rec, b.allocations[i]);
      if (!owner) unclassified++;
      else if (owner.node !== b.node)
        rows.push([formatIp(network + i), owner.node, b.cidr, b.node, owner.type, owner.to]);
    }
  }
  return { rows, unclassified };
}

/** `calicoctl ipam show --show-borrowed` rows (show.go:112-146). calilab assigns every address from
 *  its own node's blocks, so there are none unless a lab's history says otherwise. */
export function ipamBorrowedRows(rec: LabRecord): string[][] {
  return [['IP', 'BORROWING-NODE', 'BLOCK', 'BLOCK OWNER', 'TYPE', 'ALLOCATED-TO'], ...borrowedIps(rec).rows];
}

/** `calicoctl ipam show --show-configuration` rows (show.go:218-244): every ipam.IPAMConfig field
 *  (lib/ipam/ipam_types.go:94-107) with `%#v`. calilab keeps Calico's defaults. */
export function ipamConfigurationRows(): string[][] {
  return [
    ['PROPERTY', 'VALUE'],
    ['StrictAffinity', 'false'],
    ['AutoAllocateBlocks', 'true'],
    ['MaxBlocksPerHost', '0'],
  ];
}

export type IpamShowMode = 'pools' | 'blocks' | 'borrowed' | 'configuration';

/** What `calicoctl ipam show [--show-blocks | --show-borrowed | --show-configuration]` prints. */
export function renderIpamShow(rec: LabRecord, mode: IpamShowMode): string {
  if (mode === 'configuration') return boxTable(ipamConfigurationRows());
  if (mode !== 'borrowed') return boxTable(ipamRows(rec, mode === 'blocks'));
  const { unclassified } = borrowedIps(rec);
  const note = unclassified
    ? `\nNote: found ${unclassified} IP allocations without an explicit node association. ` +
      'Unable to determine if they are borrowed.\n'
    : '';
  return boxTable(ipamBorrowedRows(rec)) + note;
}

export function wepRows(rec: LabRecord): string[][] {
  return [
    ['WORKLOAD', 'NODE', 'NETWORKS', 'INTERFACE'],
    ...rec.plan.workloads.map((w) => [w.pod, w.node, `${w.ip}/32`, w.interface]),
  ];
}
