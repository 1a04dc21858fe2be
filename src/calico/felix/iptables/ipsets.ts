// Felix's IP sets and their `ipset restore` text.
import { ipsetName } from './hash.ts';
import type { FelixIptablesInput } from './input.ts';
import type { FelixIpSet, IpSetType } from './model.ts';

/** felix/config/config_params.go:314 MaxIpsetSize. */
const MAX_SIZE = 1048576;
/** felix/ipsets/ipset_defs.go:224 tempIpsetToken: Felix's temporary sets are `cali4t<n>`. One per
 *  type, so a temporary set a failed run left behind can always be re-created with -exist. */
const TEMP_SET: Record<IpSetType, string> = { 'hash:net': 'cali4t0', 'hash:ip': 'cali4t1', 'hash:ip,port': 'cali4t2' };
/** ipset_defs.go NewIPVersionConfig: names Felix owns (main `cali40…` and temporary `cali4t…`). */
const OURS = /^cali4[0t]/;

const set = (id: string, type: IpSetType, members: string[]): FelixIpSet => ({
  name: ipsetName(id),
  id,
  type,
  members,
});

/** The static sets: masq_mgr.go:59 (pools, hash:net), hostip_mgr.go:97 (this-host, hash:ip),
 *  ipip_mgr.go:75 (all-hosts-net, hash:net, IPIP on) and vxlan_mgr.go:136 (all-vxlan-net, VXLAN on). */
export function staticIpSets(input: FelixIptablesInput): FelixIpSet[] {
  return [
    set('all-ipam-pools', 'hash:net', input.allPools),
    set('masq-ipam-pools', 'hash:net', input.masqPools),
    set('this-host', 'hash:ip', input.thisHostIps),
    ...(input.ipipEnabled ? [set('all-hosts-net', 'hash:net', input.hostIps)] : []),
    ...(input.vxlanEnabled ? [set('all-vxlan-net', 'hash:net', input.hostIps)] : []),
  ];
}

/** felix/ipsets/ipsets.go:975: `create <name> <type> family inet maxelem <n>`. */
const create = (name: string, type: IpSetType) => `create ${name} ${type} family inet maxelem ${MAX_SIZE} -exist`;

/** Input for `ipset restore` that brings every set to its members atomically and idempotently: the
 *  members go into a temporary set that is swapped in (as Felix does when a set must change), so a
 *  packet never sees a half-filled set, and a re-run with the same input changes nothing. */
export function ipsetRestore(sets: FelixIpSet[]): string {
  const lines = sets.flatMap((s) => {
    const temp = TEMP_SET[s.type];
    return [
      create(s.name, s.type),
      create(temp, s.type),
      `flush ${temp}`,
      ...[...new Set(s.members)].map((member) => `add ${temp} ${member}`),
      `swap ${s.name} ${temp}`,
      `destroy ${temp}`,
    ];
  });
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** `ipset restore` input destroying the Felix sets (names from `ipset list -n`) no rule uses any more.
 *  Run it after iptables-restore has removed the rules that referenced them. */
export function staleIpsetRestore(sets: FelixIpSet[], existing: string[]): string {
  const wanted = new Set(sets.map((s) => s.name));
  const stale = existing.filter((n) => OURS.test(n) && !wanted.has(n));
  return stale.map((n) => `destroy ${n}\n`).join('');
}
