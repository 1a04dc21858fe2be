// A Calico policy rule as Felix's dataplane receives it (proto.Rule): lower-case protocol names,
// normalised IPv4 nets, numeric ports split from named ports, and selectors replaced by ipset names
// (libcalico-go updateprocessors/rules.go RuleAPIV3ToBackend, felix/calc/rule_scanner.go
// ruleToParsedRule, felix/calc/rule_convert.go parsedRuleToProtoRule).
import { formatIp, networkOf, parseIp } from '../../../net/ipv4.ts';
import type { CalicoPolicy, EntityRule, PolicyRule, Port, Protocol } from '../../policy/types.ts';
import type { Ctx } from './context.ts';
import type { PortRange } from './fragments.ts';
import { ipsetName, namedPortId, selectorId } from './hash.ts';
import type { RuleSide } from './input.ts';
import { felixRuleSelectors } from './selectors.ts';

export type FelixAction = 'allow' | 'deny' | 'next-tier' | 'log';

interface SideMatch {
  nets: string[];
  notNets: string[];
  ports: PortRange[];
  notPorts: PortRange[];
  /** Named-port ipset names (hash:ip,port). */
  named: string[];
  notNamed: string[];
  /** Selector ipset names. */
  sets: string[];
  notSets: string[];
}

export interface FelixRule {
  action: FelixAction;
  /** `-p` argument: a lower-case name or a number. */
  protocol?: string;
  notProtocol?: string;
  src: SideMatch;
  dst: SideMatch;
  icmp?: { type: number; code?: number };
  notIcmp?: { type: number; code?: number };
  /** From an ICMPv6 protocol: such a rule has no IPv4 rendering. */
  ipv6?: boolean;
}

/** updateprocessors/rules.go ruleActionAPIV3ToBackend: Pass is "next-tier" for historical reasons. */
const ACTIONS: Record<PolicyRule['action'], FelixAction> = {
  Allow: 'allow',
  Deny: 'deny',
  Pass: 'next-tier',
  Log: 'log',
};

/** numorstring Protocol.ToV1: names lower-cased, numbers kept. */
const protocolText = (p: Protocol | undefined): string | undefined =>
  p === undefined ? undefined : `${p}`.toLowerCase();

/** cnet.ParseCIDROrIP then IPNet.String(): a bare IP is a /32 and host bits are masked. */
function normaliseNet(net: string): string {
  if (net.includes(':')) return net;
  const [ip, prefix = '32'] = net.split('/');
  return `${formatIp(networkOf(parseIp(ip), Number(prefix)))}/${prefix}`;
}

const isNamed = (p: Port) => typeof p === 'string' && !/^\d+(:\d+)?$/.test(p);

function portRange(p: Port): PortRange {
  const [first, last = first] = `${p}`.split(':').map(Number);
  return { first, last };
}

/** labelindex.IPSetPortProtocol: named ports match TCP unless the rule's protocol is UDP or SCTP. */
function namedPortProtocol(protocol: string | undefined): 'tcp' | 'udp' | 'sctp' {
  if (protocol === 'udp' || protocol === '17') return 'udp';
  if (protocol === 'sctp' || protocol === '132') return 'sctp';
  return 'tcp';
}

function registerSet(
  ctx: Ctx,
  id: string,
  selector: string,
  named?: { protocol: 'tcp' | 'udp' | 'sctp'; name: string },
) {
  const name = ipsetName(id);
  if (!ctx.ipsets.has(name))
    ctx.ipsets.set(name, {
      name,
      id,
      type: named ? 'hash:ip,port' : 'hash:net',
      selector,
      namedPort: named,
      members: [],
    });
  return name;
}

/** rule_scanner.go ruleToParsedRule for one side: named ports become (IP, port) sets filtered by the
 *  positive selector (or all()); the selector's own set is only needed alongside numeric ports. */
function sideMatch(ctx: Ctx, policy: CalicoPolicy, rule: PolicyRule, side: RuleSide, proto?: string): SideMatch {
  const er: EntityRule = rule[side];
  const sels = (ctx.deps.ruleSelectors ?? ((p, r, s) => felixRuleSelectors(ctx.deps, p, r, s)))(policy, rule, side);
  const namedProto = namedPortProtocol(proto);
  const positive = sels.selector ?? ctx.deps.canonicalSelector('all()');
  const namedSet = (name: string) =>
    registerSet(ctx, namedPortId(positive, namedProto, name), positive, {
      protocol: namedProto,
      name,
    });
  const ports = er.ports ?? [];
  const notPorts = er.notPorts ?? [];
  const numeric = ports.filter((p) => !isNamed(p));
  const named = ports.filter(isNamed) as string[];
  const withSelectorSet = sels.selector && (numeric.length > 0 || named.length === 0);
  return {
    nets: (er.nets ?? []).map(normaliseNet),
    notNets: (er.notNets ?? []).map(normaliseNet),
    ports: numeric.map(portRange),
    notPorts: notPorts.filter((p) => !isNamed(p)).map(portRange),
    named: named.map(namedSet),
    notNamed: (notPorts.filter(isNamed) as string[]).map(namedSet),
    sets: withSelectorSet ? [registerSet(ctx, selectorId(sels.selector!), sels.selector!)] : [],
    notSets: sels.notSelector ? [registerSet(ctx, selectorId(sels.notSelector), sels.notSelector)] : [],
  };
}

const icmpOf = (i: PolicyRule['icmp']) =>
  i?.type === undefined ? undefined : { type: i.type, ...(i.code === undefined ? {} : { code: i.code }) };

export function felixRule(ctx: Ctx, policy: CalicoPolicy, rule: PolicyRule): FelixRule {
  const protocol = protocolText(rule.protocol);
  return {
    action: ACTIONS[rule.action],
    protocol,
    notProtocol: protocolText(rule.notProtocol),
    src: sideMatch(ctx, policy, rule, 'source', protocol),
    dst: sideMatch(ctx, policy, rule, 'destination', protocol),
    icmp: icmpOf(rule.icmp),
    notIcmp: icmpOf(rule.notICMP),
    ipv6: protocol === 'icmpv6',
  };
}
