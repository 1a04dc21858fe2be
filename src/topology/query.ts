// Questions every component asks of a validated topology.
import { contains, parseCidr, parseIp } from '../net/ipv4.ts';
import type { Subnet, Topology } from './types.ts';

/** The underlay subnet holding `ip` (a node's or a BGP peer's address). */
export function subnetOf(topo: Topology, ip: string): Subnet | undefined {
  return topo.underlay.subnets.find((s) => contains(parseCidr(s.cidr), parseIp(ip)));
}
