// One-line summaries in tcpdump's style (`tcpdump -nn`), e.g.
// IP 10.10.20.3 > 10.10.20.4: IP 10.8.170.65 > 10.8.247.196: ICMP echo request, id 5, seq 1, length 64
import type { Frame, Icmp, Ipv4, Tcp, Udp } from './decode.ts';

function icmpText(i: Icmp): string {
  if (i.type === 8) return `ICMP echo request, id ${i.id}, seq ${i.seq}, length ${i.length}`;
  if (i.type === 0) return `ICMP echo reply, id ${i.id}, seq ${i.seq}, length ${i.length}`;
  if (i.type === 3 && i.code === 4)
    return `ICMP ${i.quoted?.dst ?? '?'} unreachable - need to frag (mtu ${i.mtu}), length ${i.length}`;
  if (i.type === 3) {
    const what = ['net', 'host', 'protocol', 'port'][i.code] ?? `code ${i.code}`;
    return `ICMP ${i.quoted?.dst ?? '?'} ${what} unreachable, length ${i.length}`;
  }
  if (i.type === 11) return `ICMP time exceeded in-transit, length ${i.length}`;
  return `ICMP type-#${i.type}, length ${i.length}`;
}

function ipText(ip: Ipv4): string {
  const p = ip.payload;
  const frag =
    ip.fragmentOffset > 0 || ip.mf
      ? ` (frag ${ip.id}:${ip.totalLength - ip.headerLength}@${ip.fragmentOffset}${ip.mf ? '+' : ''})`
      : '';
  const bad = ip.checksumOk ? '' : ' [bad ip cksum]';
  if (ip.fragmentOffset > 0) return `IP ${ip.src} > ${ip.dst}:${frag}${bad} ip-proto-${ip.proto}`;
  if (p?.kind === 'tcp' || p?.kind === 'udp')
    return `IP ${ip.src}.${p.sport} > ${ip.dst}.${p.dport}:${bad} ${transportText(p)}${frag}`;
  let body: string;
  if (p?.kind === 'ipv4') body = ipText(p);
  else if (p?.kind === 'icmp') body = icmpText(p);
  else body = `ip-proto-${ip.proto} ${p && 'length' in p ? p.length : 0}`;
  return `IP ${ip.src} > ${ip.dst}:${bad}${frag} ${body}`;
}

function transportText(p: Tcp | Udp): string {
  if (p.kind === 'tcp')
    return `Flags [${p.flags}], seq ${p.seq}${p.flags.includes('.') ? `, ack ${p.ack}` : ''}, length ${p.length}`;
  if (p.vxlan) {
    const inner = p.vxlan.inner?.network?.kind === 'ipv4' ? `: ${ipText(p.vxlan.inner.network)}` : '';
    const flags = `[${p.vxlan.flags & 8 ? 'I' : '.'}] (0x${p.vxlan.flags.toString(16).padStart(2, '0')})`;
    return `VXLAN, flags ${flags}, vni ${p.vxlan.vni}${inner}`;
  }
  if (p.wireguard) return `WireGuard ${p.wireguard.name}, length ${p.length}`;
  return `UDP, length ${p.length}`;
}

export function summarize(f: Frame): string {
  const n = f.network;
  let text: string;
  if (n?.kind === 'ipv4') text = ipText(n);
  else if (n?.kind === 'arp') {
    text =
      n.op === 1
        ? `ARP, Request who-has ${n.targetIp} tell ${n.senderIp}, length 28`
        : `ARP, Reply ${n.senderIp} is-at ${n.senderMac}, length 28`;
  } else if (n) text = `ethertype 0x${n.etherType.toString(16).padStart(4, '0')}`;
  else text = '';
  if (f.problem) text += `${text ? ' ' : ''}[${f.problem}]`;
  return text;
}
