// Programs Felix's policy plane in node namespaces as Felix does: IP sets first with one
// `ipset restore`, then every table with one `iptables-restore --noflush` (felix/ipsets/ipsets.go
// and felix/iptables/table.go apply in batches through the restore tools), computed against the
// current `iptables-save` on a running lab so a re-apply touches only what changed; in nftables
// mode one `nft -f -` transaction replaces `table ip calico`. All nodes in parallel. Also reads
// the rule counters back, for verify and trace.
import {
  type FelixTables,
  ipsetRestore,
  iptablesRestore,
  parseSaveCounters,
  staleIpsetRestore,
  TABLES,
} from '../calico/felix/iptables/index.ts';
import { type PolicyNode, renderPolicyNode } from '../calico/felix/policy-plane.ts';
import { nsExec } from './exec.ts';

/** Felix's tables with nothing in them: restoring it against the current state removes every
 *  cali- chain and hook (what Felix leaves behind when its nftables mode takes over). */
function emptyTables(version: string): FelixTables {
  const tables = Object.fromEntries(
    TABLES.map((t) => [t, { name: t, chains: [] }]),
  ) as unknown as FelixTables['tables'];
  return { version, tables, ipsets: [] };
}

// Loaded only for nftables mode, which most labs never use.
const nftables = () => import('../calico/felix/nftables/index.ts');

const step = (n: PolicyNode, what: string) => `Felix ${what} on ${n.node}`;

/** Sets Felix no longer uses, destroyed after the rules that referenced them are gone. */
async function destroyStaleSets(n: PolicyNode, tables: FelixTables): Promise<void> {
  const existing = (await nsExec(step(n, 'ipset list'), n.netns, ['ipset', 'list', '-n'])).split('\n').filter(Boolean);
  const stale = staleIpsetRestore(tables.ipsets, existing);
  if (stale) await nsExec(step(n, 'ipset cleanup'), n.netns, ['ipset', 'restore'], { input: stale });
}

async function restoreIptables(n: PolicyNode, tables: FelixTables, fresh: boolean): Promise<void> {
  const current = fresh ? undefined : parseSaveCounters(await saveCounters(n.netns));
  const input = iptablesRestore(tables, current);
  if (input) await nsExec(step(n, 'iptables'), n.netns, ['iptables-restore', '--noflush'], { input });
}

async function applyIptablesMode(n: PolicyNode, fresh: boolean, wasNft: boolean): Promise<void> {
  const tables = renderPolicyNode(n);
  if (wasNft)
    await nsExec(step(n, 'nftables cleanup'), n.netns, ['nft', '-f', '-'], { input: (await nftables()).nftCleanup() });
  const sets = ipsetRestore(tables.ipsets);
  if (sets) await nsExec(step(n, 'ipsets'), n.netns, ['ipset', 'restore', '-exist'], { input: sets });
  await restoreIptables(n, tables, fresh);
  if (!fresh) await destroyStaleSets(n, tables);
}

async function applyNftablesMode(n: PolicyNode, fresh: boolean, wasIptables: boolean): Promise<void> {
  const tables = renderPolicyNode(n);
  const script = (await nftables()).nftScript(tables);
  await nsExec(step(n, 'nftables'), n.netns, ['nft', '-f', '-'], { input: script });
  if (!fresh && wasIptables) {
    const empty = emptyTables(tables.version);
    await restoreIptables(n, empty, false);
    await destroyStaleSets(n, empty);
  }
}

/** Brings each node's policy plane to `nodes`; `previous` is what the running lab has (none when fresh). */
export async function applyPolicyPlane(nodes: PolicyNode[], previous: PolicyNode[] | undefined): Promise<void> {
  const fresh = previous === undefined;
  const before = (n: PolicyNode) => previous?.find((p) => p.node === n.node);
  const changed = nodes.filter((n) => fresh || JSON.stringify(n) !== JSON.stringify(before(n)));
  await Promise.all(
    changed.map((n) => {
      const was = before(n)?.mode ?? (fresh ? n.mode : 'iptables');
      return n.mode === 'nftables'
        ? applyNftablesMode(n, fresh, was === 'iptables')
        : applyIptablesMode(n, fresh, was === 'nftables');
    }),
  );
}

/** `iptables-save -c` of a node namespace: every table with its rule counters. */
export function saveCounters(netns: string): Promise<string> {
  return nsExec(`read iptables counters in ${netns}`, netns, ['iptables-save', '-c']);
}

/** `nft list table ip calico` with its rules' counters, for nftables mode. */
export function listNftCalico(netns: string): Promise<string> {
  return nsExec(`read nftables in ${netns}`, netns, ['nft', 'list', 'table', 'ip', 'calico']);
}
