// The HTML report renders in a real browser: Debian's Chromium, headless, takes a screenshot
// (kept in out/report.png as a test artefact) and its DOM has the matrix and the picture.
import test from 'ava';
import { mkdirSync, statSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { buildPlan } from '../../src/plan/plan.ts';
import { renderHtml } from '../../src/report/html.ts';
import { clusterSvg } from '../../src/report/svg.ts';
import { expectPath } from '../../src/verify/expect.ts';
import { expectedPathMtu, expectedTtl } from '../../src/verify/facts.ts';
import { orderedPairs } from '../../src/verify/pairs.ts';
import type { VerifyReport } from '../../src/verify/verify.ts';
import { doc000 } from './helpers.ts';

function doc000Report(): { html: string; pairs: number } {
  const topo = doc000();
  const plan = buildPlan(topo);
  const pairs = orderedPairs(plan).map((p, i) => {
    const e = expectPath(topo, p.from, p.to);
    const ttl = expectedTtl(topo, p.from, p.to, e.encapsulation);
    const mtu = expectedPathMtu(topo, p.from, p.to, e.encapsulation);
    const failed = i === 3; // one failed pair, to see it in red
    return {
      from: p.from.ip,
      to: p.to.ip,
      fromPod: `default/${p.from.pod}`,
      toPod: `default/${p.to.pod}`,
      fromNode: p.from.node,
      toNode: p.to.node,
      sameNode: p.sameNode,
      ok: !failed,
      status: failed ? ('failed' as const) : ('ok' as const),
      protocol: 'icmp' as const,
      port: null,
      expectedVerdict: 'allowed' as const,
      verdict: 'allowed' as const,
      policy: 'kns.default',
      policyWhy: 'no policy applies; profile kns.default allows',
      reachable: !failed,
      encapsulation: e.encapsulation,
      expected: e.encapsulation,
      outer: { src: '10.10.20.3', dst: '10.10.20.4' },
      ttl: ttl.ttl,
      ttlExpected: ttl.ttl,
      ttlWhy: ttl.why,
      pathMtu: mtu.mtu,
      mtuExpected: mtu.mtu,
      mtuWhy: mtu.why,
      pcap: '/run/calilab/x/captures/k8s-cp1.pcap',
      evidence: [
        `k8s-cp1 eth0 Out: IP 10.10.20.3 > 10.10.20.4: IP ${p.from.ip} > ${p.to.ip}: ` +
          'ICMP echo request, id 1, seq 1, length 64 <script>',
      ],
      ...(failed ? { error: 'no echo reply' } : {}),
    };
  });
  const report: VerifyReport = { ok: false, pairs, outside: [], pcaps: ['a.pcap'], droppedByKernel: 0, timings: {} };
  return { html: renderHtml(topo, plan, report, '2026-11-25T00:00:00Z'), pairs: pairs.length };
}

test('the report is self-contained and escapes what it quotes', (t) => {
  const { html } = doc000Report();
  t.notRegex(html, /<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/, 'no scripts, no network');
  t.regex(html, /&lt;script&gt;/);
  t.regex(html, /<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  t.regex(html, /1 pair failed/);
});

test('graph -o svg draws every node, pod and the mesh', (t) => {
  const svg = clusterSvg(doc000());
  for (const s of [
    'k8s-cp1',
    'k8s-w1',
    'k8s-w2',
    'pod-a',
    '10.8.247.196',
    'tunl0 10.8.170.64',
    'node-to-node mesh, 3 sessions',
  ])
    t.true(svg.includes(s), s);
  t.is(svg.match(/class="bgp"/g)?.length, 3);
});

test('Chromium renders the report: screenshot in out/report.png, matrix and picture in the DOM', async (t) => {
  const { html, pairs } = doc000Report();
  mkdirSync('out', { recursive: true });
  const page = resolve('out/report.html');
  writeFileSync(page, html);
  const shot = resolve('out/report.png');
  const profile = mkdtempSync(join(tmpdir(), 'calilab-chromium-'));
  // The flags a closed-network root machine needs (no sandbox as root, no background traffic).
  const flags = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--user-data-dir=${profile}`,
    '--window-size=1280,1400',
  ];
  await execa('chromium', [...flags, `--screenshot=${shot}`, `file://${page}`], { timeout: 120000 });
  t.true(statSync(shot).size > 20000, 'a real picture, not a blank page');
  const dom = (await execa('chromium', [...flags, '--dump-dom', `file://${page}`], { timeout: 120000 })).stdout;
  t.is(dom.match(/<td style="background:/g)?.length, pairs, 'one coloured cell per ordered pair');
  t.regex(dom, /<svg[^>]*>[\s\S]*k8s-w2[\s\S]*<\/svg>/);
});
