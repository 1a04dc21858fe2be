// calilab's own packet decoders: link layers Ethernet (1), Linux SLL (113) and SLL2 (276),
// then ARP, IPv4 (checksum, options, fragments), IPIP (nested), ICMP, UDP, TCP, VXLAN and
// WireGuard. Every read is bounds-checked: a short or corrupt packet decodes as far as its
// bytes go and says where it stopped; nothing here throws on input.

export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_LINUX_SLL2 = 276;

export interface Icmp {
  kind: 'icmp';
  type: number;
  code: number;
  id?: number;
  seq?: number;
  /** Next-hop MTU of a "fragmentation needed" error. */
  mtu?: number;
  /** The offending datagram quoted by an ICMP error. */
  quoted?: Ipv4;
  length: number;
}

export interface Udp {
  kind: 'udp';
  sport: number;
  dport: number;
  length: number;
  vxlan?: { flags: number; vni: number; inner?: Frame };
  wireguard?: { type: number; name: string };
}

export interface Tcp {
  kind: 'tcp';
  sport: number;
  dport: number;
  seq: number;
  ack: number;
  flags: string; // tcpdump style: S, ., P, F, R
  length: number;
}

export interface Ipv4 {
  kind: 'ipv4';
  src: string;
  dst: string;
  proto: number;
  ttl: number;
  id: number;
  totalLength: number;
  headerLength: number;
  checksumOk: boolean;
  options: number; // bytes of IP options
  df: boolean;
  mf: boolean;
  fragmentOffset: number;
  payload?: Icmp | Udp | Tcp | Ipv4 | { kind: 'other'; proto: number; length: number };
}

export interface Arp {
  kind: 'arp';
  op: number;
  senderMac: string;
  senderIp: string;
  targetIp: string;
}

export interface Frame {
  linkType: number;
  /** SLL/SLL2: packet direction ("In", "Out", …); SLL2 also the interface index. */
  direction?: string;
  ifindex?: number;
  srcMac?: string;
  dstMac?: string;
  etherType?: number;
  network?: Ipv4 | Arp | { kind: 'other'; etherType: number };
  /** Set when the bytes ran out or a header was corrupt: where decoding stopped. */
  problem?: string;
}

const SLL_DIRECTIONS = ['In', 'B', 'M', 'P', 'Out'];

const mac = (b: Buffer, o: number) => [...b.subarray(o, o + 6)].map((x) => x.toString(16).padStart(2, '0')).join(':');
const ip4 = (b: Buffer, o: number) => `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;

export function decodeFrame(linkType: number, data: Buffer): Frame {
  const f: Frame = { linkType };
  let off = 0;
  if (linkType === LINKTYPE_ETHERNET) {
    if (data.length < 14) return { ...f, problem: 'truncated Ethernet header' };
    f.dstMac = mac(data, 0);
    f.srcMac = mac(data, 6);
    f.etherType = data.readUInt16BE(12);
    off = 14;
    while ((f.etherType === 0x8100 || f.etherType === 0x88a8) && data.length >= off + 4) {
      f.etherType = data.readUInt16BE(off + 2);
      off += 4;
    }
  } else if (linkType === LINKTYPE_LINUX_SLL) {
    if (data.length < 16) return { ...f, problem: 'truncated SLL header' };
    f.direction = SLL_DIRECTIONS[data.readUInt16BE(0)] ?? `type-${data.readUInt16BE(0)}`;
    if (data.readUInt16BE(4) === 6) f.srcMac = mac(data, 6);
    f.etherType = data.readUInt16BE(14);
    off = 16;
  } else if (linkType === LINKTYPE_LINUX_SLL2) {
    if (data.length < 20) return { ...f, problem: 'truncated SLL2 header' };
    f.etherType = data.readUInt16BE(0);
    f.ifindex = data.readUInt32BE(4);
    f.direction = SLL_DIRECTIONS[data[10]] ?? `type-${data[10]}`;
    if (data[11] === 6) f.srcMac = mac(data, 12);
    off = 20;
  } else if (linkType === LINKTYPE_RAW) {
    f.etherType = 0x0800;
  } else {
    return { ...f, problem: `unsupported link type ${linkType}` };
  }
  const rest = data.subarray(off);
  if (f.etherType === 0x0800) {
    const r = decodeIpv4(rest);
    f.network = r.ip;
    if (r.problem) f.problem = r.problem;
  } else if (f.etherType === 0x0806) {
    if (rest.length < 28) f.problem = 'truncated ARP';
    else
      f.network = {
        kind: 'arp',
        op: rest.readUInt16BE(6),
        senderMac: mac(rest, 8),
        senderIp: ip4(rest, 14),
        targetIp: ip4(rest, 24),
      };
  } else if (f.etherType !== undefined) {
    f.network = { kind: 'other', etherType: f.etherType };
  }
  return f;
}

function checksum(b: Buffer, start: number, end: number): number {
  let sum = 0;
  for (let i = start; i + 1 < end; i += 2) sum += (b[i] << 8) | b[i + 1];
  if ((end - start) % 2) sum += b[end - 1] << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

export function decodeIpv4(b: Buffer, depth = 0): { ip?: Ipv4; problem?: string } {
  if (b.length < 20) return { problem: 'truncated IPv4 header' };
  if (b[0] >> 4 !== 4) return { problem: `not IPv4 (version ${b[0] >> 4})` };
  const ihl = (b[0] & 15) * 4;
  if (ihl < 20) return { problem: `corrupt IPv4 header length ${ihl}` };
  if (b.length < ihl) return { problem: 'truncated IPv4 options' };
  const flags = b.readUInt16BE(6);
  const ip: Ipv4 = {
    kind: 'ipv4',
    src: ip4(b, 12),
    dst: ip4(b, 16),
    proto: b[9],
    ttl: b[8],
    id: b.readUInt16BE(4),
    totalLength: b.readUInt16BE(2),
    headerLength: ihl,
    checksumOk: checksum(b, 0, ihl) === 0,
    options: ihl - 20,
    df: (flags & 0x4000) !== 0,
    mf: (flags & 0x2000) !== 0,
    fragmentOffset: (flags & 0x1fff) * 8,
  };
  if (ip.totalLength < ihl) return { ip, problem: `corrupt IPv4 total length ${ip.totalLength}` };
  if (ip.fragmentOffset > 0) return { ip }; // a later fragment carries no transport header
  const end = Math.min(b.length, ip.totalLength);
  const body = b.subarray(ihl, end);
  const length = ip.totalLength - ihl;
  const problem = b.length < ip.totalLength ? 'packet shorter than its IPv4 total length (snaplen?)' : undefined;
  const r = decodeTransport(ip.proto, body, length, depth);
  ip.payload = r.payload;
  return { ip, problem: r.problem ?? problem };
}

function decodeTransport(
  proto: number,
  b: Buffer,
  length: number,
  depth: number,
): { payload: Ipv4['payload']; problem?: string } {
  if (proto === 4) {
    if (depth >= 4) return { payload: { kind: 'other', proto, length }, problem: 'IPIP nested too deep' };
    const inner = decodeIpv4(b, depth + 1);
    return { payload: inner.ip ?? { kind: 'other', proto, length }, problem: inner.problem };
  }
  if (proto === 1) {
    if (b.length < 8) return { payload: { kind: 'other', proto, length }, problem: 'truncated ICMP header' };
    const icmp: Icmp = { kind: 'icmp', type: b[0], code: b[1], length };
    if (icmp.type === 0 || icmp.type === 8) {
      icmp.id = b.readUInt16BE(4);
      icmp.seq = b.readUInt16BE(6);
    } else if (icmp.type === 3 || icmp.type === 11) {
      if (icmp.type === 3 && icmp.code === 4) icmp.mtu = b.readUInt16BE(6);
      if (depth < 4) icmp.quoted = decodeIpv4(b.subarray(8), 4).ip;
    }
    return { payload: icmp };
  }
  if (proto === 17) {
    if (b.length < 8) return { payload: { kind: 'other', proto, length }, problem: 'truncated UDP header' };
    const udp: Udp = { kind: 'udp', sport: b.readUInt16BE(0), dport: b.readUInt16BE(2), length: b.readUInt16BE(4) - 8 };
    const data = b.subarray(8);
    if ((udp.dport === 4789 || udp.sport === 4789) && data.length >= 8) {
      udp.vxlan = { flags: data[0], vni: data.readUIntBE(4, 3) };
      if (depth < 4 && data.length >= 8 + 14) {
        const inner = decodeFrame(LINKTYPE_ETHERNET, data.subarray(8));
        udp.vxlan.inner = inner;
      }
    } else if ((udp.dport === 51820 || udp.sport === 51820) && data.length >= 4) {
      const type = data[0];
      const names = ['', 'handshake initiation', 'handshake response', 'cookie reply', 'transport data'];
      udp.wireguard = { type, name: names[type] ?? `type ${type}` };
    }
    return { payload: udp };
  }
  if (proto === 6) {
    if (b.length < 20) return { payload: { kind: 'other', proto, length }, problem: 'truncated TCP header' };
    const fl = b[13];
    const flags = [
      [2, 'S'],
      [1, 'F'],
      [4, 'R'],
      [8, 'P'],
      [16, '.'],
      [32, 'U'],
    ]
      .filter(([bit]) => fl & (bit as number))
      .map(([, c]) => c)
      .join('');
    const dataOffset = (b[12] >> 4) * 4;
    return {
      payload: {
        kind: 'tcp',
        sport: b.readUInt16BE(0),
        dport: b.readUInt16BE(2),
        seq: b.readUInt32BE(4),
        ack: b.readUInt32BE(8),
        flags: flags || 'none',
        length: Math.max(0, length - dataOffset),
      },
    };
  }
  return { payload: { kind: 'other', proto, length } };
}

/** The innermost IPv4 header: through IPIP and VXLAN. */
export function innermost(ip: Ipv4): Ipv4 {
  let cur = ip;
  for (let i = 0; i < 8; i++) {
    const p = cur.payload;
    if (p?.kind === 'ipv4') cur = p;
    else if (p?.kind === 'udp' && p.vxlan?.inner?.network?.kind === 'ipv4') cur = p.vxlan.inner.network;
    else break;
  }
  return cur;
}

export type Encapsulation = 'none' | 'ipip' | 'vxlan' | 'wireguard';

export function encapsulationOf(ip: Ipv4): Encapsulation {
  const p = ip.payload;
  if (p?.kind === 'ipv4') return 'ipip';
  if (p?.kind === 'udp' && p.vxlan) return 'vxlan';
  if (p?.kind === 'udp' && p.wireguard) return 'wireguard';
  return 'none';
}
