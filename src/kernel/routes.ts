// The kernel's own answers about forwarding, read inside a namespace: `ip route get` (the
// decision for one packet), the most specific route covering an address, a neighbour entry,
// and the masquerade rule of natOutgoing's nftables table. trace walks a path with these.
import { execa } from 'execa';
import { ipJson } from './exec.ts';

export interface RouteGet {
  type?: string;
  dst: string;
  gateway?: string;
  dev?: string;
  prefsrc?: string;
  flags?: string[];
  table?: string;
}

export interface MatchedRoute {
  dst: string;
  protocol?: string;
  type?: string;
  flags?: string[];
}

/** `ip route get DST [from SRC iif IF]`: the route the kernel would take, or its refusal. */
export async function routeGet(ns: string, dst: string, extra: string[] = []): Promise<RouteGet | { error: string }> {
  const r = await execa('ip', ['-n', ns, '-j', 'route', 'get', dst, ...extra], { reject: false });
  if (r.exitCode !== 0) return { error: String(r.stderr).trim() };
  return (JSON.parse(String(r.stdout)) as RouteGet[])[0];
}

/** The most specific route covering `dst` (not a blackhole): the prefix and protocol doc 000 quotes. */
export async function matchingRoute(ns: string, dst: string): Promise<MatchedRoute | undefined> {
  const rows = await ipJson<MatchedRoute[]>('match route', ns, ['route', 'show', 'match', dst]).catch(() => []);
  const len = (d: string) => (d === 'default' ? 0 : Number(d.split('/')[1] ?? 32));
  return rows.filter((x) => x.type !== 'blackhole').sort((a, b) => len(b.dst) - len(a.dst))[0];
}

/** The link-layer address a namespace resolved for `ip`, if any. */
export async function neighbourMac(ns: string, ip: string): Promise<string | undefined> {
  const rows = await ipJson<{ lladdr?: string }[]>('read neighbours', ns, ['neigh', 'show', ip]).catch(() => []);
  return rows[0]?.lladdr;
}

/** natOutgoing's MASQUERADE rule as Felix programmed it in a node namespace: iptables' nat
 *  `cali-nat-outgoing` (felix/rules/nat.go), or in nftables mode `table ip calico`'s
 *  `nat-cali-nat-outgoing`. Tables are per namespace. */
export async function masqueradeRuleIn(ns: string): Promise<string | undefined> {
  const ipt = await execa('ip', ['netns', 'exec', ns, 'iptables', '-t', 'nat', '-S', 'cali-nat-outgoing'], {
    reject: false,
  });
  const rule = String(ipt.stdout)
    .split('\n')
    .find((l) => l.startsWith('-A ') && l.includes('MASQUERADE'));
  if (rule) return rule.trim();
  const nft = await execa(
    'ip',
    ['netns', 'exec', ns, 'nft', 'list', 'chain', 'ip', 'calico', 'nat-cali-nat-outgoing'],
    {
      reject: false,
    },
  );
  return String(nft.stdout)
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l.includes('masquerade'));
}
