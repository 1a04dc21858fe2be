// Calico's rule ports: a number, a range "a:b" or a named port (api/pkg/lib/numorstring/port.go
// PortFromString, MarshalJSON), and the protocols that carry ports (protocol.go SupportsPorts).
import type { Port, Protocol } from './types.ts';

export type PortRange = { min: number; max: number } | { name: string };

/** k8s.io/apimachinery validation.IsValidPortName (IANA_SVC_NAME), which Calico's validator
 *  (validatePortName) and Kubernetes both apply to named ports. */
export function isValidPortName(s: string): boolean {
  return s.length >= 1 && s.length <= 15 && /^[a-z0-9]+(-[a-z0-9]+)*$/.test(s) && /[a-z]/.test(s);
}

/** Why `p` is not a Calico port, or undefined. port.go PortFromString plus validatePort
 *  (validator.go): ports are 1-65535 and a range runs low to high. */
export function portProblem(p: unknown): string | undefined {
  if (typeof p === 'number') return Number.isInteger(p) && p >= 1 && p <= 65535 ? undefined : 'out of range';
  if (typeof p !== 'string') return 'not a number or a string';
  const range = /^(\d+):(\d+)$/.exec(p);
  if (/^\d+$/.test(p) || range) {
    const [lo, hi] = range ? [Number(range[1]), Number(range[2])] : [Number(p), Number(p)];
    if (lo < 1 || hi < 1 || lo > 65535 || hi > 65535) return 'out of range';
    return lo > hi ? 'a range from high to low' : undefined;
  }
  return isValidPortName(p) ? undefined : 'not a valid port name';
}

/** port.go PortFromString alone (the validator's 1-65535 check is portProblem's): digits as a
 *  16-bit port, "a:b" as a low-to-high range, else a name of [a-zA-Z0-9_.-]{1,128}. */
export function portFromString(s: string): Port | undefined {
  const range = /^(\d+):(\d+)$/.exec(s);
  if (/^\d+$/.test(s)) return Number(s) <= 65535 ? Number(s) : undefined;
  if (range) {
    const [lo, hi] = [Number(range[1]), Number(range[2])];
    return lo <= 65535 && hi <= 65535 && lo <= hi ? portValue({ min: lo, max: hi }) : undefined;
  }
  return /^[a-zA-Z0-9_.-]{1,128}$/.test(s) ? s : undefined;
}

/** The model's Port (already valid) as a range or a name. */
export function portRange(p: Port): PortRange {
  if (typeof p === 'number') return { min: p, max: p };
  const m = /^(\d+)(?::(\d+))?$/.exec(p);
  if (!m) return { name: p };
  return { min: Number(m[1]), max: Number(m[2] ?? m[1]) };
}

/** Port.MarshalJSON: a single port as a number, a range as "a:b", a name as itself. */
export function portValue(r: PortRange): Port {
  if ('name' in r) return r.name;
  return r.min === r.max ? r.min : `${r.min}:${r.max}`;
}

/** A port written as a string in the API ("80", "80:90", "http") in the model's form. */
export function normalisePort(p: Port): Port {
  return portValue(portRange(p));
}

const PROTOCOL_NUMBERS: Record<string, number> = { ICMP: 1, TCP: 6, UDP: 17, SCTP: 132, UDPLite: 136 };

export function protocolNumber(p: Protocol): number {
  return typeof p === 'number' ? p : PROTOCOL_NUMBERS[p];
}

/** protocol.go SupportsPorts: TCP, UDP and SCTP, by name or number. */
export function supportsPorts(p: Protocol | undefined): boolean {
  return p !== undefined && [6, 17, 132].includes(protocolNumber(p));
}

/** conversion.go SimplifyPorts: named ports first, then the numeric ports merged into the
 *  fewest ranges, ascending. A list with at most one numeric port is returned unchanged. */
export function simplifyPorts(ports: Port[]): Port[] {
  if (ports.length <= 1) return ports;
  const ranges = ports.map(portRange);
  const named = ranges.filter((r) => 'name' in r);
  const numbers = ranges
    .flatMap((r) => ('name' in r ? [] : Array.from({ length: r.max - r.min + 1 }, (_, i) => r.min + i)))
    .sort((a, b) => a - b);
  if (numbers.length <= 1) return ports;
  const merged: PortRange[] = [];
  for (const n of numbers) {
    const last = merged.at(-1);
    if (last && 'max' in last && n <= last.max + 1) last.max = Math.max(last.max, n);
    else merged.push({ min: n, max: n });
  }
  return [...named, ...merged].map(portValue);
}

/** Whether port `n` is one of `ranges`' numeric ports (names are resolved by the caller). */
export function inRanges(n: number, ranges: PortRange[]): boolean {
  return ranges.some((r) => 'min' in r && n >= r.min && n <= r.max);
}
