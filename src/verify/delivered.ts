// A probe's measured verdict, from the packets alone: a request (ICMP echo, TCP SYN, UDP
// datagram) is allowed when the destination node sent it out of the destination pod's cali
// interface. tcpdump sees a forwarded packet on its way out only after netfilter's FORWARD
// hook, where Felix's cali-fw- (the source's egress policy) and cali-tw- (the destination's
// ingress policy) chains run, so a packet either policy drops never appears there.
import type { Ipv4 } from '../packets/decode.ts';
import type { WorkloadEndpoint } from '../plan/plan.ts';
import type { Seen } from './judge.ts';

export type ProbeProtocol = 'icmp' | 'tcp' | 'udp';

export interface ProbeTarget {
  from: WorkloadEndpoint;
  to: WorkloadEndpoint;
  protocol: ProbeProtocol;
  port: number | null;
}

/** The request packet of a probe: an echo request, a SYN without ACK, or a datagram to the port. */
export function isRequest(p: Ipv4, t: ProbeTarget): boolean {
  if (p.src !== t.from.ip || p.dst !== t.to.ip) return false;
  const l4 = p.payload;
  if (t.protocol === 'icmp') return l4?.kind === 'icmp' && l4.type === 8;
  if (t.protocol === 'tcp')
    return l4?.kind === 'tcp' && l4.dport === t.port && l4.flags.includes('S') && !l4.flags.includes('.');
  return l4?.kind === 'udp' && l4.dport === t.port;
}

export interface Delivery {
  delivered: boolean;
  /** Where the request was seen: "node iface: summary" lines, the first few. */
  evidence: string[];
  /** Whether the request left the source pod at all (seen on its cali interface). */
  sent: boolean;
}

export function delivery(t: ProbeTarget, seen: Seen[]): Delivery {
  const mine = seen.filter((s) => isRequest(s.inner, t));
  const atDst = mine.filter((s) => s.node === t.to.node && s.iface === t.to.interface);
  const atSrc = mine.filter((s) => s.node === t.from.node && s.iface === t.from.interface);
  return {
    delivered: atDst.length > 0,
    sent: atSrc.length > 0,
    evidence: [...atSrc.slice(0, 1), ...mine.filter((s) => s.iface === 'eth0').slice(0, 2), ...atDst.slice(0, 1)].map(
      (s) => s.line,
    ),
  };
}
