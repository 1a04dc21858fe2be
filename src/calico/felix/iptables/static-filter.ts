// Felix's static filter-table chains for a node without host endpoints, BPF, IPVS or OpenStack
// (felix/rules/static.go at v3.30.7; v3.28.5 and v3.29.6 differ only in the mark values).
import { type Ctx, VXLAN_PORT, WORKLOAD_IFACES } from './context.ts';
import { a, actionWord, m } from './fragments.ts';
import { ipsetName } from './hash.ts';
import type { Action, Chain, Rule } from './model.ts';

const ALL_HOSTS_NET = ipsetName('all-hosts-net');
const ALL_VXLAN_NET = ipsetName('all-vxlan-net');
const HEP_ACCEPTED = 'Host endpoint policy accepted packet.';

/** static.go:608 StaticFilterForwardChains. */
function forwardChain(ctx: Ctx): Chain {
  const { marks } = ctx;
  return {
    name: 'cali-FORWARD',
    rules: [
      // Clear all our bits but the accept bit, which raw/pre-DNAT chains use to talk to us.
      { action: a.clearMark(marks.all & ~marks.accept) },
      { match: [m.markClear(marks.accept)], action: a.jump('cali-from-hep-forward') },
      { match: [m.inIface(WORKLOAD_IFACES)], action: a.jump('cali-from-wl-dispatch') },
      { match: [m.outIface(WORKLOAD_IFACES)], action: a.jump('cali-to-wl-dispatch') },
      { action: a.jump('cali-to-hep-forward') },
      { action: a.jump('cali-cidr-block') },
    ],
  };
}

/** static.go:674 StaticFilterForwardAppendRules: appended to the kernel's FORWARD chain. */
export const forwardAppendRules = (ctx: Ctx): Rule[] => [
  { match: [m.markSet(ctx.marks.accept)], action: a.accept(), comment: ['Policy explicitly accepted packet.'] },
  // Tells mangle cali-POSTROUTING the packet was forwarded, not host-originated.
  { action: a.setMark(ctx.marks.accept) },
];

/** static.go:249 filterInputChain, IPIP block. The deny comment is `%s IPIP …` with Action.String(). */
function inputIpipRules(): Rule[] {
  const deny = a.drop();
  return [
    {
      match: [m.proto('4'), m.srcSet(ALL_HOSTS_NET), m.dstLocal()],
      action: a.accept(),
      comment: ['Allow IPIP packets from Calico hosts'],
    },
    { match: [m.proto('4')], action: deny, comment: [`${actionWord(deny)} IPIP packets from non-Calico hosts`] },
  ];
}

/** static.go:270-293 (filterInputChain), the IPv4 VXLAN block (its drop is a literal Drop, not the deny action). */
const inputVxlanRules = (): Rule[] => [
  {
    match: [
      m.proto('17'),
      m.dstPorts([{ first: VXLAN_PORT, last: VXLAN_PORT }]),
      m.srcSet(ALL_VXLAN_NET),
      m.dstLocal(),
    ],
    action: a.accept(),
    comment: ['Allow IPv4 VXLAN packets from allowed hosts'],
  },
  {
    match: [m.proto('17'), m.dstPorts([{ first: VXLAN_PORT, last: VXLAN_PORT }]), m.dstLocal()],
    action: a.drop(),
    comment: ['Drop IPv4 VXLAN packets from non-allowed hosts'],
  },
];

/** static.go:209 FilterInputChainAllowWG. */
const inputWireguardRules = (port: number): Rule[] => [
  {
    match: [m.proto('17'), m.dstPorts([{ first: port, last: port }]), m.dstLocal()],
    action: a.accept(),
    comment: ['Allow incoming IPv4 Wireguard packets'],
  },
];

/** static.go:249 filterInputChain. */
function inputChain(ctx: Ctx): Chain {
  const { input, marks } = ctx;
  const rules: Rule[] = [
    ...(input.ipipEnabled ? inputIpipRules() : []),
    ...(input.vxlanEnabled ? inputVxlanRules() : []),
    ...(input.wireguard ? inputWireguardRules(input.wireguard.port) : []),
    // Traffic from workloads to the host: egress policy, then DefaultEndpointToHostAction.
    { match: [m.inIface(WORKLOAD_IFACES)], action: a.goto('cali-wl-to-host') },
    { match: [m.markSet(marks.accept)], action: a.accept() },
    { action: a.clearMark(marks.all) },
    { action: a.jump('cali-from-host-endpoint') },
    { match: [m.markSet(marks.accept)], action: a.accept(), comment: [HEP_ACCEPTED] },
  ];
  return { name: 'cali-INPUT', rules };
}

const endpointToHost = (action: 'ACCEPT' | 'DROP' | 'RETURN'): Action =>
  action === 'ACCEPT' ? a.accept() : action === 'DROP' ? a.drop() : a.ret();

/** static.go:400 filterWorkloadToHostChain (no OpenStack special cases, IPv4). */
const workloadToHostChain = (ctx: Ctx): Chain => ({
  name: 'cali-wl-to-host',
  rules: [
    { action: a.jump('cali-from-wl-dispatch') },
    { action: endpointToHost(ctx.input.endpointToHostAction), comment: ['Configured DefaultEndpointToHostAction'] },
  ],
});

/** static.go:704 filterOutputChain, the encapsulation allowances. */
function outputEncapRules(ctx: Ctx): Rule[] {
  const { input } = ctx;
  const rules: Rule[] = [];
  if (input.ipipEnabled)
    rules.push({
      match: [m.proto('4'), m.dstSet(ALL_HOSTS_NET), m.srcLocal()],
      action: a.accept(),
      comment: ['Allow IPIP packets to other Calico hosts'],
    });
  if (input.vxlanEnabled)
    rules.push({
      match: [
        m.proto('17'),
        m.dstPorts([{ first: VXLAN_PORT, last: VXLAN_PORT }]),
        m.srcLocal(),
        m.dstSet(ALL_VXLAN_NET),
      ],
      action: a.accept(),
      comment: ['Allow IPv4 VXLAN packets to other allowed hosts'],
    });
  if (input.wireguard) {
    const p = input.wireguard.port;
    rules.push({
      match: [m.proto('17'), m.dstPorts([{ first: p, last: p }]), m.srcLocal()],
      action: a.accept(),
      comment: ['Allow outgoing IPv4 Wireguard packets'],
    });
  }
  return rules;
}

/** static.go:704 filterOutputChain. */
function outputChain(ctx: Ctx): Chain {
  const { marks } = ctx;
  const rules: Rule[] = [
    { match: [m.markSet(marks.accept)], action: a.accept() },
    // Host to local workload: not policed (no workload ingress policy for host traffic).
    { match: [m.outIface(WORKLOAD_IFACES)], action: a.ret() },
    ...outputEncapRules(ctx),
    { action: a.clearMark(marks.all) },
    // DNAT'd host traffic gets host endpoint policy in mangle cali-POSTROUTING instead.
    { match: [m.notCtstate('DNAT')], action: a.jump('cali-to-host-endpoint') },
    { match: [m.markSet(marks.accept)], action: a.accept(), comment: [HEP_ACCEPTED] },
  ];
  return { name: 'cali-OUTPUT', rules };
}

/** The filter chains that exist whatever the workloads: static.go plus the empty host endpoint
 *  dispatch chains (dispatch.go:149 HostDispatchChains with no host endpoints, applyOnForward) and
 *  the service-loop chain (nat.go:154 BlockedCIDRsToIptablesChains with no service CIDRs). */
export const staticFilterChains = (ctx: Ctx): Chain[] => [
  forwardChain(ctx),
  inputChain(ctx),
  workloadToHostChain(ctx),
  outputChain(ctx),
  ...['cali-from-host-endpoint', 'cali-to-host-endpoint', 'cali-from-hep-forward', 'cali-to-hep-forward'].map(
    (name) => ({ name, rules: [] }),
  ),
  { name: 'cali-cidr-block', rules: [] },
];
