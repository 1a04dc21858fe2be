// `up` returns only when the control plane and the data plane agree: every BGP session is
// Established (read from BIRD's socket, no process) and every remote block is in each node's
// kernel table (one `ip -j route` per node once BIRD says so).
import { existsSync, readFileSync } from 'node:fs';
import { birdPeers } from '../calico/confd/bird-config.ts';
import { bgpSessions } from '../kernel/bird-socket.ts';
import { ipJson, KernelError } from '../kernel/exec.ts';
import type { Plan } from '../plan/plan.ts';
import type { Topology } from '../topology/types.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function sessionsUp(topo: Topology, plan: Plan): Promise<string[]> {
  const waiting: string[] = [];
  await Promise.all(plan.nodes.map(async (n) => {
    const want = birdPeers(topo, n.name).length;
    const rows = await bgpSessions(n.bird.socket).catch(() => []);
    const up = rows.filter((r) => r.info.startsWith('Established')).length;
    if (up < want) waiting.push(`${n.name} ${up}/${want} sessions`);
  }));
  return waiting;
}

/** Remote blocks each node must have learned; VXLAN pools are programmed by felix, not BIRD. */
export function expectedBirdRoutes(topo: Topology, plan: Plan, node: string): string[] {
  const vxlanPools = topo.ipPools.filter((p) => p.vxlanMode !== 'Never').map((p) => p.name);
  return plan.allocation.nodes
    .filter((n) => n.node !== node)
    .flatMap((n) => n.blocks)
    .filter((b) => !vxlanPools.includes(b.pool))
    .map((b) => b.cidr);
}

async function routesIn(topo: Topology, plan: Plan): Promise<string[]> {
  const missing: string[] = [];
  await Promise.all(plan.nodes.map(async (n) => {
    const routes = await ipJson<{ dst: string }[]>('read routes', n.netns, ['route', 'show', 'proto', 'bird']);
    const have = new Set(routes.map((r) => r.dst));
    for (const b of expectedBirdRoutes(topo, plan, n.name)) if (!have.has(b)) missing.push(`${n.name} lacks ${b}`);
  }));
  if (plan.tor) {
    // The top-of-rack router must hold every block (BIRD installs proto bird, FRR's zebra proto bgp).
    const routes = await ipJson<{ dst: string }[]>('read routes', plan.tor.ns, ['route', 'show']);
    const have = new Set(routes.map((r) => r.dst));
    for (const b of plan.allocation.nodes.flatMap((n) => n.blocks)) if (!have.has(b.cidr)) missing.push(`router lacks ${b.cidr}`);
  }
  return missing;
}

export async function waitConverged(topo: Topology, plan: Plan, timeoutMs = 60000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let waiting: string[] = [];
  while (Date.now() < until) {
    waiting = await sessionsUp(topo, plan);
    if (!waiting.length) {
      waiting = await routesIn(topo, plan);
      if (!waiting.length) return;
    }
    // Each poll asks every BIRD for its protocols: on a big cluster that load alone would starve
    // the daemons (and their keepalives) on a small machine, so poll less often there.
    await sleep(Math.max(waiting.length && waiting[0].includes('lacks') ? 500 : 200, plan.nodes.length * 40));
  }
  // The first waiting node's own BIRD log says why (refused connections, hold timer, config).
  const first = plan.nodes.find((n) => waiting[0]?.startsWith(`${n.name} `));
  const log = first && existsSync(first.bird.log) ? readFileSync(first.bird.log, 'utf8').trim().split('\n').slice(-3).join(' | ') : '';
  throw new KernelError('wait for BGP convergence', `not converged after ${timeoutMs / 1000} s: ${waiting.slice(0, 6).join('; ')}${log ? `; ${first!.name}'s BIRD log: ${log}` : ''}`);
}
