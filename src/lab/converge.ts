// `up` returns only when the control plane and the data plane agree: every BGP session is
// Established (read from BIRD's socket, no process) and every remote block is in each node's
// kernel table (one `ip -j route` per node once BIRD says so).
import { existsSync, readFileSync } from 'node:fs';
import { birdPeers } from '../calico/confd/bird-config.ts';
import { bgpSessions } from '../kernel/bird-socket.ts';
import { ipJson, KernelError } from '../kernel/exec.ts';
import type { Plan } from '../plan/plan.ts';
import type { Topology } from '../topology/types.ts';
import { notYet, ready, waitFor, WaitTimeout, type Poll } from '../util/wait.ts';

async function sessionsUp(topo: Topology, plan: Plan): Promise<string[]> {
  const waiting: string[] = [];
  await Promise.all(
    plan.nodes.map(async (n) => {
      const want = birdPeers(topo, n.name).length;
      const rows = await bgpSessions(n.bird.socket).catch(() => []);
      const up = rows.filter((r) => r.info.startsWith('Established')).length;
      if (up < want) waiting.push(`${n.name} ${up}/${want} sessions`);
    }),
  );
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
  await Promise.all(
    plan.nodes.map(async (n) => {
      const routes = await ipJson<{ dst: string }[]>('read routes', n.netns, ['route', 'show', 'proto', 'bird']);
      const have = new Set(routes.map((r) => r.dst));
      for (const b of expectedBirdRoutes(topo, plan, n.name)) if (!have.has(b)) missing.push(`${n.name} lacks ${b}`);
    }),
  );
  if (plan.tor) {
    // The top-of-rack router must hold every block (BIRD installs proto bird, FRR's zebra proto bgp).
    const routes = await ipJson<{ dst: string }[]>('read routes', plan.tor.ns, ['route', 'show']);
    const have = new Set(routes.map((r) => r.dst));
    for (const b of plan.allocation.nodes.flatMap((n) => n.blocks))
      if (!have.has(b.cidr)) missing.push(`router lacks ${b.cidr}`);
  }
  return missing;
}

async function convergence(topo: Topology, plan: Plan): Promise<Poll<true>> {
  let waiting = await sessionsUp(topo, plan);
  if (!waiting.length) waiting = await routesIn(topo, plan);
  return waiting.length ? notYet(waiting.join('; ')) : ready(true);
}

/** The last lines of the first waiting node's BIRD log: why it waits (refused, hold timer, config). */
function birdLogOf(plan: Plan, waiting: string): string {
  const first = plan.nodes.find((n) => waiting.startsWith(`${n.name} `));
  if (!first || !existsSync(first.bird.log)) return '';
  const tail = readFileSync(first.bird.log, 'utf8').trim().split('\n').slice(-3).join(' | ');
  return `; ${first.name}'s BIRD log: ${tail}`;
}

export async function waitConverged(topo: Topology, plan: Plan, timeoutMs = 60000): Promise<void> {
  // Each poll asks every BIRD for its protocols: on a big cluster that load alone would starve
  // the daemons (and their keepalives) on a small machine, so poll less often there.
  const intervalMs = (waiting: string) => Math.max(waiting.includes('lacks') ? 500 : 200, plan.nodes.length * 40);
  try {
    await waitFor('wait for BGP convergence', () => convergence(topo, plan), { timeoutMs, intervalMs });
  } catch (e) {
    if (!(e instanceof WaitTimeout)) throw e;
    const shown = e.waiting.split('; ').slice(0, 6).join('; ');
    const why = `not converged after ${timeoutMs / 1000} s: ${shown}${birdLogOf(plan, e.waiting)}`;
    throw KernelError.from('wait for BGP convergence', why, e);
  }
}
