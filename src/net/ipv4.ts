// IPv4 address and CIDR arithmetic. ip-num does the parsing and validation; the hot paths
// (IPAM over thousands of pods) then work on plain 32-bit numbers.
import { IPv4, IPv4CidrRange, Validator } from 'ip-num';

export interface Cidr {
  network: number; // unsigned 32-bit
  prefix: number;
}

export function isIPv4(s: string): boolean {
  return typeof s === 'string' && Validator.isValidIPv4String(s)[0] && /^\d+\.\d+\.\d+\.\d+$/.test(s);
}

/** Why `s` is not an aligned IPv4 CIDR, or undefined when it is one. */
export function cidrProblem(s: unknown): string | undefined {
  if (typeof s !== 'string' || !/^\d+\.\d+\.\d+\.\d+\/\d+$/.test(s)) return 'is not an IPv4 CIDR like 10.8.0.0/16';
  if (!Validator.isValidIPv4CidrNotation(s)[0]) return 'is not a valid IPv4 CIDR';
  if (!Validator.isValidIPv4CidrRange(s)[0]) {
    const r = IPv4CidrRange.fromCidr(s);
    return `has host bits set (the network is ${r.getFirst().toString()}/${s.split('/')[1]})`;
  }
  return undefined;
}

export function parseIp(s: string): number {
  return Number(IPv4.fromDecimalDottedString(s).value);
}

export function formatIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function parseCidr(s: string): Cidr {
  const [ip, prefix] = s.split('/');
  return { network: parseIp(ip), prefix: Number(prefix) };
}

export function formatCidr(c: Cidr): string {
  return `${formatIp(c.network)}/${c.prefix}`;
}

export function size(c: Cidr): number {
  return 2 ** (32 - c.prefix);
}

export function lastAddress(c: Cidr): number {
  return c.network + size(c) - 1;
}

export function contains(c: Cidr, ip: number): boolean {
  return ip >= c.network && ip <= lastAddress(c);
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.network <= lastAddress(b) && b.network <= lastAddress(a);
}

export function inside(inner: Cidr, outer: Cidr): boolean {
  return inner.prefix >= outer.prefix && contains(outer, inner.network);
}

export function netmask(prefix: number): string {
  return formatIp(prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);
}

/** The enclosing network of `ip` with `prefix` bits. */
export function networkOf(ip: number, prefix: number): number {
  return prefix === 0 ? 0 : (ip & (0xffffffff << (32 - prefix))) >>> 0;
}

export function isTestNet(ip: number): boolean {
  return ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24'].some((c) => contains(parseCidr(c), ip));
}
