// The underlay: one bridge per subnet inside the router namespace (which owns the gateways and
// forwards between subnets), each node's eth0 on its subnet's bridge with NetworkManager-style
// routes, and "the internet": hosts on TEST-NET addresses behind the router. Pure data.
import { contains, formatIp, parseCidr, parseIp } from '../net/ipv4.ts';
import { nodeNs, outsideNs, routerNs, routerPort, subnetBridge } from '../plan/naming.ts';
import { noObjects, type KernelObjects } from '../plan/objects.ts';
import { subnetOf } from '../topology/query.ts';
import type { Node, Topology } from '../topology/types.ts';

const UNDERLAY_METRIC = 100; // as NetworkManager installs them (doc 000's `route -n`)

const prefixOf = (cidr: string) => parseCidr(cidr).prefix;

/** The router namespace, its bridges and gateway addresses, and the top-of-rack peer's address. */
export function routerObjects(topo: Topology): KernelObjects {
  const router = routerNs(topo.name);
  const o = noObjects();
  o.namespaces.push({ name: router, role: 'router', of: 'underlay' });
  topo.underlay.subnets.forEach((s, i) => {
    o.links.push({ ns: router, name: subnetBridge(i), kind: 'bridge', mtu: topo.underlay.mtu });
    o.addresses.push({ ns: router, dev: subnetBridge(i), cidr: `${s.gateway}/${prefixOf(s.cidr)}` });
  });
  o.sysctls.push({ ns: router, key: 'net.ipv4.ip_forward', value: '1' });
  const peer = topo.bgp.peers[0];
  if (peer) {
    // The top-of-rack BGP speaker runs in the router namespace, on the peer's address.
    const i = topo.underlay.subnets.findIndex((s) => contains(parseCidr(s.cidr), parseIp(peer.ip)));
    const s = topo.underlay.subnets[i];
    if (s.gateway !== peer.ip)
      o.addresses.push({ ns: router, dev: subnetBridge(i), cidr: `${peer.ip}/${prefixOf(s.cidr)}` });
  }
  return o;
}

/** A node's namespace and its eth0 on the subnet's bridge, with the subnet and default routes. */
export function nodeUplink(topo: Topology, n: Node): KernelObjects {
  const router = routerNs(topo.name);
  const ns = nodeNs(topo.name, n.name);
  const subnet = subnetOf(topo, n.ip)!;
  const bridge = subnetBridge(topo.underlay.subnets.indexOf(subnet));
  const mtu = topo.underlay.mtu;
  return {
    ...noObjects(),
    namespaces: [{ name: ns, role: 'node', of: n.name }],
    veths: [
      [
        { ns, name: 'eth0', mtu },
        { ns: router, name: routerPort(n.name), mtu },
      ],
    ],
    ports: [{ ns: router, dev: routerPort(n.name), bridge }],
    addresses: [{ ns, dev: 'eth0', cidr: `${n.ip}/${prefixOf(subnet.cidr)}`, noprefixroute: true }],
    routes: [
      { ns, dst: subnet.cidr, dev: 'eth0', proto: 'kernel', scope: 'link', src: n.ip, metric: UNDERLAY_METRIC },
      { ns, dst: 'default', dev: 'eth0', via: subnet.gateway, metric: UNDERLAY_METRIC },
    ],
    sysctls: [{ ns, key: 'net.ipv4.ip_forward', value: '1' }],
  };
}

/** "The internet": each outside host in its own namespace on a /24 behind the router. */
export function outsideObjects(topo: Topology): KernelObjects {
  const router = routerNs(topo.name);
  const o = noObjects();
  for (const h of topo.outside) {
    const ns = outsideNs(topo.name, h.name);
    const ip = parseIp(h.ip);
    const gw = formatIp((ip & 0xffffff00) + (ip % 256 === 1 ? 2 : 1));
    const port = routerPort(`out-${h.name}`);
    o.namespaces.push({ name: ns, role: 'outside', of: h.name });
    o.veths.push([
      { ns, name: 'eth0', mtu: topo.underlay.mtu },
      { ns: router, name: port, mtu: topo.underlay.mtu },
    ]);
    o.addresses.push({ ns, dev: 'eth0', cidr: `${h.ip}/24` }, { ns: router, dev: port, cidr: `${gw}/24` });
    o.routes.push({ ns, dst: 'default', dev: 'eth0', via: gw });
  }
  return o;
}
