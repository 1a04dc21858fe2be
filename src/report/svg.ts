// The cluster as a self-contained SVG (no Graphviz needed): the router on top, one bar per
// underlay subnet, nodes on their subnet with tunnel address and blocks, pods under their node,
// and the BGP sessions as dashed arcs between nodes (or to the top-of-rack router).
import { birdPeers } from '../calico/confd/bird-config.ts';
import { buildPlan, type Plan } from '../plan/plan.ts';
import type { Topology } from '../topology/types.ts';

export const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function encapLabel(topo: Topology): string {
  const p = topo.ipPools.find((x) => !x.disabled) ?? topo.ipPools[0];
  if (topo.wireguard) return 'WireGuard';
  if (p.vxlanMode !== 'Never') return `VXLAN ${p.vxlanMode}`;
  return `IPIP ${p.ipipMode}`;
}

/** Each BGP session once, as [node, peer name] (a peer may be the top-of-rack router). */
export function sessionPairs(topo: Topology): [string, string][] {
  const seen = new Set<string>();
  const out: [string, string][] = [];
  for (const n of topo.nodes) {
    for (const p of birdPeers(topo, n.name)) {
      const key = [n.name, p.name].sort().join('|');
      if (!seen.has(key)) {
        seen.add(key);
        out.push([n.name, p.name]);
      }
    }
  }
  return out;
}

const COL = 190;
const MAX_ARCS = 60; // beyond this a full mesh is a smear; say how many instead

const SVG_STYLE =
  '<style>.box{fill:#fff;stroke:#333}.node{fill:#eef4ff;stroke:#2b5fad}.pod{fill:#f3fbf1;stroke:#3c8d2f}' +
  '.bgp{fill:none;stroke:#c06000;stroke-dasharray:4 3}.bar{stroke:#555;stroke-width:4}</style>';

/** The line under the picture: encapsulation, BGP mode, how many sessions and how they are drawn. */
function caption(topo: Topology, plan: Plan, sessions: number, arcs: number): string {
  const mode = topo.bgp.nodeToNodeMesh
    ? 'node-to-node mesh'
    : topo.bgp.routeReflectors.length
      ? `route reflectors ${topo.bgp.routeReflectors.join(', ')}`
      : 'no mesh';
  const torNote = plan.tor ? ` + top-of-rack ${plan.tor.name}` : '';
  const arcsNote = arcs > MAX_ARCS ? ' (arcs not drawn)' : ' (dashed)';
  return `${topo.name}: ${encapLabel(topo)}; BGP ${mode}, ${sessions} sessions${torNote}${arcsNote}`;
}

export function clusterSvg(topo: Topology, plan: Plan = buildPlan(topo)): string {
  const nodes = [...plan.nodes].sort(
    (a, b) =>
      topo.underlay.subnets.findIndex((s) => s.cidr === a.subnet) -
      topo.underlay.subnets.findIndex((s) => s.cidr === b.subnet),
  );
  const x = (i: number) => 20 + i * COL;
  const width = Math.max(560, x(nodes.length) + 10);
  const podsPer = Math.max(1, ...nodes.map((n) => plan.workloads.filter((w) => w.node === n.name).length));
  const yNode = 170;
  const yPods = 290;
  const height = yPods + podsPer * 62 + 40;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
      'font-family="monospace" font-size="11">',
    SVG_STYLE,
  ];
  const text = (tx: number, ty: number, lines: string[], bold = false) => {
    const weight = (i: number) => (bold && i === 0 ? ' font-weight="bold"' : '');
    out.push(...lines.map((l, i) => `<text x="${tx}" y="${ty + i * 13}"${weight(i)}>${esc(l)}</text>`));
  };
  // Router
  const rx = width / 2 - 130;
  out.push(`<rect class="box" x="${rx}" y="10" width="260" height="${plan.tor ? 52 : 40}" rx="6"/>`);
  text(
    rx + 8,
    26,
    [
      'router (underlay)',
      topo.underlay.subnets.map((s) => s.gateway).join(', '),
      ...(plan.tor ? [`BGP AS ${plan.tor.asNumber} (${plan.tor.implementation}) ${plan.tor.ip}`] : []),
    ],
    true,
  );
  // Subnet bars
  topo.underlay.subnets.forEach((s) => {
    const idx = nodes.map((n, i) => (n.subnet === s.cidr ? i : -1)).filter((i) => i >= 0);
    if (!idx.length) return;
    const x1 = x(idx[0]);
    const x2 = x(idx[idx.length - 1]) + COL - 20;
    out.push(
      `<line class="bar" x1="${x1}" y1="120" x2="${x2}" y2="120"/>`,
      `<line stroke="#999" x1="${width / 2}" y1="${plan.tor ? 62 : 50}" x2="${(x1 + x2) / 2}" y2="120"/>`,
    );
    text(x1, 112, [`${s.cidr} (bridge)`]);
  });
  // Nodes and pods
  nodes.forEach((n, i) => {
    out.push(`<line stroke="#999" x1="${x(i) + 80}" y1="120" x2="${x(i) + 80}" y2="${yNode}"/>`);
    out.push(`<rect class="node" x="${x(i)}" y="${yNode}" width="${COL - 20}" height="86" rx="6"/>`);
    const rr = topo.bgp.routeReflectors.includes(n.name) ? ' (RR)' : '';
    text(
      x(i) + 6,
      yNode + 15,
      [
        `${n.name}${rr}`,
        `eth0 ${n.ip}`,
        n.tunnelLabel ?? 'no tunnel',
        ...n.blocks.slice(0, 2),
        ...(n.blocks.length > 2 ? [`+${n.blocks.length - 2} blocks`] : []),
      ],
      true,
    );
    plan.workloads
      .filter((w) => w.node === n.name)
      .forEach((w, j) => {
        const py = yPods + j * 62;
        out.push(`<line stroke="#3c8d2f" x1="${x(i) + 80}" y1="${yNode + 86}" x2="${x(i) + 80}" y2="${py}"/>`);
        out.push(`<rect class="pod" x="${x(i) + 10}" y="${py}" width="${COL - 40}" height="50" rx="5"/>`);
        text(x(i) + 16, py + 15, [w.pod, `eth0 ${w.ip}`, w.interface]);
      });
  });
  // BGP sessions as arcs above the node row
  const sessions = sessionPairs(topo);
  const arcs = sessions
    .map(([a, b]) => [nodes.findIndex((m) => m.name === a), nodes.findIndex((m) => m.name === b)])
    .filter(([, b]) => b >= 0);
  if (arcs.length <= MAX_ARCS) {
    for (const [a, b] of arcs) {
      const xa = x(a) + 120;
      const xb = x(b) + 120;
      const control = `${(xa + xb) / 2} ${yNode - 30 - Math.abs(b - a) * 8}`;
      out.push(`<path class="bgp" d="M ${xa} ${yNode} Q ${control} ${xb} ${yNode}"/>`);
    }
  }
  text(10, height - 12, [caption(topo, plan, sessions.length, arcs.length)]);
  out.push('</svg>');
  return out.join('\n') + '\n';
}
