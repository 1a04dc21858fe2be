// Renders a plan as ip(8) batch lines: one batch in the root namespace that creates every
// namespace and veth (both ends created directly inside their namespaces, so nothing ever
// appears in the root namespace), then one batch per namespace. Pure: the words come from
// validated names only, and ip's own tokenizer (not a shell) reads them.
import type { KernelObjects } from './objects.ts';
import type { Plan } from './plan.ts';
import { felixCreate, felixFdb } from '../calico/felix/dataplane.ts';
import { ipsetRestore, iptablesRestore } from '../calico/felix/iptables/index.ts';
import { nftScript } from '../calico/felix/nftables/index.ts';
import { type PolicyNode, renderPolicyNode } from '../calico/felix/policy-plane.ts';

/** What the running kernel decides for us: does a new netns already hold the fallback tunl0? */
export interface KernelFacts {
  tunl0Exists: boolean;
  /** The kernel can make ipip links at all; without it, a lab with no IPIP pool has no tunl0. */
  ipipAvailable?: boolean;
}

export function rootBatch(plan: KernelObjects): string[] {
  const lines = plan.namespaces.map((n) => `netns add ${n.name}`);
  for (const [a, b] of plan.veths) {
    const end = (e: typeof a) => `${e.name} mtu ${e.mtu}${e.mac ? ` address ${e.mac}` : ''} netns ${e.ns}`;
    lines.push(`link add name ${end(a)} type veth peer name ${end(b)}`);
  }
  return lines;
}

/** One batch per namespace of `plan`, plus per `existing` namespace that gains objects (a node
 *  that gets a new pod's cali end and /32). */
export function namespaceBatches(
  plan: KernelObjects,
  facts: KernelFacts,
  existing: string[] = [],
): Map<string, string[]> {
  const names = [...plan.namespaces.map((n) => n.name), ...existing];
  const out = new Map<string, string[]>(names.map((n) => [n, ['link set lo up']]));
  const add = (ns: string, line: string) => out.get(ns)!.push(line);
  for (const l of plan.links) {
    if (l.kind === 'bridge') add(l.ns, `link add name ${l.name} mtu ${l.mtu} type bridge`);
    // With the ipip module loaded, every new netns gets tunl0 unless the host set
    // net.core.fb_tunnels_only_for_init_net; then we add it ourselves.
    if (l.kind === 'ipip' && facts.ipipAvailable === false) continue;
    if (l.kind === 'ipip' && !facts.tunl0Exists) add(l.ns, `link add name ${l.name} type ipip`);
    add(l.ns, `link set dev ${l.name} mtu ${l.mtu} up`);
  }
  for (const p of plan.ports) add(p.ns, `link set dev ${p.dev} master ${p.bridge}`);
  for (const [a, b] of plan.veths) {
    add(a.ns, `link set dev ${a.name} up`);
    add(b.ns, `link set dev ${b.name} up`);
  }
  for (const a of plan.addresses)
    add(a.ns, `address add ${a.cidr} dev ${a.dev}${a.noprefixroute ? ' noprefixroute' : ''}`);
  for (const r of plan.routes) {
    const parts = ['route add', r.dst];
    if (r.via) parts.push('via', r.via);
    parts.push('dev', r.dev);
    if (r.proto) parts.push('proto', r.proto);
    if (r.scope) parts.push('scope', r.scope);
    if (r.src) parts.push('src', r.src);
    if (r.metric !== undefined) parts.push('metric', String(r.metric));
    add(r.ns, parts.join(' '));
  }
  return out;
}

/** `sysctl -w` arguments per namespace (one process each). */
export function sysctlArgs(plan: KernelObjects): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const s of plan.sysctls) {
    if (!out.has(s.ns)) out.set(s.ns, []);
    out.get(s.ns)!.push(`${s.key}=${s.value}`);
  }
  return out;
}

/** Felix's policy plane on a fresh node: ipset restore, then iptables-restore (kernel/policy.ts). */
function policyPlanText(p: PolicyNode): string[] {
  const tables = renderPolicyNode(p);
  if (p.mode === 'nftables')
    return [`## Felix policy on ${p.node}: ip netns exec ${p.netns} nft -f -`, nftScript(tables).trimEnd()];
  return [
    `## Felix policy on ${p.node}: ip netns exec ${p.netns} ipset restore -exist`,
    ipsetRestore(tables.ipsets).trimEnd(),
    '',
    `## Felix policy on ${p.node}: ip netns exec ${p.netns} iptables-restore --noflush`,
    iptablesRestore(tables).trimEnd(),
  ];
}

export function renderPlanText(plan: Plan, facts: KernelFacts): string {
  const lines = [
    `# calilab plan for lab ${plan.lab} (state in ${plan.stateDir})`,
    `# mtu: underlay ${plan.mtu.underlay}, tunnel ${plan.mtu.tunnel}, pod ${plan.mtu.pod}`,
    '',
    '## ip -batch (root namespace)',
  ];
  lines.push(...rootBatch(plan));
  for (const [ns, batch] of namespaceBatches(plan, facts)) lines.push('', `## ip -n ${ns} -batch`, ...batch);
  for (const [ns, args] of sysctlArgs(plan)) lines.push('', `## ip netns exec ${ns} sysctl -w`, ...args);
  // Felix's part (kernel/felix.ts applies it after the namespaces exist); WireGuard's keys and
  // peers come from the state directory at apply time, so only its device, rule and routes show.
  for (const f of plan.felix) {
    const [create, fdb] = [felixCreate(f), felixFdb(f)];
    if (create.length) lines.push('', `## Felix on ${f.node}: ip -n ${f.netns} -batch`, ...create);
    if (fdb.length) lines.push('', `## Felix on ${f.node}: bridge -n ${f.netns} -batch`, ...fdb);
  }
  for (const p of plan.policy) lines.push('', ...policyPlanText(p));
  for (const n of plan.nodes) lines.push('', `## ${n.bird.config}`, n.bird.text.trimEnd());
  if (plan.tor)
    lines.push(
      '',
      `## ${plan.tor.paths.config} (top-of-rack ${plan.tor.name}, ${plan.tor.implementation})`,
      plan.tor.text.trimEnd(),
    );
  return lines.join('\n') + '\n';
}
