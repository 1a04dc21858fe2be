// Whether one Calico rule matches one packet, as Felix renders the rule for IPv4
// (felix/rules/policy.go v3.30.7: FilterRuleToIPVersion, CalculateRuleMatch) after the update
// processors scoped its selectors (scope.ts) and felix/calc/rule_scanner.go split out named
// ports. Every criterion must hold; a list matches when any entry does, a not-list when none does.
import { type Net, netContains, parseNet } from './nets.ts';
import { inRanges, type PortRange, portRange, protocolNumber } from './ports.ts';
import { felixRuleSelectors } from './scope.ts';
import { parseSelector } from './selector.ts';
import type { EntityRule, PolicyEndpoint, PolicyRule } from './types.ts';

/** One end of the packet: the endpoint's address, labels (with inherited ones) and ports. */
export interface PacketEnd {
  ip: string;
  labels: Record<string, string>;
  ports: PolicyEndpoint['ports'];
}

export interface Packet {
  /** IP protocol number: 1 ICMP, 6 TCP, 17 UDP. */
  protocol: number;
  src: PacketEnd;
  dst: PacketEnd;
  /** Destination port, TCP/UDP only. */
  dport: number | null;
  /** ICMP type and code, ICMP only (a probe's echo request: 8/0). */
  icmp?: { type: number; code: number };
}

/** Linux's default net.ipv4.ip_local_port_range: where a probe's source port comes from. Calico
 *  matches source ports exactly; a probe's is unknown within this range, so a source port list
 *  matches only if it covers the whole range, and a source not-ports list excludes the probe only
 *  if it covers the whole range. */
export const EPHEMERAL_PORTS = { min: 32768, max: 60999 };

const coversEphemeral = (ranges: PortRange[]): boolean =>
  ranges.some((r) => 'min' in r && r.min <= EPHEMERAL_PORTS.min && r.max >= EPHEMERAL_PORTS.max);

/** FilterRuleToIPVersion(4): a nets field with no IPv4 entry drops the rule from the IPv4 chains
 *  (filterNets' filteredAll), as does a catch-all CIDR in a not-nets field. */
function renderedForIPv4(rule: PolicyRule): boolean {
  const fields = [rule.source.nets, rule.source.notNets, rule.destination.nets, rule.destination.notNets];
  if (fields.some((f) => f?.length && !f.some((n) => parseNet(n)?.family === 4))) return false;
  return ![rule.source.notNets, rule.destination.notNets].some((f) => f?.includes('0.0.0.0/0'));
}

function nets(list: string[] | undefined): Net[] {
  return (list ?? []).map(parseNet).filter((n): n is Net => n?.family === 4);
}

/** rule_scanner.go: a named port's protocol is the rule's UDP or SCTP, else TCP. */
function namedPortProtocol(rule: PolicyRule): 'TCP' | 'UDP' | 'SCTP' {
  const n = rule.protocol === undefined ? 6 : protocolNumber(rule.protocol);
  return n === 17 ? 'UDP' : n === 132 ? 'SCTP' : 'TCP';
}

function dstPortIn(list: EntityRule['ports'], pkt: Packet, proto: string): boolean {
  if (pkt.dport === null) return false;
  const ranges = (list ?? []).map(portRange);
  const named = ranges.flatMap((r) => ('name' in r ? [r.name] : []));
  const port = pkt.dport;
  return (
    inRanges(port, ranges) ||
    pkt.dst.ports.some((p) => named.includes(p.name ?? '') && p.protocol === proto && p.port === port)
  );
}

function selectorHolds(text: string, labels: Record<string, string>): boolean {
  return !text || parseSelector(text).matches(labels);
}

function endMatches(er: EntityRule, sel: string, notSel: string, end: PacketEnd): boolean {
  if (!selectorHolds(sel, end.labels)) return false;
  if (notSel && parseSelector(notSel).matches(end.labels)) return false;
  if (er.nets?.length && !nets(er.nets).some((n) => netContains(n, end.ip))) return false;
  return !nets(er.notNets).some((n) => netContains(n, end.ip));
}

function portsMatch(rule: PolicyRule, pkt: Packet): boolean {
  const { source: s, destination: d } = rule;
  if (s.ports?.length && !coversEphemeral(s.ports.map(portRange))) return false;
  if (s.notPorts?.length && coversEphemeral(s.notPorts.map(portRange))) return false;
  const proto = namedPortProtocol(rule);
  if (d.ports?.length && !dstPortIn(d.ports, pkt, proto)) return false;
  return !(d.notPorts?.length && dstPortIn(d.notPorts, pkt, proto));
}

function icmpMatches(rule: PolicyRule, pkt: Packet): boolean {
  const hit = (f: { type?: number; code?: number }) =>
    pkt.icmp !== undefined && f.type === pkt.icmp.type && (f.code === undefined || f.code === pkt.icmp.code);
  if (rule.icmp?.type !== undefined && !hit(rule.icmp)) return false;
  return !(rule.notICMP?.type !== undefined && hit(rule.notICMP));
}

/** Whether `rule`, of a policy in namespace `ns` ("" for a global one), matches `pkt`. */
export function ruleMatches(rule: PolicyRule, ns: string, pkt: Packet): boolean {
  if (!renderedForIPv4(rule)) return false;
  if (rule.protocol !== undefined && protocolNumber(rule.protocol) !== pkt.protocol) return false;
  if (rule.notProtocol !== undefined && protocolNumber(rule.notProtocol) === pkt.protocol) return false;
  const sels = felixRuleSelectors(rule, ns);
  if (!endMatches(rule.source, sels.src, sels.notSrc, pkt.src)) return false;
  if (!endMatches(rule.destination, sels.dst, sels.notDst, pkt.dst)) return false;
  return portsMatch(rule, pkt) && icmpMatches(rule, pkt);
}
