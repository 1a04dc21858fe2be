// Felix's IP sets as nft sets in `table ip calico` (felix/nftables/ipsets.go at v3.30.7).
import type { FelixIpSet } from '../iptables/index.ts';
import type { NftSet } from './model.ts';
import { legalizeSetName } from './names.ts';

/** ipsets.go:807 CanonicaliseMember + members.go Key: `ip,proto:port` becomes `ip . proto . port`. */
function element(set: FelixIpSet, member: string): string {
  if (set.type !== 'hash:ip,port') return member;
  const [ip, protoPort] = member.split(',');
  const [proto, port] = protoPort.split(':');
  return `${ip} . ${proto} . ${Number(port)}`;
}

/** ipsets.go:555 NFTablesSet and 885 setType. */
export function nftSet(set: FelixIpSet): NftSet {
  return {
    name: legalizeSetName(set.name),
    type: set.type === 'hash:ip,port' ? 'ipv4_addr . inet_proto . inet_service' : 'ipv4_addr',
    flags: set.type === 'hash:net' ? ['interval'] : [],
    elements: [...new Set(set.members.map((m) => element(set, m)))],
    source: set.name,
  };
}
