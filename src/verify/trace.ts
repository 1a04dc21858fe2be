// `calilab trace SRC DST`: doc 000's "Traffic Flow Examples" computed for any pair from the
// kernel's own answers (`ip route get` in each namespace the packet crosses), not from the
// topology file: the pod's default route, proxy ARP for 169.254.1.1, the node's route lookup
// and encapsulation, the underlay hop, decapsulation and the last /32 to the cali interface.
// Every hop names the interface counter that moves when a packet really takes it, so that
// `--prove` (prove.ts) can mark it seen or not seen.
import { contains, parseCidr, parseIp } from '../net/ipv4.ts';
import {
  masqueradeRuleIn,
  matchingRoute,
  neighbourMac,
  routeGet,
  type MatchedRoute,
  type RouteGet,
} from '../kernel/routes.ts';
import type { LabRecord } from '../lab/state.ts';
import { outsideNs, routerNs, routerPort, subnetBridge } from '../plan/naming.ts';
import { POD_GATEWAY } from '../calico/cni/wiring.ts';
import { TUNNEL_DEVICE, type Tunnel } from '../calico/felix/encap.ts';
import type { NodePlan, WorkloadEndpoint } from '../plan/plan.ts';
import type { Evaluation } from '../calico/policy/evaluate.ts';
import { policyOracle } from './policy-probes.ts';
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
  /** A Felix policy decision on this hop: the endpoint chain that runs it and Calico's verdict. */
  policy?: { node: string; chain: string; direction: 'ingress' | 'egress'; verdict: string; decidedBy: string };
  /** Set by --prove on a policy hop: the Felix rule whose counter the probes moved. */
  rule?: string;
}

/** What the packet is: ICMP echo (the default), or TCP / UDP to a port. */
export interface TraceProbe {
  protocol: 'icmp' | 'tcp' | 'udp';
  port: number | null;
}

const describe = (g: RouteGet) =>
  `${g.gateway ? `via ${g.gateway} ` : ''}dev ${g.dev}${g.flags?.includes('onlink') ? ' onlink' : ''}`;
const TUNNEL_OF_DEVICE = new Map(Object.entries(TUNNEL_DEVICE).map(([t, dev]) => [dev, t as Tunnel]));

type HopExtras = Partial<Pick<Hop, 'detail' | 'broken' | 'probes' | 'policy'>>;

/** One trace in progress: the hops so far, and the pod packet's TTL and source as they change. */
class Walk {
  hops: Hop[] = [];
  ttl = INITIAL_TTL; // the pod packet's own TTL, decremented by each namespace that routes it
  natSrc?: string;
  /** Calico's verdict on the probe, evaluated once for both of Felix's hops (egress, ingress). */
  decision?: Evaluation;
  readonly router: string;
  readonly dstPod?: WorkloadEndpoint;
  readonly dstNode?: NodePlan;
  readonly outside?: { name: string; ip: string };

  constructor(
    readonly rec: LabRecord,
    readonly src: WorkloadEndpoint,
    readonly dst: string,
    readonly probe: TraceProbe = { protocol: 'icmp', port: null },
  ) {
    this.router = routerNs(rec.lab);
    this.dstPod = rec.plan.workloads.find((w) => w.ip === dst);
    this.dstNode = rec.plan.nodes.find((n) => n.ip === dst);
    this.outside = rec.topology.outside.find((h) => h.ip === dst);
  }

  add(where: string, what: string, more: HopExtras = {}): void {
    this.hops.push({ n: this.hops.length + 1, where, what, ...more });
  }
}

/** Felix's verdict where the packet leaves the source pod (cali-fw-, egress) or enters the
 *  destination pod (cali-tw-, ingress), as Calico's policy semantics decide it. False: dropped. */
function policyHop(w: Walk, direction: 'ingress' | 'egress'): boolean {
  const to = w.dstPod;
  if (!to) return true; // leaving for a node or the outside: egress policy only (below)
  w.decision ??= policyOracle(w.rec)({ from: w.src, to, ...w.probe });
  const decision = w.decision;
  const ep = direction === 'egress' ? w.src : to;
  const d = direction === 'egress' ? decision.egress : (decision.ingress ?? decision.egress);
  if (direction === 'ingress' && decision.direction === 'egress') return true;
  const chain = `cali-${direction === 'egress' ? 'fw' : 'tw'}-${ep.interface}`;
  const what = `Felix ${chain} (${direction} of ${ep.namespace}/${ep.pod}): ${d.verdict} by ${d.policy}; ${d.why}`;
  w.add(`node ${ep.node}`, what, {
    broken: d.verdict === 'denied',
    policy: { node: ep.node, chain, direction, verdict: d.verdict, decidedBy: d.policy },
  });
  return d.verdict !== 'denied';
}

/** The pod's own route, and proxy ARP answering 169.254.1.1 on the node. False: the walk ends. */
async function podHops(w: Walk): Promise<boolean> {
  const { src, dst } = w;
  const g1 = await routeGet(src.netns, dst);
  if ('error' in g1) {
    w.add(`pod ${src.pod}`, `no route to ${dst}: ${g1.error}`, { broken: true });
    return false;
  }
  if (g1.type === 'local') {
    w.add(`pod ${src.pod}`, `${dst} is the pod's own address: delivered over lo, ttl stays ${w.ttl}`, {
      detail: { ttl: w.ttl },
    });
    return false;
  }
  w.add(
    `pod ${src.pod}`,
    `${src.ip} sends to ${dst} with ttl ${w.ttl}: route ${describe(g1)}, out of eth0 into ${src.interface}`,
    {
      detail: { gateway: g1.gateway, dev: g1.dev, src: g1.prefsrc, ttl: w.ttl },
      probes: [{ ns: src.netns, dev: 'eth0', dir: 'tx' }],
    },
  );
  const mac = await neighbourMac(src.netns, POD_GATEWAY);
  const macNote = mac ? ` (${mac})` : '';
  w.add(
    `node ${src.node}`,
    `${POD_GATEWAY} is answered by proxy ARP on ${src.interface}${macNote}: the node is the pod's next hop`,
    { detail: { proxyArp: true, mac }, probes: [{ ns: src.nodeNetns, dev: src.interface, dir: 'rx' }] },
  );
  return policyHop(w, 'egress');
}

/** Where the outer header goes: the route's gateway, the VTEP's node, or the block's owner. */
function outerDestination(
  w: Walk,
  node: NodePlan,
  g: RouteGet,
  m: MatchedRoute | undefined,
  encap: Tunnel | 'none',
): string | undefined {
  const plan = w.rec.plan;
  if (encap === 'vxlan' && g.gateway)
    return plan.felix.find((f) => f.node === node.name)?.vxlan?.peers.find((p) => p.vtepIp === g.gateway)?.nodeIp;
  if (encap === 'wireguard') {
    // wireguard.cali routes carry no gateway: the peer is the node that owns the route's block.
    const owner = plan.allocation.nodes.find((a) => a.blocks.some((b) => b.cidr === m?.dst))?.node ?? w.dstPod?.node;
    return plan.nodes.find((n) => n.ip === owner || n.name === owner)?.ip;
  }
  return g.gateway ?? (w.dstNode?.ip === w.dst ? w.dst : undefined);
}

/** How the node sends it: encapsulated, masqueraded out of the cluster (natOutgoing), or bare. */
async function sendHop(
  w: Walk,
  node: NodePlan,
  g: RouteGet,
  encap: Tunnel | 'none',
  outerDst: string | undefined,
): Promise<void> {
  const { src, dst } = w;
  const probes: Probe[] = [{ ns: node.netns, dev: 'eth0', dir: 'tx' }];
  if (encap !== 'none') {
    const what =
      encap === 'ipip'
        ? 'IPIP (protocol 4)'
        : encap === 'vxlan'
          ? 'VXLAN (UDP 4789, VNI 4096)'
          : 'WireGuard (UDP 51820)';
    w.add(
      `node ${node.name}`,
      `encapsulates in ${what}: outer ${node.ip} > ${outerDst}, inner ${src.ip} > ${dst}; ` +
        'the underlay sees only the outer header',
      { detail: { encapsulation: encap, outerSrc: node.ip, outerDst }, probes },
    );
  } else if (!w.dstPod && !w.dstNode && !w.rec.plan.nodes.some((n) => n.ip === g.gateway && n !== node)) {
    // Leaving the cluster: natOutgoing decides whether the pod's address leaves with it.
    const pool = w.rec.topology.ipPools.find((p) => contains(parseCidr(p.cidr), parseIp(src.ip)));
    const rule = pool?.natOutgoing ? await masqueradeRuleIn(node.netns) : undefined;
    if (rule) {
      w.natSrc = node.ip;
      w.add(
        `node ${node.name}`,
        `natOutgoing: ${dst} is outside every IPPool, ` +
          `so Felix's cali-nat-outgoing masquerades ${src.ip} to ${node.ip} ("${rule}")`,
        { detail: { natOutgoing: true, rule, sourceAfter: node.ip }, probes },
      );
    } else {
      w.add(
        `node ${node.name}`,
        `no natOutgoing on ${pool?.name ?? 'the pool'}: ${src.ip} leaves as it is, ` +
          'and nothing outside has a route back to it',
        { detail: { natOutgoing: false }, probes },
      );
    }
  } else {
    w.add(`node ${node.name}`, `sends it unencapsulated (pod addresses on the wire) out of ${g.dev}`, {
      detail: { encapsulation: 'none' },
      probes,
    });
  }
}

/** Across the underlay: one bridge within a subnet, else through the router. False: lost there. */
async function underlayHop(
  w: Walk,
  node: NodePlan,
  next: NodePlan | undefined,
  encap: Tunnel | 'none',
  outerDst: string | undefined,
): Promise<boolean> {
  if (next && next.subnet === node.subnet) {
    const bridge = subnetBridge(w.rec.topology.underlay.subnets.findIndex((s) => s.cidr === node.subnet));
    w.add('underlay', `crosses bridge ${bridge} (${node.subnet}) to ${next.name}`, {
      probes: [{ ns: w.router, dev: routerPort(next.name), dir: 'tx' }],
    });
    return true;
  }
  const hopDst = encap === 'none' ? w.dst : (outerDst ?? w.dst);
  const rg = await routeGet(w.router, hopDst);
  if ('error' in rg) {
    w.add('router', `cannot forward ${hopDst}: ${rg.error} (the router knows only the node subnets)`, {
      broken: true,
      probes: [{ ns: w.router, dev: routerPort(node.name), dir: 'rx' }],
    });
    return false;
  }
  if (encap === 'none') w.ttl -= 1;
  w.add(
    'router',
    `forwards ${hopDst} ${describe(rg)}${encap === 'none' ? ` (ttl ${w.ttl})` : ' (it decrements the outer TTL only)'}`,
    {
      detail: { dev: rg.dev, ttl: w.ttl },
      probes: [
        { ns: w.router, dev: routerPort(node.name), dir: 'rx' },
        { ns: w.router, dev: rg.dev!, dir: 'tx' },
      ],
    },
  );
  return true;
}

/** The packet arrives: at the outside host, or nowhere the lab knows. */
function arrivesOutside(w: Walk): void {
  const from = w.natSrc ?? w.src.ip;
  if (w.outside)
    w.add(`outside ${w.outside.name}`, `${w.dst} receives it from ${from} with ttl ${w.ttl}`, {
      detail: { ttl: w.ttl, source: from },
      probes: [{ ns: outsideNs(w.rec.lab, w.outside.name), dev: 'eth0', dir: 'rx' }],
    });
  else w.add('underlay', `${w.dst} is outside the lab`);
}

/** Local delivery on `node` (its own address, or a local workload's /32). True: the walk ended. */
function delivered(w: Walk, node: NodePlan, g: RouteGet, m: MatchedRoute | undefined, route: string): boolean {
  if (g.type === 'local') {
    w.add(`node ${node.name}`, `${w.dst} is node ${node.name}'s own address: delivered locally`, {
      detail: { ttl: w.ttl },
    });
    return true;
  }
  if (!g.dev?.startsWith('cali')) return false;
  if (!policyHop(w, 'ingress')) return true;
  w.ttl -= 1;
  w.add(`node ${node.name}`, `routes ${w.dst} by ${route}: the local workload's /32 (ttl ${w.ttl})`, {
    detail: { route: m?.dst, dev: g.dev, ttl: w.ttl },
    probes: [{ ns: node.netns, dev: g.dev, dir: 'tx' }],
  });
  w.add(`pod ${w.dstPod?.pod ?? w.dst}`, `${w.dst} receives the packet on eth0 with ttl ${w.ttl}`, {
    detail: { ttl: w.ttl },
    probes: w.dstPod ? [{ ns: w.dstPod.netns, dev: 'eth0', dir: 'rx' }] : undefined,
  });
  return true;
}

/** One node's forwarding decision, as for a packet arriving on `iif`: the next node and its
 *  arrival interface, or undefined where the walk ends (delivered, lost, or left the lab). */
async function nodeHop(w: Walk, node: NodePlan, iif: string): Promise<{ node: NodePlan; iif: string } | undefined> {
  const g = await routeGet(node.netns, w.dst, ['from', w.natSrc ?? w.src.ip, 'iif', iif]);
  if ('error' in g) {
    w.add(`node ${node.name}`, `cannot forward ${w.dst}: ${g.error}`, { broken: true });
    return undefined;
  }
  const m = g.type === 'local' ? undefined : await matchingRoute(node.netns, w.dst);
  // `ip route get` does not report onlink; the matched route does.
  if (m?.flags?.includes('onlink') && !g.flags?.includes('onlink')) g.flags = [...(g.flags ?? []), 'onlink'];
  const route = `${m?.dst ?? w.dst} ${describe(g)}${m?.protocol ? ` proto ${m.protocol}` : ''}`;
  if (delivered(w, node, g, m, route)) return undefined;
  w.ttl -= 1;
  const encap = TUNNEL_OF_DEVICE.get(g.dev ?? '') ?? 'none';
  w.add(
    `node ${node.name}`,
    `routes ${w.dst} by ${route}${g.table && g.table !== 'main' ? ` (table ${g.table})` : ''} (ttl ${w.ttl})`,
    {
      detail: {
        route: m?.dst,
        gateway: g.gateway,
        dev: g.dev,
        onlink: g.flags?.includes('onlink'),
        protocol: m?.protocol,
        ttl: w.ttl,
      },
      probes: [{ ns: node.netns, dev: g.dev!, dir: 'tx' }],
    },
  );
  const outerDst = outerDestination(w, node, g, m, encap);
  await sendHop(w, node, g, encap, outerDst);
  const plan = w.rec.plan;
  const next = plan.nodes.find((n) => n.ip === outerDst) ?? plan.nodes.find((n) => n.ip === g.gateway && n !== node);
  if (!(await underlayHop(w, node, next, encap, outerDst))) return undefined;
  if (!next) return void arrivesOutside(w);
  if (encap !== 'none') {
    w.add(
      `node ${next.name}`,
      `${TUNNEL_DEVICE[encap]} decapsulates: inner ${w.src.ip} > ${w.dst}, ttl still ${w.ttl}`,
      { detail: { ttl: w.ttl }, probes: [{ ns: next.netns, dev: TUNNEL_DEVICE[encap], dir: 'rx' }] },
    );
  }
  return { node: next, iif: encap === 'none' ? 'eth0' : TUNNEL_DEVICE[encap] };
}

export async function trace(rec: LabRecord, src: WorkloadEndpoint, dst: string, probe?: TraceProbe): Promise<Hop[]> {
  const w = new Walk(rec, src, dst, probe);
  if (!(await podHops(w))) return w.hops;
  // The node's forwarding decision, as for a packet arriving from the pod; at most 4 nodes.
  let at: { node: NodePlan; iif: string } | undefined = {
    node: rec.plan.nodes.find((n) => n.name === src.node)!,
    iif: src.interface,
  };
  for (let guard = 0; guard < 4 && at; guard++) at = await nodeHop(w, at.node, at.iif);
  return w.hops;
}

export function renderTrace(src: WorkloadEndpoint, dst: string, hops: Hop[]): string {
  const lines = [`trace ${src.pod} (${src.ip} on ${src.node}) -> ${dst}`];
  for (const h of hops) {
    const mark = h.seen === undefined ? '' : h.seen ? '  [seen]' : '  [NOT SEEN]';
    const lost = h.broken ? '  <- BREAK: the packet is lost here' : '';
    lines.push(`${String(h.n).padStart(2)}. [${h.where}] ${h.what}${lost}${mark}`);
    if (h.rule) lines.push(`      rule whose counter moved: ${h.rule}`);
    if (h.counted)
      lines.push(
        `      ${Object.entries(h.counted)
          .map(([k, v]) => `${k} +${v}`)
          .join(', ')}`,
      );
  }
  return lines.join('\n') + '\n';
}
