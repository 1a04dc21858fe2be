// `verify --html FILE`: one self-contained page (inline CSS and SVG, no scripts, no network):
// the cluster picture, the pod-pair matrix coloured by what crossed the wire (a pair that policy
// denied in the colour of the policy that decided), and each probe's decoded packets, TTL, path
// MTU and policy verdict.
import type { Plan } from '../plan/plan.ts';
import type { Topology } from '../topology/types.ts';
import type { OutsideReport, PairReport, VerifyReport } from '../verify/verify.ts';
import { clusterSvg, encapLabel, esc } from './svg.ts';

const COLOURS: Record<string, string> = {
  local: '#d9d9d9',
  ipip: '#8fb8ea',
  vxlan: '#c3a3e6',
  wireguard: '#8fd19e',
  none: '#f5c77e',
  'expected-unreachable': '#fafafa',
  failed: '#e86a6a',
};

const STYLE = [
  'body{font-family:system-ui,sans-serif;margin:24px;color:#222}h1{font-size:20px}h2{font-size:16px;margin-top:28px}',
  '.summary{padding:8px 12px;border-radius:6px;display:inline-block}.good{background:#dff3da}.poor{background:#f8d4d4}',
  'table.matrix{border-collapse:collapse;font-size:12px}' +
    'table.matrix td,table.matrix th{border:1px solid #bbb;padding:4px 6px;text-align:center}',
  'table.matrix td a{color:#222;text-decoration:none}td.self{background:#fff;color:#bbb}' +
    '.key{padding:2px 8px;border:1px solid #bbb;font-size:12px}',
  'table.list{border-collapse:collapse;font-size:12px}' +
    'table.list td,table.list th{border:1px solid #ccc;padding:3px 6px}',
  'details{margin:4px 0}summary.ok{color:#1d6b1d}summary.bad{color:#b00;font-weight:bold}' +
    'pre{background:#f6f6f6;padding:6px;font-size:11px;overflow-x:auto}',
  '.pcap{font-size:11px;color:#666}.picture{overflow-x:auto;border:1px solid #ddd;padding:8px}',
].join('\n');

/** A colour per deciding policy, the same on every run: a hue from the name's character codes. */
export function policyColour(policy: string): string {
  let h = 0;
  for (const ch of policy) h = (h * 31 + ch.charCodeAt(0)) % 360;
  return `hsl(${h} 70% 80%)`;
}

const probeName = (p: PairReport) => (p.protocol === 'icmp' ? 'icmp' : `${p.protocol}/${p.port}`);
const anchor = (p: PairReport) => `p-${p.from}-${p.to}-${probeName(p).replace('/', '-')}`;

function cell(p: PairReport | undefined): string {
  if (!p) return '<td class="self">-</td>';
  if (p.status === 'denied') {
    const title = esc(
      `${p.from} > ${p.to}: denied by ${p.policy}${p.droppedAt ? ` at ${p.droppedAt.description}` : ''}`,
    );
    const link = `<a href="#${esc(anchor(p))}">denied</a>`;
    return `<td style="background:${policyColour(p.policy)}" title="${title}">${link}</td>`;
  }
  const kind =
    p.status === 'failed'
      ? 'failed'
      : p.status === 'expected-unreachable'
        ? 'expected-unreachable'
        : (p.encapsulation ?? 'failed');
  const label = p.status === 'failed' ? 'FAIL' : p.status === 'expected-unreachable' ? 'unreachable' : kind;
  const title = esc(`${p.from} > ${p.to}: ${p.error ?? p.evidence[0] ?? ''}`);
  return `<td style="background:${COLOURS[kind]}" title="${title}"><a href="#${esc(anchor(p))}">${esc(label)}</a></td>`;
}

function pairDetails(p: PairReport): string {
  const summary =
    `${esc(probeName(p))} ${esc(p.fromPod)} ${esc(p.from)} &rarr; ${esc(p.toPod)} ${esc(p.to)}: ${esc(p.status)}, ` +
    `${esc(p.encapsulation ?? '?')} (expected ${esc(p.expected)}); policy: ${esc(p.verdict)} ` +
    `(expected ${esc(p.expectedVerdict)}, ${esc(p.policy)})`;
  const dropped = p.droppedAt ? `<br>dropped at ${esc(p.droppedAt.node)}: ${esc(p.droppedAt.description)}` : '';
  const outer = p.outer && p.encapsulation !== 'local' ? `outer ${esc(p.outer.src)} &gt; ${esc(p.outer.dst)}, ` : '';
  const ttl = `ttl ${p.ttl ?? '-'} (expected ${p.ttlExpected}: ${esc(p.ttlWhy)})`;
  const mtu = `path MTU ${p.pathMtu ?? '-'} (${esc(p.mtuWhy)})${p.mtuNote ? ` <i>${esc(p.mtuNote)}</i>` : ''}`;
  const error = p.error ? `<br><b>${esc(p.error)}</b>` : '';
  return `<details id="${esc(anchor(p))}"${p.ok ? '' : ' open'}>
<summary class="${p.ok ? 'ok' : 'bad'}">${summary}</summary>
<p>${outer}${ttl}; ${mtu}; ${esc(p.policyWhy)}${dropped}${error}</p>
<pre>${p.evidence.map(esc).join('\n') || 'no packets'}</pre><p class="pcap">pcap: ${esc(p.pcap)}</p></details>`;
}

function outsideRow(o: OutsideReport): string {
  const result = `${esc(o.status)}${o.error ? `: ${esc(o.error)}` : ''}`;
  return (
    `<tr class="${o.ok ? 'ok' : 'bad'}"><td>${esc(o.fromPod)} ${esc(o.from)}</td><td>${esc(o.host)} ${esc(o.to)}</td>` +
    `<td>${o.natOutgoing ? 'masquerade' : 'off'}</td><td>${esc(o.sourceSeen ?? '-')}</td><td>${result}</td></tr>`
  );
}

const OUTSIDE_HEAD =
  '<h2>To the outside (natOutgoing)</h2><table class="list">' +
  '<tr><th>from</th><th>to</th><th>NAT</th><th>source seen</th><th>result</th></tr>';

export function renderHtml(
  topo: Topology,
  plan: Plan,
  report: VerifyReport,
  generatedAt = new Date().toISOString(),
): string {
  const pods = plan.workloads;
  const find = (a: string, b: string) => report.pairs.find((p) => p.from === a && p.to === b && p.protocol === 'icmp');
  const bad = report.pairs.filter((p) => !p.ok).length + report.outside.filter((o) => !o.ok).length;
  const row = (a: (typeof pods)[number]) => {
    const cells = pods.map((b) => cell(a === b ? undefined : find(a.ip, b.ip))).join('');
    return `<tr><th>${esc(a.pod)}<br><small>${esc(a.ip)}</small></th>${cells}</tr>`;
  };
  const matrix = [
    '<table class="matrix"><tr><th>from \\ to</th>',
    ...pods.map((w) => `<th>${esc(w.pod)}<br><small>${esc(w.ip)}<br>${esc(w.node)}</small></th>`),
    '</tr>',
    ...pods.map(row),
    '</table>',
  ].join('\n');
  const legend = Object.entries(COLOURS)
    .map(([k, c]) => `<span class="key" style="background:${c}">${esc(k)}</span>`)
    .join(' ');
  const details = report.pairs.map(pairDetails).join('\n');
  const outside = report.outside.length ? `${OUTSIDE_HEAD}\n${report.outside.map(outsideRow).join('\n')}</table>` : '';
  const verdict = bad
    ? `${bad} ${bad === 1 ? 'pair' : 'pairs'} failed`
    : `all ${report.pairs.length} pod pairs as Calico would route them`;
  const proof = `proven from ${report.pcaps.length} pcaps; tcpdump drops ${report.droppedByKernel}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>calilab verify: ${esc(topo.name)}</title>
<style>
${STYLE}
</style></head><body>
<h1>calilab verify: ${esc(topo.name)} (${esc(encapLabel(topo))})</h1>
<p class="summary ${bad ? 'poor' : 'good'}">${verdict}, ${proof}; ${generatedAt}</p>
<h2>Cluster</h2><div class="picture">${clusterSvg(topo, plan)}</div>
<h2>Pod pairs</h2><p>${legend}</p>${matrix}
${outside}
<h2>Packets per pair</h2>${details}
</body></html>
`;
}
