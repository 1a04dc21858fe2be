// Felix's iptables state for one node: every chain it would program, with `cali:` hashes and the
// exact iptables-restore text, plus the IP sets its rules use.
import { VERSION_TRAITS } from '../../versions.ts';
import type { Ctx } from './context.ts';
import { workloadDispatchChains } from './dispatch.ts';
import { profilesOf, workloadChains } from './endpoints.ts';
import { escapeComment, ruleHashes } from './hash.ts';
import type { FelixIptablesInput, PolicyRef, RenderDeps } from './input.ts';
import { staticIpSets } from './ipsets.ts';
import { felixMarks } from './marks.ts';
import {
  type Chain,
  type FelixTable,
  type FelixTables,
  type Hook,
  type RenderedChain,
  type RenderedRule,
  type Rule,
  TABLES,
  type TableName,
} from './model.ts';
import { type Direction, felixPolicyName, policyChain, profileChain } from './policy.ts';
import { staticFilterChains } from './static-filter.ts';
import { kernelHooks, staticChains } from './static-tables.ts';

/** The kernel's chains in the order `iptables -L` and iptables-save list them. */
const KERNEL_CHAINS: Record<TableName, string[]> = {
  raw: ['PREROUTING', 'OUTPUT'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
};

/** renderer.go renderInner without the `-A <chain>` and hash prefix: comments, matches, action. */
export function ruleBody(r: Rule): string {
  const comments = (r.comment ?? []).map((c) => `-m comment --comment "${escapeComment(c)}"`);
  return [...comments, (r.match ?? []).join(' '), r.action?.fragment ?? ''].filter((s) => s !== '').join(' ');
}

function renderRules(
  table: TableName,
  chain: string,
  rules: Rule[],
  opts: { hashChain?: string; position?: 'insert' | 'append'; firstNum?: number } = {},
): RenderedRule[] {
  const bodies = rules.map(ruleBody);
  const hashes = ruleHashes(opts.hashChain ?? chain, bodies);
  return rules.map((r, i) => ({
    table,
    chain,
    num: (opts.firstNum ?? 1) + i,
    hash: hashes[i],
    body: bodies[i],
    text: [`-A ${chain} -m comment --comment "cali:${hashes[i]}"`, bodies[i]].filter((s) => s !== '').join(' '),
    action: r.action?.kind,
    target: r.action?.target,
    comments: (r.comment ?? []).map(escapeComment),
    owner: r.owner,
    position: opts.position,
  }));
}

/** table.go:796 expectedHashesForInsertAppendChain: inserted rules hash under the chain's name,
 *  appended ones under `<chain>*appends*`. */
function renderHook(table: TableName, hook: Hook): RenderedChain {
  const inserted = renderRules(table, hook.chain, hook.inserted, { position: 'insert' });
  const appended = renderRules(table, hook.chain, hook.appended, {
    hashChain: `${hook.chain}*appends*`,
    position: 'append',
    firstNum: inserted.length + 1,
  });
  return { name: hook.chain, kernel: true, rules: [...inserted, ...appended] };
}

/** table.go:539-680 (UpdateChain, increfChain): Felix only programs chains reachable from its hooks. */
function referenced(hooks: Hook[], chains: Map<string, Chain>): string[] {
  const seen = new Set<string>();
  const queue = hooks.flatMap((h) => [...h.inserted, ...h.appended]).flatMap((r) => r.action?.target ?? []);
  while (queue.length) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    const chain = chains.get(name);
    if (!chain) throw new Error(`Felix renderer bug: ${name} is referenced but not rendered`);
    seen.add(name);
    queue.push(...chain.rules.flatMap((r) => r.action?.target ?? []));
  }
  return [...seen].sort();
}

function renderTable(table: TableName, hooks: Hook[], chains: Chain[]): FelixTable {
  const byName = new Map(chains.map((c) => [c.name, c]));
  const kernel = KERNEL_CHAINS[table]
    .flatMap((k) => hooks.filter((h) => h.chain === k))
    .map((h) => renderHook(table, h));
  const own = referenced(hooks, byName).map((name) => ({
    name,
    kernel: false,
    rules: renderRules(table, name, byName.get(name)!.rules),
  }));
  return { name: table, chains: [...kernel, ...own] };
}

const uniqueBy = <T>(items: T[], key: (t: T) => string): T[] => [...new Map(items.map((i) => [key(i), i])).values()];

/** Policy and profile chains for the directions the local endpoints use (policy_mgr.go programs
 *  both; the table only writes the referenced ones). */
function policyAndProfileChains(ctx: Ctx): Chain[] {
  const uses: { ref: PolicyRef; dir: Direction }[] = ctx.input.endpoints.flatMap((ep) => [
    ...ep.ingress.map((ref) => ({ ref, dir: 'ingress' as const })),
    ...ep.egress.map((ref) => ({ ref, dir: 'egress' as const })),
  ]);
  const policies = uniqueBy(uses, (u) => `${u.dir} ${u.ref.tier} ${felixPolicyName(u.ref)}`).map((u) =>
    policyChain(ctx, u.ref, u.dir),
  );
  const profiles = [...new Set(ctx.input.endpoints.flatMap(profilesOf))].flatMap((p) => [
    profileChain(ctx, p, 'ingress'),
    profileChain(ctx, p, 'egress'),
  ]);
  return [...policies, ...profiles];
}

function filterChains(ctx: Ctx): Chain[] {
  const endpointChains = ctx.input.endpoints.flatMap((ep) => workloadChains(ctx, ep));
  return uniqueBy(
    [
      ...staticFilterChains(ctx),
      ...workloadDispatchChains(ctx.input.endpoints.map((ep) => ep.ifname)),
      ...endpointChains,
      ...policyAndProfileChains(ctx),
    ],
    (c) => c.name,
  );
}

/** Render what Felix (calilab's configuration: iptables mode, no host endpoints, no BPF/XDP/IPVS,
 *  no flow logs) programs on one node, for the input's Calico version. */
export function renderFelixIptables(input: FelixIptablesInput, deps: RenderDeps): FelixTables {
  const ctx: Ctx = {
    input,
    deps,
    version: input.version,
    marks: felixMarks(input.version, !!input.wireguard),
    ipsets: new Map(),
  };
  const chains: Record<TableName, Chain[]> = { ...staticChains(ctx), filter: filterChains(ctx) };
  const hooks = kernelHooks(ctx);
  const tables = Object.fromEntries(TABLES.map((t) => [t, renderTable(t, hooks[t], chains[t])])) as Record<
    TableName,
    FelixTable
  >;
  const selectorSets = [...ctx.ipsets.values()].sort((x, y) => (x.name < y.name ? -1 : 1));
  return { version: VERSION_TRAITS[input.version].release, tables, ipsets: [...staticIpSets(input), ...selectorSets] };
}
