// Builds real packet bytes for decoder tests and benchmarks.
const ipBytes = (s: string) => s.split('.').map(Number);

function csum(b: Buffer): number {
  let sum = 0;
  for (let i = 0; i + 1 < b.length; i += 2) sum += b.readUInt16BE(i);
  if (b.length % 2) sum += b[b.length - 1] << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

export function ipv4(
  src: string,
  dst: string,
  proto: number,
  payload: Buffer,
  opts: { ttl?: number; id?: number; flags?: number; options?: Buffer } = {},
): Buffer {
  const optLen = opts.options?.length ?? 0;
  const h = Buffer.alloc(20 + optLen);
  h[0] = 0x40 | ((20 + optLen) / 4);
  h.writeUInt16BE(h.length + payload.length, 2);
  h.writeUInt16BE(opts.id ?? 1, 4);
  h.writeUInt16BE(opts.flags ?? 0x4000, 6);
  h[8] = opts.ttl ?? 64;
  h[9] = proto;
  h.set(ipBytes(src), 12);
  h.set(ipBytes(dst), 16);
  if (opts.options) opts.options.copy(h, 20);
  h.writeUInt16BE(csum(h), 10);
  return Buffer.concat([h, payload]);
}

export function icmpEcho(type: 8 | 0, id: number, seq: number, dataLen = 56): Buffer {
  const b = Buffer.alloc(8 + dataLen);
  b[0] = type;
  b.writeUInt16BE(id, 4);
  b.writeUInt16BE(seq, 6);
  b.writeUInt16BE(csum(b), 2);
  return b;
}

export function udp(sport: number, dport: number, payload: Buffer): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt16BE(sport, 0);
  b.writeUInt16BE(dport, 2);
  b.writeUInt16BE(8 + payload.length, 4);
  return Buffer.concat([b, payload]);
}

export function tcpSyn(sport: number, dport: number): Buffer {
  const b = Buffer.alloc(20);
  b.writeUInt16BE(sport, 0);
  b.writeUInt16BE(dport, 2);
  b.writeUInt32BE(1000, 4);
  b[12] = 5 << 4;
  b[13] = 0x02;
  return b;
}

export function ethernet(payload: Buffer, etherType = 0x0800): Buffer {
  const h = Buffer.alloc(14);
  h.set([0xee, 0xee, 0xee, 0xee, 0xee, 0xee], 0);
  h.set([0x02, 0, 0, 0, 0, 1], 6);
  h.writeUInt16BE(etherType, 12);
  return Buffer.concat([h, payload]);
}

export function sll2(payload: Buffer, ifindex: number, direction = 4): Buffer {
  const h = Buffer.alloc(20);
  h.writeUInt16BE(0x0800, 0);
  h.writeUInt32BE(ifindex, 4);
  h.writeUInt16BE(1, 8);
  h[10] = direction;
  h[11] = 6;
  return Buffer.concat([h, payload]);
}

export function sll(payload: Buffer, direction = 0): Buffer {
  const h = Buffer.alloc(16);
  h.writeUInt16BE(direction, 0);
  h.writeUInt16BE(768, 2); // ARPHRD_TUNNEL: as captured on tunl0
  h.writeUInt16BE(0, 4);
  h.writeUInt16BE(0x0800, 14);
  return Buffer.concat([h, payload]);
}

export function vxlan(vni: number, innerFrame: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h[0] = 0x08;
  h.writeUIntBE(vni, 4, 3);
  return Buffer.concat([h, innerFrame]);
}

/** Doc 000's IPIP request: 10.10.20.3 > 10.10.20.4 carrying 10.8.170.65 > 10.8.247.196. */
export const doc000Ipip = (seq = 1) =>
  ipv4('10.10.20.3', '10.10.20.4', 4, ipv4('10.8.170.65', '10.8.247.196', 1, icmpEcho(8, 5, seq)), { ttl: 63 });
