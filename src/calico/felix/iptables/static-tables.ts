// Felix's nat, mangle and raw chains and its hooks into the kernel chains, for a node without host
// endpoints, BPF, XDP or OpenStack (felix/rules/static.go, felix/rules/nat.go and
// felix/dataplane/linux/int_dataplane.go:1923 setUpIptablesNormal, v3.30.7).
import { type Ctx, hasTiers, VXLAN_PORT, WORKLOAD_IFACES } from './context.ts';
import { a, m } from './fragments.ts';
import { ipsetName } from './hash.ts';
import type { Chain, Hook, Rule, TableName } from './model.ts';
import { forwardAppendRules } from './static-filter.ts';

/** static.go:920-940: the order Felix lists tunnel devices in (IPIP, VXLAN, then WireGuard). */
const TUNNEL_ORDER = ['tunl0', 'vxlan.calico'];
const tunnelRank = (dev: string) => (TUNNEL_ORDER.includes(dev) ? TUNNEL_ORDER.indexOf(dev) : TUNNEL_ORDER.length);

/** static.go:899 StaticNATPostroutingChains. */
function natPostrouting(ctx: Ctx): Chain {
  const devices = [...ctx.input.tunnelDevices].sort((x, y) => tunnelRank(x) - tunnelRank(y));
  // Traffic down a tunnel from a host address other than the tunnel's gets the tunnel's address.
  const masq = (dev: string): Rule => ({
    match: [m.outIface(dev), m.notSrcLocal(true), m.srcLocal()],
    action: a.masq(),
  });
  return {
    name: 'cali-POSTROUTING',
    rules: [{ action: a.jump('cali-fip-snat') }, { action: a.jump('cali-nat-outgoing') }, ...devices.map(masq)],
  };
}

/** nat.go:76 NATOutgoingChain: one MASQUERADE rule while any pool has natOutgoing (no NATPortRange,
 *  no NATOutgoingAddress, no interface filter). */
function natOutgoing(ctx: Ctx): Chain {
  const rule: Rule = {
    match: [m.srcSet(ipsetName('masq-ipam-pools')), m.notDstSet(ipsetName('all-ipam-pools'))],
    action: a.masq(),
  };
  return { name: 'cali-nat-outgoing', rules: ctx.input.masqPools.length ? [rule] : [] };
}

/** static.go:864 StaticNATTableChains, nat.go:110/132 (no floating IPs: empty fip chains). */
const natChains = (ctx: Ctx): Chain[] => [
  { name: 'cali-PREROUTING', rules: [{ action: a.jump('cali-fip-dnat') }] },
  natPostrouting(ctx),
  { name: 'cali-OUTPUT', rules: [{ action: a.jump('cali-fip-dnat') }] },
  natOutgoing(ctx),
  { name: 'cali-fip-dnat', rules: [] },
  { name: 'cali-fip-snat', rules: [] },
];

/** static.go:1007 StaticManglePreroutingChain and 1060 StaticManglePostroutingChain, with the empty
 *  mangle host endpoint dispatch chains (endpoint_mgr.go:1381/1395). IptablesMangleAllowAction: ACCEPT. */
function mangleChains(ctx: Ctx): Chain[] {
  const { marks } = ctx;
  const accepted = [m.markSet(marks.accept)];
  const hepAccepted = ['Host endpoint policy accepted packet.'];
  return [
    {
      name: 'cali-PREROUTING',
      rules: [
        { match: [m.ctstate('RELATED,ESTABLISHED')], action: a.accept() },
        { match: accepted, action: a.accept() },
        { action: a.jump('cali-from-host-endpoint') },
        { match: accepted, action: a.accept(), comment: hepAccepted },
      ],
    },
    {
      name: 'cali-POSTROUTING',
      rules: [
        // Forwarded traffic (filter FORWARD set the accept bit) skips host endpoint policy.
        { match: accepted, action: a.ret() },
        { action: a.clearMark(marks.all) },
        { match: [m.ctstate('DNAT')], action: a.jump('cali-to-host-endpoint') },
        { match: accepted, action: a.ret(), comment: hepAccepted },
      ],
    },
    { name: 'cali-from-host-endpoint', rules: [] },
    { name: 'cali-to-host-endpoint', rules: [] },
  ];
}

/** VXLAN flows use different source ports each way, so Felix leaves them untracked (v3.29+;
 *  static.go:1314-1324 and 1462-1470; absent from v3.28.5). */
const vxlanNotrack = (ctx: Ctx): Rule[] =>
  ctx.input.vxlanEnabled && hasTiers(ctx.version)
    ? [{ match: [m.proto('udp'), m.dstPort(VXLAN_PORT)], action: a.notrack() }]
    : [];

/** static.go:1297 StaticRawPreroutingChain with RPFilter (1370). WireGuard's incoming-mark jump is
 *  only there with WireguardEncryptHostTraffic, which calilab does not set. */
function rawPrerouting(ctx: Ctx): Chain {
  const { marks } = ctx;
  const fromWorkload = marks.scratch0;
  return {
    name: 'cali-PREROUTING',
    rules: [
      { action: a.clearMark(marks.all) },
      ...vxlanNotrack(ctx),
      { match: [m.inIface(WORKLOAD_IFACES)], action: a.setMark(fromWorkload) },
      { match: [m.markSet(fromWorkload)], action: a.jump('cali-rpf-skip') },
      // Strict reverse-path check for packets from workloads: no spoofed sources.
      { match: [m.markSet(fromWorkload), m.rpfFailed()], action: a.drop() },
      { match: [m.markClear(fromWorkload)], action: a.jump('cali-from-host-endpoint') },
      { match: [m.markSet(marks.accept)], action: a.accept() },
    ],
  };
}

/** static.go:1451 StaticRawOutputChain (no BPF bypass mark). */
const rawOutput = (ctx: Ctx): Chain => ({
  name: 'cali-OUTPUT',
  rules: [
    { action: a.clearMark(ctx.marks.all) },
    { action: a.jump('cali-to-host-endpoint') },
    ...vxlanNotrack(ctx),
    { match: [m.markSet(ctx.marks.accept)], action: a.accept() },
  ],
});

/** Raw chains, with the empty untracked host endpoint dispatch chains (endpoint_mgr.go:1360) and the
 *  empty RPF skip chain (endpoint_mgr.go:998 updateRPFSkipChain: no allowedSourcePrefixes). */
const rawChains = (ctx: Ctx): Chain[] => [
  rawPrerouting(ctx),
  rawOutput(ctx),
  { name: 'cali-rpf-skip', rules: [] },
  { name: 'cali-from-host-endpoint', rules: [] },
  { name: 'cali-to-host-endpoint', rules: [] },
];

export const staticChains = (ctx: Ctx): Record<Exclude<TableName, 'filter'>, Chain[]> => ({
  raw: rawChains(ctx),
  mangle: mangleChains(ctx),
  nat: natChains(ctx),
});

const insert = (chain: string, target: string): Hook => ({
  chain,
  inserted: [{ action: a.jump(target) }],
  appended: [],
});

/** int_dataplane.go:1923 setUpIptablesNormal: one jump inserted at the top of each kernel chain
 *  (ChainInsertMode insert), except nat POSTROUTING, appended so kube-proxy's MASQUERADE mark is
 *  cleared first (1977); filter FORWARD also gets the accept-mark rules appended (1953). */
export function kernelHooks(ctx: Ctx): Record<TableName, Hook[]> {
  const forward = insert('FORWARD', 'cali-FORWARD');
  forward.appended = forwardAppendRules(ctx);
  return {
    raw: [insert('PREROUTING', 'cali-PREROUTING'), insert('OUTPUT', 'cali-OUTPUT')],
    mangle: [insert('PREROUTING', 'cali-PREROUTING'), insert('POSTROUTING', 'cali-POSTROUTING')],
    nat: [
      insert('PREROUTING', 'cali-PREROUTING'),
      insert('OUTPUT', 'cali-OUTPUT'),
      { chain: 'POSTROUTING', inserted: [], appended: [{ action: a.jump('cali-POSTROUTING') }] },
    ],
    filter: [insert('INPUT', 'cali-INPUT'), forward, insert('OUTPUT', 'cali-OUTPUT')],
  };
}
