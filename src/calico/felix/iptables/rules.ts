// One policy rule as iptables rules (felix/rules/policy.go at v3.30.7: ProtoRuleToIptablesRules,
// the matchBlockBuilder, CalculateRuleMatch and CombineMatchAndActionsForProtoRule).
import type { Ctx } from './context.ts';
import type { FelixRule } from './felix-rule.ts';
import { a, m, type PortRange } from './fragments.ts';
import type { Rule } from './model.ts';

/** policy.go:578 SplitPortList: multiport takes 15 slots, a range uses two. */
export function splitPorts(ports: PortRange[]): PortRange[][] {
  const splits: PortRange[][] = [];
  let split: PortRange[] = [];
  let slots = 15;
  for (const p of ports) {
    const need = p.first === p.last ? 1 : 2;
    if (slots < need) {
      splits.push(split);
      split = [];
      slots = 15;
    }
    split.push(p);
    slots -= need;
  }
  if (split.length) splits.push(split);
  return splits;
}

/** policy.go:145 filterNets, 183 FilterRuleToIPVersion: an IPv4 rendering keeps the IPv4 nets and
 *  drops a rule whose nets were all IPv6; v3.29.6/v3.30.3+ also drop a rule negating 0.0.0.0/0. */
function ipv4Only(ctx: Ctx, rule: FelixRule): FelixRule | undefined {
  if (rule.ipv6) return undefined;
  const keep = (nets: string[], negated: boolean) => {
    const v4 = nets.filter((n) => !n.includes(':'));
    if (nets.length && !v4.length) return undefined;
    if (negated && ctx.version !== '3.28' && v4.includes('0.0.0.0/0')) return undefined;
    return v4;
  };
  const sides = (['src', 'dst'] as const).map((s) => ({
    nets: keep(rule[s].nets, false),
    notNets: keep(rule[s].notNets, true),
  }));
  if (sides.some((s) => !s.nets || !s.notNets)) return undefined;
  return {
    ...rule,
    src: { ...rule.src, nets: sides[0].nets!, notNets: sides[0].notNets! },
    dst: { ...rule.dst, nets: sides[1].nets!, notNets: sides[1].notNets! },
  };
}

/** policy.go:388 matchBlockBuilder: OR-blocks that AND into the scratch0 ("all blocks pass") bit. */
class MatchBlocks {
  rules: Rule[] = [];
  using = false;
  private doneFirstPositive = false;
  constructor(
    private all: number,
    private self: number,
  ) {}

  private start(initial: number) {
    if (this.using) return;
    this.rules.push({ action: a.setMaskedMark(initial, this.all | this.self) });
    this.using = true;
  }

  /** AppendPortMatchBlock / AppendCIDRMatchBlock: each alternative sets the block's bit. */
  positive(alternatives: string[][]) {
    this.start(0);
    const bit = this.doneFirstPositive ? this.self : this.all;
    for (const match of alternatives) this.rules.push({ match, action: a.setMark(bit) });
    if (!this.doneFirstPositive) this.doneFirstPositive = true;
    else this.rules.push({ match: [m.markClear(this.self)], action: a.clearMark(this.all) });
  }

  /** AppendNegatedCIDRMatchBlock: any matching net clears the bit. */
  negated(alternatives: string[][]) {
    this.start(this.all);
    for (const match of alternatives) this.rules.push({ match, action: a.clearMark(this.all) });
  }
}

type Side = 'src' | 'dst';
const pick = (side: Side) =>
  side === 'src'
    ? { net: m.srcNet, ports: m.srcPorts, ipPort: m.srcIpPortSet }
    : { net: m.dstNet, ports: m.dstPorts, ipPort: m.dstIpPortSet };

/** policy.go:231-356: move port lists and CIDR lists that do not fit one rule into match blocks. */
function buildBlocks(rule: FelixRule, blocks: MatchBlocks): FelixRule {
  const r: FelixRule = { ...rule, src: { ...rule.src }, dst: { ...rule.dst } };
  for (const side of ['src', 'dst'] as Side[]) {
    const splits = splitPorts(r[side].ports);
    if (splits.length + r[side].named.length <= 1) continue;
    const proto = r.protocol ? [m.proto(r.protocol)] : [];
    blocks.positive([
      ...splits.map((s) => [...proto, pick(side).ports(s)]),
      ...r[side].named.map((set) => [pick(side).ipPort(set)]),
    ]);
    r[side] = { ...r[side], ports: [], named: [] };
  }
  for (const side of ['src', 'dst'] as Side[]) {
    if (r[side].nets.length <= 1) continue;
    blocks.positive(r[side].nets.map((n) => [pick(side).net(n)]));
    r[side] = { ...r[side], nets: [] };
  }
  for (const side of ['src', 'dst'] as Side[]) {
    if (r[side].nets.length + r[side].notNets.length <= 1) continue;
    blocks.negated(r[side].notNets.map((n) => [pick(side).net(n)]));
    r[side] = { ...r[side], notNets: [] };
  }
  return r;
}

const icmp = (i: FelixRule['icmp'], not: boolean) => {
  if (!i) return [];
  if (i.code === undefined) return [not ? m.notIcmpType(i.type) : m.icmpType(i.type)];
  return [not ? m.notIcmpTypeCode(i.type, i.code) : m.icmpTypeCode(i.type, i.code)];
};

/** policy.go:822 CalculateRuleMatch: positive matches first, then the negations. */
export function ruleMatch(r: FelixRule): string[] {
  const { src, dst } = r;
  return [
    ...(r.protocol ? [m.proto(r.protocol)] : []),
    ...src.nets.map(m.srcNet),
    ...src.sets.map(m.srcSet),
    ...(src.ports.length ? [m.srcPorts(src.ports)] : []),
    ...src.named.map(m.srcIpPortSet),
    ...dst.nets.map(m.dstNet),
    ...dst.sets.map(m.dstSet),
    ...(dst.ports.length ? [m.dstPorts(dst.ports)] : []),
    ...dst.named.map(m.dstIpPortSet),
    ...icmp(r.icmp, false),
    ...(r.notProtocol ? [m.notProto(r.notProtocol)] : []),
    ...src.notNets.map(m.notSrcNet),
    ...src.notSets.map(m.notSrcSet),
    ...splitPorts(src.notPorts).map(m.notSrcPorts),
    ...src.notNamed.map(m.notSrcIpPortSet),
    ...dst.notNets.map(m.notDstNet),
    ...dst.notSets.map(m.notDstSet),
    ...splitPorts(dst.notPorts).map(m.notDstPorts),
    ...dst.notNamed.map(m.notDstIpPortSet),
    ...icmp(r.notIcmp, true),
  ];
}

/** policy.go:608 CombineMatchAndActionsForProtoRule (v3.28.5/v3.29.6: CalculateActions). Allow and
 *  Pass set their mark then return; v3.30 Deny sets the drop mark then drops; Log logs. */
function actionRules(ctx: Ctx, action: FelixRule['action'], match: string[]): Rule[] {
  const { marks } = ctx;
  const then = (mark: number, rule: Rule): Rule[] => [
    { match, action: a.setMark(mark) },
    { ...rule, match: [m.markSet(mark)] },
  ];
  if (action === 'allow') return then(marks.accept, { action: a.ret() });
  if (action === 'next-tier') return then(marks.pass, { action: a.ret() });
  if (action === 'log') return [{ match, action: a.log('calico-packet') }];
  return marks.drop ? then(marks.drop, { action: a.drop() }) : [{ match, action: a.drop() }];
}

/** One Calico rule's iptables rules (empty when it has no IPv4 rendering). */
export function renderRule(ctx: Ctx, rule: FelixRule): Rule[] {
  const v4 = ipv4Only(ctx, rule);
  if (!v4) return [];
  const blocks = new MatchBlocks(ctx.marks.scratch0, ctx.marks.scratch1);
  const rest = buildBlocks(v4, blocks);
  const match = ruleMatch(rest);
  if (blocks.using) match.push(m.markSet(ctx.marks.scratch0));
  return [...blocks.rules, ...actionRules(ctx, rest.action, match)];
}
