// `calilab graph`: the cluster as Mermaid or Graphviz dot: subnets and the router, nodes with
// their blocks and tunnel address, pods on their cali interfaces, BGP sessions (mesh or
// reflectors) and the encapsulation between nodes.
import { buildPlan, type Plan } from '../plan/plan.ts';
import { encapLabel, sessionPairs as sessions } from './svg.ts';
import type { Topology } from '../topology/types.ts';

const id = (s: string) => s.replace(/[^A-Za-z0-9_]/g, '_');

/** A node's tunnel device and address after `sep`, or nothing when it has none (pools Never). */
const tunnelLine = (n: Plan['nodes'][number], sep: string) => (n.tunnelLabel ? `${sep}${n.tunnelLabel}` : '');

export function mermaid(topo: Topology, plan: Plan = buildPlan(topo)): string {
  const l = ['flowchart TB', `  router["router<br/>${topo.underlay.subnets.map((s) => s.gateway).join(', ')}"]`];
  l.push(...topo.underlay.subnets.flatMap((s, i) => [`  subnet${i}(["${s.cidr}"])`, `  router --- subnet${i}`]));
  for (const n of plan.nodes) {
    const i = topo.underlay.subnets.findIndex((s) => s.cidr === n.subnet);
    const rr = topo.bgp.routeReflectors.includes(n.name) ? ' (route reflector)' : '';
    l.push(
      `  subgraph ${id(n.name)}_box["${n.name} ${n.ip}"]`,
      `    ${id(n.name)}["BIRD AS ${topo.bgp.asNumber}${rr}${tunnelLine(n, '<br/>')}<br/>${n.blocks.join(', ')}"]`,
    );
    for (const w of plan.workloads.filter((x) => x.node === n.name))
      l.push(`    ${id(w.netns)}["${w.pod}<br/>${w.ip}<br/>${w.interface}"]`);
    l.push('  end', `  subnet${i} --- ${id(n.name)}_box`);
  }
  for (const [a, b] of sessions(topo)) l.push(`  ${id(a)} <-. "BGP" .-> ${id(b)}`);
  l.push(`  %% node-to-node traffic: ${encapLabel(topo)}`);
  return l.join('\n') + '\n';
}

export function dot(topo: Topology, plan: Plan = buildPlan(topo)): string {
  const l = [
    `graph "${topo.name}" {`,
    '  node [shape=box, fontname="monospace"];',
    `  label="${topo.name}: ${encapLabel(topo)}";`,
    '  router [shape=ellipse];',
  ];
  l.push(
    ...topo.underlay.subnets.flatMap((s, i) => [
      `  subnet${i} [shape=ellipse, label="${s.cidr}"];`,
      `  router -- subnet${i};`,
    ]),
  );
  for (const n of plan.nodes) {
    const i = topo.underlay.subnets.findIndex((s) => s.cidr === n.subnet);
    l.push(
      `  ${id(n.name)} [label="${n.name}\\n${n.ip}${tunnelLine(n, '\\n')}\\n${n.blocks.join(', ')}"];`,
      `  subnet${i} -- ${id(n.name)};`,
    );
    for (const w of plan.workloads.filter((x) => x.node === n.name))
      l.push(
        `  ${id(w.netns)} [label="${w.pod}\\n${w.ip}"];`,
        `  ${id(n.name)} -- ${id(w.netns)} [label="${w.interface}"];`,
      );
  }
  for (const [a, b] of sessions(topo)) l.push(`  ${id(a)} -- ${id(b)} [style=dashed, label="BGP", constraint=false];`);
  l.push('}');
  return l.join('\n') + '\n';
}
