// verify's policy side: which probes run (ICMP for every pair, plus every declared pod port from
// every other pod), what Calico's policy semantics predict for each (calico/policy/evaluate.ts),
// and where a dropped probe died, read from the Felix rule whose counter moved while the probes
// ran (iptables-save -c before and after, mapped back to Felix's rules by their cali: hash).
import {
  type CounterDelta,
  describeRule,
  type FelixTables,
  movedCounters,
  parseSaveCounters,
  type SaveState,
} from '../calico/felix/iptables/index.ts';
import { parseNftCounters, renderNft } from '../calico/felix/nftables/index.ts';
import { type PolicyNode, policyEndpoints, renderPolicyNode } from '../calico/felix/policy-plane.ts';
import { listNftCalico, saveCounters } from '../kernel/policy.ts';
import { type Evaluation, evaluate } from '../calico/policy/evaluate.ts';
import { topologyNamespaces, topologyPolicies } from '../calico/policy/topology.ts';
import type { PolicyEndpoint } from '../calico/policy/types.ts';
import type { LabRecord } from '../lab/state.ts';
import type { WorkloadEndpoint } from '../plan/plan.ts';
import type { ProbeTarget } from './delivered.ts';

/** Every declared port of every pod, probed from every other pod (TCP handshake or UDP datagram). */
export function portProbeTargets(rec: LabRecord): ProbeTarget[] {
  const { workloads } = rec.plan;
  return (rec.plan.listeners ?? []).flatMap((l) => {
    const to = workloads.find((w) => w.netns === l.netns)!;
    const protocol = l.protocol === 'TCP' ? ('tcp' as const) : ('udp' as const);
    return workloads.filter((w) => w !== to).map((from) => ({ from, to, protocol, port: l.port }));
  });
}

/** The policy oracle for a lab: Calico's verdict on any probe between its pods. */
export function policyOracle(rec: LabRecord): (t: ProbeTarget) => Evaluation {
  const eps = policyEndpoints(rec.topology, rec.plan.workloads);
  const policies = topologyPolicies(rec.topology);
  const namespaces = topologyNamespaces(rec.topology);
  const ep = (w: WorkloadEndpoint): PolicyEndpoint => eps.find((e) => e.ip === w.ip && e.node === w.node)!;
  return (t) => evaluate({ from: ep(t.from), to: ep(t.to), protocol: t.protocol, port: t.port }, policies, namespaces);
}

export interface DroppedAt {
  node: string;
  chain: string;
  /** 1-based, as `iptables -L --line-numbers` numbers it. */
  rule: number;
  /** Felix's rule hash and a line for humans: chain, number, comment, owner. */
  hash?: string;
  description: string;
}

/** What verify reads from each node's rules around the probes. */
export interface NodeCounters {
  node: string;
  tables: FelixTables;
  before: SaveState;
  after: SaveState;
}

const isDrop = (d: CounterDelta) => d.felix?.action === 'drop' || /--jump DROP$|-j DROP$/.test(d.rule.text);

/** The Felix DROP rule that counted the probe's packets: in the sender's cali-fw- (egress) or the
 *  receiver's cali-tw- chain (ingress) or a policy chain they jump to, on the node that runs it. */
export function droppedAt(t: ProbeTarget, decision: Evaluation, counters: NodeCounters[]): DroppedAt | undefined {
  const sides = [
    { node: t.from.node, chain: `cali-fw-${t.from.interface}`, dir: 'egress' },
    { node: t.to.node, chain: `cali-tw-${t.to.interface}`, dir: 'ingress' },
  ].sort((a, b) => (a.dir === decision.direction ? -1 : b.dir === decision.direction ? 1 : 0));
  for (const side of sides) {
    const c = counters.find((x) => x.node === side.node);
    if (!c) continue;
    const moved = movedCounters(c.before, c.after, c.tables).filter((d) => d.rule.table === 'filter' && isDrop(d));
    const owned = (d: CounterDelta) =>
      sameChain(d.rule.chain, side.chain) ||
      (d.felix?.owner?.kind === 'policy' &&
        d.felix.owner.direction === side.dir &&
        d.felix.owner.name === decision.policy);
    const hit = moved.find(owned);
    if (hit)
      return {
        node: side.node,
        chain: hit.rule.chain,
        rule: hit.rule.num,
        hash: hit.rule.hash,
        description: describeRule(hit.rule, c.tables),
      };
  }
  return undefined;
}

/** The node's Felix tables as rendered from the lab's plan (nftables mode: as `table ip calico`
 *  names them), to map counters to rules. */
export function renderedTables(rec: LabRecord, node: string): FelixTables | undefined {
  const p = (rec.plan.policy ?? []).find((x) => x.node === node);
  if (!p) return undefined;
  const tables = renderPolicyNode(p);
  return p.mode === 'nftables' ? renderNft(tables) : tables;
}

/** Every policy node's rule counters (`iptables-save -c`, or `nft list table ip calico`). */
export async function readRuleCounters(rec: LabRecord, only?: string[]): Promise<Map<string, SaveState>> {
  const nodes = (rec.plan.policy ?? []).filter((p) => !only || only.includes(p.node));
  const read = (p: PolicyNode) =>
    p.mode === 'nftables'
      ? listNftCalico(p.netns).then(parseNftCounters)
      : saveCounters(p.netns).then(parseSaveCounters);
  const saved = await Promise.all(nodes.map(read));
  return new Map(nodes.map((p, i) => [p.node, saved[i]]));
}

/** A chain as Felix names it in either mode: nftables prefixes the table layer (filter-cali-tw-…). */
export const sameChain = (saved: string, iptablesName: string) =>
  saved === iptablesName || saved === `filter-${iptablesName}`;
