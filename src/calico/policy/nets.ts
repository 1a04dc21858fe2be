// CIDRs in policy rules, either family. Calico's API accepts IPv6 nets too (the lab's pod network
// is IPv4, so they never match a probe), so this parses both as Go's net.ParseCIDR does and
// prints networks as Go's IPNet.String() does (RFC 5952 for IPv6).
import { isIP } from 'node:net';

export interface Net {
  family: 4 | 6;
  /** The address as written, as a number (host bits included). */
  address: bigint;
  prefix: number;
}

const BITS = { 4: 32, 6: 128 } as const;

function parseV6(s: string): bigint {
  let text = s;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    const n = parseV4(v4[1]);
    text = `${s.slice(0, v4.index)}${((n >> 16n) & 0xffffn).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(Number.parseInt(g, 16)), 0n);
}

function parseV4(s: string): bigint {
  return s.split('.').reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n);
}

/** net.ParseCIDR: "<ip>/<prefix>", the prefix in decimal within the family's bits; else undefined. */
export function parseNet(text: string): Net | undefined {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  const family = isIP(m[1]);
  if (family !== 4 && family !== 6) return undefined;
  if (family === 4 && !/^(\d{1,3}\.){3}\d{1,3}$/.test(m[1])) return undefined;
  const prefix = Number(m[2]);
  if (prefix > BITS[family]) return undefined;
  return { family, address: family === 4 ? parseV4(m[1]) : parseV6(m[1]), prefix };
}

function mask(n: Net): bigint {
  const bits = BigInt(BITS[n.family]);
  return ((1n << bits) - 1n) ^ ((1n << (bits - BigInt(n.prefix))) - 1n);
}

export const networkOf = (n: Net): bigint => n.address & mask(n);
export const isMasked = (n: Net): boolean => networkOf(n) === n.address;

function formatV4(a: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((a >> s) & 0xffn)).join('.');
}

/** RFC 5952 as Go prints it: the first longest run of two or more zero groups becomes "::". */
function formatV6(a: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => Number((a >> BigInt(112 - 16 * i)) & 0xffffn));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = (gs: number[]) => gs.map((g) => g.toString(16)).join(':');
  if (best < 0) return hex(groups);
  return `${hex(groups.slice(0, best))}::${hex(groups.slice(best + bestLen))}`;
}

/** IPNet.String() of the network (host bits cleared), e.g. "10.0.0.0/24" or "fd00::/64". */
export function formatNetwork(n: Net): string {
  const a = networkOf(n);
  return `${n.family === 4 ? formatV4(a) : formatV6(a)}/${n.prefix}`;
}

/** Whether IPv4 address `ip` (dotted) lies in `n`; IPv6 nets never hold an IPv4 address. */
export function netContains(n: Net, ip: string): boolean {
  if (n.family !== 4) return false;
  return (parseV4(ip) & mask(n)) === networkOf(n);
}

/** Whether `inner` lies wholly inside `outer` and is smaller (Kubernetes' ipBlock.except rule). */
export function strictlyInside(inner: Net, outer: Net): boolean {
  if (inner.family !== outer.family || inner.prefix <= outer.prefix) return false;
  return (networkOf(inner) & mask(outer)) === networkOf(outer);
}
