// `calilab trace SRC DST`: doc 000's "Traffic Flow Examples" computed for any pair from the
// kernel's own answers (`ip route get` in each namespace the packet crosses), not from the
// topology file: the pod's default route, proxy ARP for 169.254.1.1, the node's route lookup
// and encapsulation, the underlay hop, decapsulation and the last /32 to the cali interface.
// Every hop names the interface counter that moves when a packet really takes it, so that
// `--prove` (prove.ts) can mark it seen or not seen.
import { contains, parseCidr, parseIp } from '../net/ipv4.ts';
import { masqueradeRuleIn, matchingRoute, neighbourMac, routeGet, type RouteGet } from '../kernel/routes.ts';
import type { LabRecord } from '../lab/state.ts';
import { outsideNs, routerNs, routerPort, subnetBridge } from '../plan/naming.ts';
import { POD_GATEWAY } from '../calico/cni/wiring.ts';
import { TUNNEL_DEVICE, type Tunnel } from '../calico/felix/encap.ts';
import type { NodePlan, WorkloadEndpoint } from '../plan/plan.ts';
import { INITIAL_TTL } from './facts.ts';

/** An interface counter that a packet on this hop moves. */
export interface Probe {
  ns: string;
  dev: string;
  dir: 'rx' | 'tx';
}

export interface Hop {
  n: number;
  where: string; // namespace role and name, e.g. "node k8s-cp1"
  what: string;
  detail?: Record<string, string | number | boolean | undefined>;
  /** The kernel refused to forward here: where the packet is lost. */
  broken?: boolean;
  probes?: Probe[];
  /** Set by --prove: every probe counted the probe packets. */
  seen?: boolean;
  counted?: Record<string, number>;
}

const describe = (g: RouteGet) => `${g.gateway ? `via ${g.gateway} ` : ''}dev ${g.dev}${g.flags?.includes('onlink') ? ' onlink' : ''}`;
const TUNNEL_OF_DEVICE = new Map(Object.entries(TUNNEL_DEVICE).map(([t, dev]) => [dev, t as Tunnel]));

export async function trace(rec: LabRecord, src: WorkloadEndpoint, dst: string): Promise<Hop[]> {
  const hops: Hop[] = [];
  const add = (where: string, what: string, more: Partial<Pick<Hop, 'detail' | 'broken' | 'probes'>> = {}) => hops.push({ n: hops.length + 1, where, what, ...more });
  const plan = rec.plan;
  const router = routerNs(rec.lab);
  const srcNode = plan.nodes.find((n) => n.name === src.node)!;
  const dstPod = plan.workloads.find((w) => w.ip === dst);
  const dstNode = plan.nodes.find((n) => n.ip === dst);
  const outside = rec.topology.outside.find((h) => h.ip === dst);
  let ttl = INITIAL_TTL; // the pod packet's own TTL, decremented by each namespace that routes it
  let natSrc: string | undefined;

  const g1 = await routeGet(src.netns, dst);
  if ('error' in g1) {
    add(`pod ${src.pod}`, `no route to ${dst}: ${g1.error}`, { broken: true });
    return hops;
  }
  if (g1.type === 'local') {
    add(`pod ${src.pod}`, `${dst} is the pod's own address: delivered over lo, ttl stays ${ttl}`, { detail: { ttl } });
    return hops;
  }
  add(`pod ${src.pod}`, `${src.ip} sends to ${dst} with ttl ${ttl}: route ${describe(g1)}, out of eth0 into ${src.interface}`,
    { detail: { gateway: g1.gateway, dev: g1.dev, src: g1.prefsrc, ttl }, probes: [{ ns: src.netns, dev: 'eth0', dir: 'tx' }] });
  const mac = await neighbourMac(src.netns, POD_GATEWAY);
  add(`node ${src.node}`, `${POD_GATEWAY} is answered by proxy ARP on ${src.interface}${mac ? ` (${mac})` : ''}: the node is the pod's next hop`,
    { detail: { proxyArp: true, mac }, probes: [{ ns: src.nodeNetns, dev: src.interface, dir: 'rx' }] });

  // The node's forwarding decision, as for a packet arriving from the pod.
  let node: NodePlan = srcNode;
  let iif = src.interface;
  for (let guard = 0; guard < 4; guard++) {
    const g = await routeGet(node.netns, dst, ['from', natSrc ?? src.ip, 'iif', iif]);
    if ('error' in g) {
      add(`node ${node.name}`, `cannot forward ${dst}: ${g.error}`, { broken: true });
      return hops;
    }
    if (g.type === 'local') {
      add(`node ${node.name}`, `${dst} is node ${node.name}'s own address: delivered locally`, { detail: { ttl } });
      return hops;
    }
    const m = await matchingRoute(node.netns, dst);
    // `ip route get` does not report onlink; the matched route does.
    if (m?.flags?.includes('onlink') && !g.flags?.includes('onlink')) g.flags = [...(g.flags ?? []), 'onlink'];
    const route = `${m?.dst ?? dst} ${describe(g)}${m?.protocol ? ` proto ${m.protocol}` : ''}`;
    ttl -= 1;
    if (g.dev?.startsWith('cali')) {
      add(`node ${node.name}`, `routes ${dst} by ${route}: the local workload's /32 (ttl ${ttl})`,
        { detail: { route: m?.dst, dev: g.dev, ttl }, probes: [{ ns: node.netns, dev: g.dev, dir: 'tx' }] });
      add(`pod ${dstPod?.pod ?? dst}`, `${dst} receives the packet on eth0 with ttl ${ttl}`,
        { detail: { ttl }, probes: dstPod ? [{ ns: dstPod.netns, dev: 'eth0', dir: 'rx' }] : undefined });
      return hops;
    }
    const encap = TUNNEL_OF_DEVICE.get(g.dev ?? '') ?? 'none';
    add(`node ${node.name}`, `routes ${dst} by ${route}${g.table && g.table !== 'main' ? ` (table ${g.table})` : ''} (ttl ${ttl})`,
      { detail: { route: m?.dst, gateway: g.gateway, dev: g.dev, onlink: g.flags?.includes('onlink'), protocol: m?.protocol, ttl }, probes: [{ ns: node.netns, dev: g.dev!, dir: 'tx' }] });
    let outerDst = g.gateway ?? (dstNode?.ip === dst ? dst : undefined);
    if (encap === 'vxlan' && g.gateway) outerDst = plan.felix.find((f) => f.node === node.name)?.vxlan?.peers.find((p) => p.vtepIp === g.gateway)?.nodeIp;
    if (encap === 'wireguard') {
      // wireguard.cali routes carry no gateway: the peer is the node that owns the route's block.
      const owner = plan.allocation.nodes.find((a) => a.blocks.some((b) => b.cidr === m?.dst))?.node ?? dstPod?.node;
      outerDst = plan.nodes.find((n) => n.ip === owner || n.name === owner)?.ip;
    }
    if (encap !== 'none') {
      const what = encap === 'ipip' ? 'IPIP (protocol 4)' : encap === 'vxlan' ? 'VXLAN (UDP 4789, VNI 4096)' : 'WireGuard (UDP 51820)';
      add(`node ${node.name}`, `encapsulates in ${what}: outer ${node.ip} > ${outerDst}, inner ${src.ip} > ${dst}; the underlay sees only the outer header`,
        { detail: { encapsulation: encap, outerSrc: node.ip, outerDst }, probes: [{ ns: node.netns, dev: 'eth0', dir: 'tx' }] });
    } else if (!dstPod && !dstNode && !plan.nodes.some((n) => n.ip === g.gateway && n !== node)) {
      // Leaving the cluster: natOutgoing decides whether the pod's address leaves with it.
      const pool = rec.topology.ipPools.find((p) => contains(parseCidr(p.cidr), parseIp(src.ip)));
      const rule = pool?.natOutgoing ? await masqueradeRuleIn(node.netns) : undefined;
      if (rule) {
        natSrc = node.ip;
        add(`node ${node.name}`, `natOutgoing: ${dst} is outside every IPPool, so nft table ip calico masquerades ${src.ip} to ${node.ip} ("${rule}")`,
          { detail: { natOutgoing: true, rule, sourceAfter: node.ip }, probes: [{ ns: node.netns, dev: 'eth0', dir: 'tx' }] });
      } else {
        add(`node ${node.name}`, `no natOutgoing on ${pool?.name ?? 'the pool'}: ${src.ip} leaves as it is, and nothing outside has a route back to it`,
          { detail: { natOutgoing: false }, probes: [{ ns: node.netns, dev: 'eth0', dir: 'tx' }] });
      }
    } else {
      add(`node ${node.name}`, `sends it unencapsulated (pod addresses on the wire) out of ${g.dev}`, { detail: { encapsulation: 'none' }, probes: [{ ns: node.netns, dev: 'eth0', dir: 'tx' }] });
    }
    const next = plan.nodes.find((n) => n.ip === outerDst) ?? plan.nodes.find((n) => n.ip === g.gateway && n !== node);
    if (next && next.subnet === node.subnet) {
      const bridge = subnetBridge(rec.topology.underlay.subnets.findIndex((s) => s.cidr === node.subnet));
      add('underlay', `crosses bridge ${bridge} (${node.subnet}) to ${next.name}`, { probes: [{ ns: router, dev: routerPort(next.name), dir: 'tx' }] });
    } else {
      const hopDst = encap === 'none' ? dst : outerDst ?? dst;
      const rg = await routeGet(router, hopDst);
      if ('error' in rg) {
        add('router', `cannot forward ${hopDst}: ${rg.error} (the router knows only the node subnets)`, { broken: true, probes: [{ ns: router, dev: routerPort(node.name), dir: 'rx' }] });
        return hops;
      }
      if (encap === 'none') ttl -= 1;
      add('router', `forwards ${hopDst} ${describe(rg)}${encap === 'none' ? ` (ttl ${ttl})` : ' (it decrements the outer TTL only)'}`,
        { detail: { dev: rg.dev, ttl }, probes: [{ ns: router, dev: routerPort(node.name), dir: 'rx' }, { ns: router, dev: rg.dev!, dir: 'tx' }] });
    }
    if (!next) {
      if (outside) add(`outside ${outside.name}`, `${dst} receives it from ${natSrc ?? src.ip} with ttl ${ttl}`, { detail: { ttl, source: natSrc ?? src.ip }, probes: [{ ns: outsideNs(rec.lab, outside.name), dev: 'eth0', dir: 'rx' }] });
      else add('underlay', `${dst} is outside the lab`);
      return hops;
    }
    if (encap !== 'none') {
      add(`node ${next.name}`, `${TUNNEL_DEVICE[encap]} decapsulates: inner ${src.ip} > ${dst}, ttl still ${ttl}`, { detail: { ttl }, probes: [{ ns: next.netns, dev: TUNNEL_DEVICE[encap], dir: 'rx' }] });
    }
    iif = encap === 'none' ? 'eth0' : TUNNEL_DEVICE[encap];
    node = next;
  }
  return hops;
}

export function renderTrace(src: WorkloadEndpoint, dst: string, hops: Hop[]): string {
  const lines = [`trace ${src.pod} (${src.ip} on ${src.node}) -> ${dst}`];
  for (const h of hops) {
    const mark = h.seen === undefined ? '' : h.seen ? '  [seen]' : '  [NOT SEEN]';
    lines.push(`${String(h.n).padStart(2)}. [${h.where}] ${h.what}${h.broken ? '  <- BREAK: the packet is lost here' : ''}${mark}`);
    if (h.counted) lines.push(`      ${Object.entries(h.counted).map(([k, v]) => `${k} +${v}`).join(', ')}`);
  }
  return lines.join('\n') + '\n';
}
