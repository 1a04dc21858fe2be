// npm run bench:scale [-- --sizes 10,25,50,100,200rr]: how far calilab scales on one machine.
// For each generated cluster (N nodes, 2 pods each; full mesh, or "rr" = 3 route reflectors),
// in one run: a hand-written `ip -batch` script doing the same namespace/veth/address/route
// plumbing (the floor), then calilab up (namespaces built, BGP converged), a sampled pod-pair
// ping check, BIRD's and calilab's memory, and down. Prints a table and writes out/bench-scale.json.
// Without ipip in this kernel it re-runs itself inside calilab's VM and says so.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { down, up } from '../src/lab/lab.ts';
import { probeDatapath } from '../src/kernel/probe.ts';
import { useSystemPath } from '../src/kernel/system-path.ts';
import { buildPlan, type Plan } from '../src/plan/plan.ts';
import { validateTopology } from '../src/topology/validate.ts';
import type { Topology } from '../src/topology/types.ts';
import { ping } from '../src/kernel/ping.ts';
import { runInVm } from '../src/vm/runner.ts';

useSystemPath();

export function generatedCluster(name: string, nodes: number, reflectors = 0): Topology {
  const ip = (i: number) => `10.100.${Math.floor((i + 10) / 250)}.${((i + 10) % 250) + 1}`;
  const names = Array.from({ length: nodes }, (_, i) => `n${i + 1}`);
  return validateTopology(
    {
      name,
      underlay: { mtu: 1500, subnets: [{ cidr: '10.100.0.0/16', gateway: '10.100.255.254' }] },
      nodes: names.map((n, i) => ({ name: n, ip: ip(i) })),
      ipPools: [{ name: 'default-ipv4-ippool', cidr: '10.200.0.0/16', blockSize: 26, ipipMode: 'Always' }],
      bgp: reflectors
        ? { nodeToNodeMesh: false, routeReflectors: names.slice(0, reflectors) }
        : { nodeToNodeMesh: true },
      pods: names.flatMap((n) => [
        { name: `${n}-a`, node: n },
        { name: `${n}-b`, node: n },
      ]),
    },
    `generated ${name}`,
  );
}

/** The floor: the plan's namespaces, veths, bridges, addresses and routes as a person would
 *  script them: one root `ip -batch`, then one `ip -n NS -batch` per namespace, one after another. */
export function floorScript(plan: Plan): { root: string[]; perNs: Map<string, string[]> } {
  const root = plan.namespaces.map((n) => `netns add ${n.name}`);
  for (const [a, b] of plan.veths)
    root.push(`link add ${a.name} mtu ${a.mtu} netns ${a.ns} type veth peer ${b.name} mtu ${b.mtu} netns ${b.ns}`);
  const perNs = new Map<string, string[]>(plan.namespaces.map((n) => [n.name, ['link set lo up']]));
  for (const l of plan.links) {
    const add = l.kind === 'bridge' ? `link add ${l.name} type bridge` : `link add ${l.name} type ipip`;
    perNs.get(l.ns)!.push(add, `link set ${l.name} up`);
  }
  for (const p of plan.ports) perNs.get(p.ns)!.push(`link set ${p.dev} master ${p.bridge}`);
  for (const [a, b] of plan.veths) {
    perNs.get(a.ns)!.push(`link set ${a.name} up`);
    perNs.get(b.ns)!.push(`link set ${b.name} up`);
  }
  for (const a of plan.addresses) perNs.get(a.ns)!.push(`addr add ${a.cidr} dev ${a.dev}`);
  for (const r of plan.routes)
    perNs.get(r.ns)!.push(`route replace ${r.dst}${r.via ? ` via ${r.via}` : ''} dev ${r.dev}`);
  return { root, perNs };
}

async function timeFloor(plan: Plan): Promise<{ build: number; teardown: number }> {
  const { root, perNs } = floorScript(plan);
  let t = Date.now();
  await execa('ip', ['-batch', '-'], { input: root.join('\n') + '\n' });
  for (const [ns, lines] of perNs) await execa('ip', ['-n', ns, '-batch', '-'], { input: lines.join('\n') + '\n' });
  const build = Date.now() - t;
  t = Date.now();
  await execa('ip', ['-force', '-batch', '-'], {
    input: plan.namespaces.map((n) => `netns del ${n.name}`).join('\n') + '\n',
    reject: false,
  });
  return { build, teardown: Date.now() - t };
}

const rssKiB = (pid: number) => Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)?.[1] ?? 0);

export interface ScaleRow {
  cluster: string;
  nodes: number;
  pods: number;
  sessions: number;
  floorMs: number;
  namespacesMs: number;
  plumbingRatio: number;
  convergedMs: number;
  sampleMs: number;
  samplePairs: number;
  sampleOk: number;
  downMs: number;
  floorDownMs: number;
  birdRssMiB: number;
  birdMiBPerNode: number;
  calilabRssMiB: number;
}

async function measure(label: string, nodes: number, reflectors: number): Promise<ScaleRow> {
  const topo = generatedCluster(`bench-${label}`, nodes, reflectors);
  const floorTopo = { ...topo, name: `bench-${label}-floor` };
  const floor = await timeFloor(buildPlan(floorTopo));
  const r = await up(topo).catch(async (e) => {
    // Say why before up's rollback has removed the evidence (it already has: show the plan's first node).
    console.log(`# ${label}: up failed: ${(e as Error).message}`);
    throw e;
  });
  try {
    const rec = r.record;
    const birds = rec.processes.filter((p) => p.what.startsWith('bird '));
    const birdRss = birds.reduce((a, p) => a + rssKiB(p.pid), 0) / 1024;
    // A fixed sample of pod pairs across the cluster (first pod of node i to node i + N/2 and more).
    const w = rec.plan.workloads;
    const pairs = Array.from(
      { length: Math.min(40, w.length) },
      (_, i) => [w[(i * 7) % w.length], w[(i * 7 + w.length / 2 + 1) % w.length]] as const,
    ).filter(([a, b]) => a !== b);
    const t = Date.now();
    const results = await Promise.all(pairs.map(([a, b]) => ping(a.netns, b.ip, { count: 1, timeoutS: 5 })));
    const sampleMs = Date.now() - t;
    const sessions = reflectors
      ? (nodes - reflectors) * reflectors + (reflectors * (reflectors - 1)) / 2
      : (nodes * (nodes - 1)) / 2;
    const row: ScaleRow = {
      cluster: reflectors ? `${nodes} nodes, ${reflectors} RRs` : `${nodes} nodes, mesh`,
      nodes,
      pods: w.length,
      sessions,
      floorMs: floor.build,
      namespacesMs: r.timings['namespaces and links'],
      plumbingRatio: r.timings['namespaces and links'] / floor.build,
      convergedMs: r.timings.total,
      sampleMs,
      samplePairs: pairs.length,
      sampleOk: results.filter((x) => x.ok).length,
      downMs: 0,
      floorDownMs: floor.teardown,
      birdRssMiB: birdRss,
      birdMiBPerNode: birdRss / nodes,
      calilabRssMiB: process.memoryUsage().rss / 1048576,
    };
    const d = Date.now();
    await down(topo.name);
    row.downMs = Date.now() - d;
    return row;
  } catch (e) {
    await down(topo.name).catch(() => {});
    throw e;
  }
}

function table(rows: ScaleRow[]): string {
  const head = [
    'cluster',
    'pods',
    'sessions',
    'floor',
    'namespaces',
    'ratio',
    'up→converged',
    'sample ok',
    'down (floor)',
    'BIRD RSS',
    'per node',
    'calilab RSS',
  ];
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const body = rows.map((r) => [
    r.cluster,
    String(r.pods),
    String(r.sessions),
    s(r.floorMs),
    s(r.namespacesMs),
    `${r.plumbingRatio.toFixed(2)}x`,
    s(r.convergedMs),
    `${r.sampleOk}/${r.samplePairs} in ${s(r.sampleMs)}`,
    `${s(r.downMs)} (${s(r.floorDownMs)})`,
    `${r.birdRssMiB.toFixed(0)} MiB`,
    `${r.birdMiBPerNode.toFixed(2)} MiB`,
    `${r.calilabRssMiB.toFixed(0)} MiB`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  return [head, ...body].map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ')).join('\n') + '\n';
}

export async function benchScale(sizes: string[]): Promise<ScaleRow[]> {
  const rows: ScaleRow[] = [];
  for (const s of sizes) {
    const rr = s.endsWith('rr');
    const n = Number(s.replace(/rr$/, ''));
    const row = await measure(s, n, rr ? 3 : 0);
    console.log(
      `# ${row.cluster}: floor ${row.floorMs} ms, namespaces ${row.namespacesMs} ms, ` +
        `converged ${row.convergedMs} ms, sample ${row.sampleOk}/${row.samplePairs}`,
    );
    rows.push(row);
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const i = process.argv.indexOf('--sizes');
  const sizes = (i > 0 ? process.argv[i + 1] : '10,25,50,100,200rr').split(',');
  const dp = await probeDatapath();
  if (!dp.ipip && !process.env.CALILAB_IN_VM) {
    console.log(
      "# this kernel has no ipip: running the scale benchmark inside calilab's VM " +
        '(TCG: every process is slower than on a host)',
    );
    const r = await runInVm({
      argv: ['node', '--import=tsx', 'scripts/bench-scale.ts', '--sizes', sizes.join(',')],
      onStdout: (c) => process.stdout.write(c),
      memoryMiB: 6144,
      timeoutMs: 3 * 3600 * 1000,
    });
    process.exitCode = r.exitCode;
  } else {
    const rows = await benchScale(sizes);
    process.stdout.write('\n' + table(rows));
    mkdirSync('out', { recursive: true });
    const summary = { kernel: (await execa('uname', ['-r'])).stdout, inVm: !!process.env.CALILAB_IN_VM, rows };
    writeFileSync('out/bench-scale.json', JSON.stringify(summary, null, 2) + '\n');
    console.log('written: out/bench-scale.json');
  }
}
