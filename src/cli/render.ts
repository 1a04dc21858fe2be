// The text renderings that used to sit inline in the commands: each returns exactly the text
// calilab has always printed (the --json / -o json|yaml forms are printed by printAs from the data).
import { renderSideBySide, type CaptureResult } from '../doc/compare.ts';
import { isOurProcess } from '../kernel/bird.ts';
import type { ProtocolRow } from '../kernel/bird-socket.ts';
import type { MtuResult } from '../kernel/ping.ts';
import type { LabRecord } from '../lab/state.ts';
import type { MtuFact } from '../verify/facts.ts';
import type { OutsideReport, PairReport, VerifyReport } from '../verify/verify.ts';
import { green, red, table } from './output.ts';

const TTL_WHY =
  "TTL: 64 leaves the replying pod; each namespace that routes the pod's packet takes one " +
  '(same node 63, across nodes 62).';

function pairRow(p: PairReport): string[] {
  const outer = p.outer && p.encapsulation !== 'none' ? `${p.outer.src} > ${p.outer.dst}` : '-';
  const at = p.droppedAt ? ` (${p.droppedAt.node} ${p.droppedAt.chain} #${p.droppedAt.rule})` : '';
  const denied = `denied by ${p.policy}${at}`;
  const result =
    p.status === 'ok'
      ? 'ok'
      : p.status === 'expected-unreachable'
        ? 'unreachable (expected)'
        : p.status === 'denied'
          ? denied
          : `FAIL ${p.error ?? ''}`;
  return [
    p.protocol === 'icmp' ? 'icmp' : `${p.protocol}/${p.port}`,
    `${p.fromPod} ${p.from}`,
    `${p.toPod} ${p.to}`,
    p.sameNode ? 'same node' : `${p.fromNode} -> ${p.toNode}`,
    p.encapsulation ?? '?',
    outer,
    p.ttl === undefined ? '-' : String(p.ttl),
    p.pathMtu === undefined ? '-' : String(p.pathMtu),
    result,
  ];
}

function outsideRow(o: OutsideReport): string[] {
  const result = o.status === 'failed' ? `FAIL ${o.error}` : o.status === 'ok' ? 'ok' : 'unreachable (expected)';
  const nat = o.natOutgoing ? 'masquerade' : 'off';
  return [`${o.fromPod} ${o.from}`, `${o.host} ${o.to}`, nat, o.sourceSeen ?? '-', result];
}

/** `verify` / `run`: the pair table, the outside-host table, why the MTU and TTL, and the verdict. */
export function renderVerify(report: VerifyReport): string {
  let out = table([
    ['PROBE', 'FROM', 'TO', 'PATH', 'ENCAP', 'OUTER', 'TTL', 'MTU', 'RESULT'],
    ...report.pairs.map(pairRow),
  ]);
  if (report.outside.length) {
    out += '\n' + table([['FROM', 'TO', 'NAT', 'SOURCE SEEN', 'RESULT'], ...report.outside.map(outsideRow)]);
  }
  const bad = report.pairs.filter((p) => !p.ok).length + report.outside.filter((o) => !o.ok).length;
  const first = report.pairs.find((p) => p.pathMtu !== undefined);
  if (first) out += `MTU: ${first.mtuWhy}\n${TTL_WHY}\n`;
  return (
    out +
    (bad
      ? red(`${bad} of ${report.pairs.length} pairs failed\n`)
      : green(`all ${report.pairs.length} pairs as expected, proven from ${report.pcaps.length} pcaps\n`))
  );
}

const birdOf = (rec: LabRecord, node: string) => rec.processes.find((p) => p.what === `bird ${node}`);

/** `status --json`: the lab, each node with its BIRD process and sessions, and the pods. */
export function statusData(rec: LabRecord, sessions: ProtocolRow[][]): unknown {
  const nodes = rec.plan.nodes.map((n, i) => ({
    name: n.name,
    ip: n.ip,
    blocks: n.blocks,
    tunnelAddress: n.tunnelAddress,
    bird: birdOf(rec, n.name),
    sessions: sessions[i],
  }));
  return { lab: rec.lab, nodes, pods: rec.plan.workloads };
}

/** `status`: a header line, then nodes, pods and BGP sessions as three tables. */
export function renderStatus(rec: LabRecord, sessions: ProtocolRow[][]): string {
  const nodes = rec.plan.nodes.map((n, i) => {
    const p = birdOf(rec, n.name);
    const alive = p && isOurProcess(p.pid, p.marker);
    const est = sessions[i].filter((s) => s.info.startsWith('Established')).length;
    const bird = alive ? `pid ${p!.pid}` : 'down';
    return [n.name, n.ip, n.blocks.join(','), n.tunnelAddress ?? '-', bird, `${est}/${sessions[i].length} Established`];
  });
  const pods = rec.plan.workloads.map((w) => [`${w.namespace}/${w.pod}`, w.ip, w.node, w.interface]);
  const bgp = [['NODE', 'PEER', 'STATE', 'SINCE', 'INFO']];
  const rows = rec.plan.nodes.flatMap((n, i) => sessions[i].map((s) => [n.name, s.name, s.state, s.since, s.info]));
  bgp.push(...rows);
  return (
    `lab ${rec.lab} (from ${rec.topologyFile}, up since ${rec.createdAt})\n\n` +
    table([['NODE', 'IP', 'BLOCKS', 'TUNL0', 'BIRD', 'SESSIONS'], ...nodes]) +
    '\n' +
    table([['POD', 'IP', 'NODE', 'INTERFACE'], ...pods]) +
    '\n' +
    table(bgp)
  );
}

/** `mtu`: the measured path MTU, why calilab expects what it expects, and what one byte more gets. */
export function renderMtu(from: string, to: string, r: MtuResult, why: MtuFact): string {
  return (
    `path MTU ${from} -> ${to}: ${r.pathMtu} ` +
    `(largest DF payload ${r.payload} + 28 bytes of IPv4 and ICMP headers)\n` +
    `why: ${why.why}\none byte above (ping -M do -s ${r.payload + 1}): ${r.aboveError}\n`
  );
}

/** `doc --json`: each capture's verdict and lines. */
export const docData = (results: CaptureResult[]) =>
  results.map((r) => ({
    id: r.golden.id,
    title: r.golden.title,
    source: r.golden.source,
    status: r.status,
    lines: r.lines,
  }));

/** `doc`: each capture side by side, then how many matched. */
export function renderDoc(results: CaptureResult[], doc: string, lab: string): string {
  const count = (status: CaptureResult['status']) => results.filter((r) => r.status === status).length;
  return (
    results.map((r) => renderSideBySide(r)).join('\n') +
    `\ndoc ${doc} on lab ${lab}: ${count('match')} match, ${count('known')} with documented differences, ` +
    `${count('differs')} differ\n`
  );
}
