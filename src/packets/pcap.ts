// Classic pcap files: read with pcap-parser, checked by calilab. pcap-parser stops silently on
// a truncated file and waits forever on an absurd record length, so both are caught here; pcapng
// and nanosecond files are named as such rather than reported as "unknown magic".
import { closeSync, createReadStream, openSync, readSync, writeFileSync } from 'node:fs';
import pcapParser from 'pcap-parser';
import { decodeFrame, type Frame } from './decode.ts';

export class PcapError extends Error {}

export interface Packet {
  index: number;
  time: number; // seconds, microsecond precision
  capturedLength: number;
  originalLength: number;
  data: Buffer;
}

const MAX_RECORD = 262144;

function checkMagic(file: string): void {
  const fd = openSync(file, 'r');
  const head = Buffer.alloc(4);
  const n = readSync(fd, head, 0, 4, 0);
  closeSync(fd);
  if (n < 4) throw new PcapError(`${file}: too short to be a pcap file (${n} bytes)`);
  const magic = head.toString('hex');
  if (magic === '0a0d0d0a')
    throw new PcapError(
      `${file}: is pcapng; calilab reads classic pcap (tcpdump -w writes it; convert with: editcap -F pcap IN OUT)`,
    );
  if (magic === 'a1b23c4d' || magic === '4d3cb2a1')
    throw new PcapError(
      `${file}: nanosecond-resolution pcap is not supported; write microsecond pcap (tcpdump's default)`,
    );
  if (magic !== 'a1b2c3d4' && magic !== 'd4c3b2a1') throw new PcapError(`${file}: not a pcap file (magic ${magic})`);
}

/** Streams every record to `onPacket`; resolves with the link type and count. */
export function forEachPacket(
  file: string,
  onPacket: (p: Packet, linkType: number) => void,
): Promise<{ linkType: number; count: number }> {
  checkMagic(file);
  return new Promise((resolve, reject) => {
    const parser = pcapParser.parse(createReadStream(file, { highWaterMark: 1 << 20 }));
    let linkType = -1;
    let snaplen = MAX_RECORD;
    let count = 0;
    let pending: pcapParser.PacketHeader | undefined;
    let done = false;
    const fail = (msg: string) => {
      if (done) return;
      done = true;
      parser.stream.destroy();
      reject(new PcapError(`${file}: ${msg}`));
    };
    parser.on('globalHeader', (h: pcapParser.GlobalHeader) => {
      linkType = h.linkLayerType;
      snaplen = Math.max(h.snapshotLength || MAX_RECORD, 65535);
      if (h.majorVersion !== 2) fail(`unsupported pcap version ${h.majorVersion}.${h.minorVersion}`);
    });
    parser.on('packetHeader', (h: pcapParser.PacketHeader) => {
      if (h.capturedLength > Math.min(snaplen, MAX_RECORD) * 4 || h.capturedLength > MAX_RECORD) {
        fail(`record ${count + 1} claims ${h.capturedLength} captured bytes (corrupt header)`);
      } else if (h.timestampMicroseconds >= 1_000_000) {
        fail(`record ${count + 1} has ${h.timestampMicroseconds} microseconds (corrupt header, or nanosecond pcap)`);
      }
      pending = h;
    });
    parser.on('packet', (p: { header: pcapParser.PacketHeader; data: Buffer }) => {
      if (done) return;
      pending = undefined;
      count++;
      try {
        onPacket(
          {
            index: count,
            time: p.header.timestampSeconds + p.header.timestampMicroseconds / 1e6,
            capturedLength: p.header.capturedLength,
            originalLength: p.header.originalLength,
            data: p.data,
          },
          linkType,
        );
      } catch (e) {
        fail((e as Error).message);
      }
    });
    parser.on('error', (e: Error) => fail(e.message));
    parser.on('end', () => {
      if (done) return;
      done = true;
      if (linkType < 0) return reject(new PcapError(`${file}: truncated global header`));
      if (pending || (parser.buffer && parser.buffer.length > 0)) {
        return reject(new PcapError(`${file}: truncated after record ${count} (file cut short while being written?)`));
      }
      resolve({ linkType, count });
    });
  });
}

export interface DecodedPacket extends Packet {
  frame: Frame;
}

export async function readPcap(file: string): Promise<{ linkType: number; packets: DecodedPacket[] }> {
  const packets: DecodedPacket[] = [];
  const { linkType } = await forEachPacket(file, (p, lt) => packets.push({ ...p, frame: decodeFrame(lt, p.data) }));
  return { linkType, packets };
}

/** Writes a classic little-endian microsecond pcap (for tests and benchmarks). */
export function writePcap(file: string, linkType: number, packets: { time: number; data: Buffer }[]): void {
  const head = Buffer.alloc(24);
  head.writeUInt32LE(0xa1b2c3d4, 0);
  head.writeUInt16LE(2, 4);
  head.writeUInt16LE(4, 6);
  head.writeUInt32LE(262144, 16);
  head.writeUInt32LE(linkType, 20);
  const parts: Array<Uint8Array<ArrayBufferLike>> = [head];
  for (const p of packets) {
    const h = Buffer.alloc(16);
    h.writeUInt32LE(Math.floor(p.time), 0);
    h.writeUInt32LE(Math.round((p.time % 1) * 1e6) % 1_000_000, 4);
    h.writeUInt32LE(p.data.length, 8);
    h.writeUInt32LE(p.data.length, 12);
    parts.push(h, p.data);
  }
  writeFileSync(file, Buffer.concat(parts));
}
