// `calilab trace SRC DST`: doc 000's "Traffic Flow Examples" computed for any pair from the
// kernel's own answers (`ip route get` in each namespace the packet crosses), not from the
// topology file: the pod's default route, proxy ARP for 169.254.1.1, the node's route lookup
// and encapsulation, the underlay hop, decapsulation and the last /32 to the cali interface.
import { execa } from 'execa';
import type { LabRecord } from '../lab/state.ts';
import { routerNs } from '../plan/naming.ts';
import { POD_GATEWAY, type NodePlan, type WorkloadEndpoint } from '../plan/plan.ts';

export interface Hop {
  n: number;
  where: string; // namespace role and name, e.g. "node k8s-cp1"
  what: string;
  detail?: Record<string, string | number | boolean | undefined>;
  /** The kernel refused to forward here: where the packet is lost. */
  broken?: boolean;
}

interface RouteGet {
  dst: string;
  gateway?: string;
  dev?: string;
  prefsrc?: string;
  flags?: string[];
  table?: string;
}

async function routeGet(ns: string, dst: string, extra: string[] = []): Promise<RouteGet | { error: string }> {
  const r = await execa('ip', ['-n', ns, '-j', 'route', 'get', dst, ...extra], { reject: false });
  if (r.exitCode !== 0) return { error: String(r.stderr).trim() };
  return (JSON.parse(String(r.stdout)) as RouteGet[])[0];
}

/** The most specific route covering `dst`: the prefix and protocol doc 000 quotes. */
async function matchingRoute(ns: string, dst: string): Promise<{ dst: string; protocol?: string; flags?: string[] } | undefined> {
  const r = await execa('ip', ['-n', ns, '-j', 'route', 'show', 'match', dst], { reject: false });
  const rows = r.exitCode === 0 ? (JSON.parse(String(r.stdout)) as { dst: string; protocol?: string; type?: string; flags?: string[] }[]) : [];
  const len = (d: string) => (d === 'default' ? 0 : Number(d.split('/')[1] ?? 32));
  return rows.filter((x) => x.type !== 'blackhole').sort((a, b) => len(b.dst) - len(a.dst))[0];
}

const describe = (g: RouteGet) => `${g.gateway ? `via ${g.gateway} ` : ''}dev ${g.dev}${g.flags?.includes('onlink') ? ' onlink' : ''}`;

export async function trace(rec: LabRecord, src: WorkloadEndpoint, dst: string): Promise<Hop[]> {
  const hops: Hop[] = [];
  const add = (where: string, what: string, detail?: Hop['detail'], broken?: boolean) => hops.push({ n: hops.length + 1, where, what, detail, broken });
  const srcNode = rec.plan.nodes.find((n) => n.name === src.node)!;
  const dstPod = rec.plan.workloads.find((w) => w.ip === dst);

  const g1 = await routeGet(src.netns, dst);
  if ('error' in g1) {
    add(`pod ${src.pod}`, `no route to ${dst}: ${g1.error}`, undefined, true);
    return hops;
  }
  add(`pod ${src.pod}`, `${src.ip} sends to ${dst}: route ${describe(g1)}, out of eth0 into ${src.interface}`, { gateway: g1.gateway, dev: g1.dev, src: g1.prefsrc });
  const neigh = await execa('ip', ['-n', src.netns, '-j', 'neigh', 'show', POD_GATEWAY], { reject: false });
  const mac = (JSON.parse(String(neigh.stdout || '[]')) as { lladdr?: string }[])[0]?.lladdr;
  add(`node ${src.node}`, `${POD_GATEWAY} is answered by proxy ARP on ${src.interface}${mac ? ` (${mac})` : ''}: the node is the pod's next hop`, { proxyArp: true, mac });

  // The node's forwarding decision, as for a packet arriving from the pod.
  let node: NodePlan = srcNode;
  let iif = src.interface;
  for (let guard = 0; guard < 4; guard++) {
    const g = await routeGet(node.netns, dst, ['from', src.ip, 'iif', iif]);
    if ('error' in g) {
      add(`node ${node.name}`, `cannot forward ${dst}: ${g.error}`, undefined, true);
      return hops;
    }
    const m = await matchingRoute(node.netns, dst);
    // `ip route get` does not report onlink; the matched route does.
    if (m?.flags?.includes('onlink') && !g.flags?.includes('onlink')) g.flags = [...(g.flags ?? []), 'onlink'];
    const route = `${m?.dst ?? dst} ${describe(g)}${m?.protocol ? ` proto ${m.protocol}` : ''}`;
    if (g.dev?.startsWith('cali')) {
      add(`node ${node.name}`, `routes ${dst} by ${route}: the local workload's /32`, { route: m?.dst, dev: g.dev });
      add(`pod ${dstPod?.pod ?? dst}`, `${dst} receives the packet on eth0`);
      return hops;
    }
    const peer = rec.plan.nodes.find((n) => n.ip === g.gateway);
    const encap = g.dev === 'tunl0' ? 'ipip' : g.dev === 'vxlan.calico' ? 'vxlan' : g.dev === 'wireguard.cali' ? 'wireguard' : 'none';
    add(`node ${node.name}`, `routes ${dst} by ${route}${g.table && g.table !== 'main' ? ` (table ${g.table})` : ''}`, { route: m?.dst, gateway: g.gateway, dev: g.dev, onlink: g.flags?.includes('onlink'), protocol: m?.protocol });
    let outerDst = g.gateway;
    if (encap === 'vxlan' && g.gateway) outerDst = rec.plan.felix.find((f) => f.node === node.name)?.vxlan?.peers.find((p) => p.vtepIp === g.gateway)?.nodeIp;
    if (encap === 'wireguard') {
      // wireguard.cali routes carry no gateway: the peer is the node that owns the route's block.
      const owner = rec.plan.allocation.nodes.find((a) => a.blocks.some((b) => b.cidr === m?.dst))?.node ?? dstPod?.node;
      outerDst = rec.plan.nodes.find((n) => n.name === owner)?.ip;
    }
    if (encap !== 'none') {
      const what = encap === 'ipip' ? 'IPIP (protocol 4)' : encap === 'vxlan' ? 'VXLAN (UDP 4789, VNI 4096)' : 'WireGuard (UDP 51820)';
      add(`node ${node.name}`, `encapsulates in ${what}: outer ${node.ip} > ${outerDst}, inner ${src.ip} > ${dst}`, { encapsulation: encap, outerSrc: node.ip, outerDst });
    } else {
      add(`node ${node.name}`, `sends it unencapsulated (pod addresses on the wire) out of ${g.dev}`, { encapsulation: 'none' });
    }
    const next = rec.plan.nodes.find((n) => n.ip === outerDst) ?? peer;
    const sameSubnet = next && next.subnet === node.subnet;
    if (sameSubnet) {
      add('underlay', `crosses bridge ${'br-subnet' + rec.topology.underlay.subnets.findIndex((s) => s.cidr === node.subnet)} (${node.subnet}) to ${next.name}`);
    } else {
      const hopDst = encap === 'none' ? dst : outerDst ?? dst;
      const rg = await routeGet(routerNs(rec.lab), hopDst);
      if ('error' in rg) {
        add('router', `cannot forward ${hopDst}: ${rg.error} (the router knows only the node subnets)`, undefined, true);
        return hops;
      }
      add('router', `forwards ${hopDst} ${describe(rg)}`, { dev: rg.dev });
    }
    if (!next) {
      add('underlay', `${dst} is outside the cluster`);
      return hops;
    }
    if (encap !== 'none') add(`node ${next.name}`, `${encap === 'ipip' ? 'tunl0' : encap === 'vxlan' ? 'vxlan.calico' : 'wireguard.cali'} decapsulates: inner ${src.ip} > ${dst}`);
    iif = encap === 'ipip' ? 'tunl0' : encap === 'vxlan' ? 'vxlan.calico' : encap === 'wireguard' ? 'wireguard.cali' : 'eth0';
    node = next;
  }
  return hops;
}

export function renderTrace(src: WorkloadEndpoint, dst: string, hops: Hop[]): string {
  const lines = [`trace ${src.pod} (${src.ip} on ${src.node}) -> ${dst}`];
  for (const h of hops) lines.push(`${String(h.n).padStart(2)}. [${h.where}] ${h.what}${h.broken ? '  <- BREAK: the packet is lost here' : ''}`);
  return lines.join('\n') + '\n';
}
