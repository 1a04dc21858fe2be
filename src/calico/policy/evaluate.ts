// Felix's verdict on a probe, read off the chains it renders per endpoint (felix/rules/endpoints.go
// v3.30.7 endpointIptablesChain): a packet leaves through the sender's cali-fw- chain (its egress
// policy) and enters through the receiver's cali-tw- chain (its ingress policy). In each, tiers
// run in order; in a tier, policies in order; in a policy, rules in order until one matches:
// Allow accepts ("Return if policy accepted"), Deny drops, Pass skips to the next tier, Log goes
// on. A tier that has policies for the endpoint and passes nothing ends in "End of tier <tier>.
// Drop if no policies passed packet" (unless the tier's defaultAction is Pass); after the last
// tier the profiles run, and kns.<namespace> allows everything (conversion.go NamespaceToProfile).
import { felixPolicyName, groupByTier, type PolicyContext, policiesFor, tierInfo } from './applies.ts';
import { endpointLabels } from './endpoints.ts';
import { type Packet, type PacketEnd, ruleMatches } from './rule-match.ts';
import type { CalicoPolicy, NamespaceInfo, PolicyDecision, PolicyEndpoint, Probe } from './types.ts';

type Dir = 'ingress' | 'egress';

/** One direction's verdict with what decided it. */
export interface DirectionDecision extends PolicyDecision {
  /** The policy and rule that matched, when a rule decided. */
  rule?: { policy: string; index: number };
}

/** The verdict, plus both directions' own decisions (egress first; ingress when egress allowed). */
export interface Evaluation extends PolicyDecision {
  egress: DirectionDecision;
  ingress?: DirectionDecision;
}

const PROTOCOLS = { icmp: 1, tcp: 6, udp: 17 } as const;
/** A probe's ICMP packet is an echo request. */
const ECHO_REQUEST = { type: 8, code: 0 };

/** The name a decision reports: "<namespace>/<name>" or a global policy's name. */
export const decisionName = felixPolicyName;

const who = (ep: PolicyEndpoint) => `${ep.namespace}/${ep.pod}`;

function packetOf(probe: Probe, namespaces: NamespaceInfo[], context: PolicyContext): Packet {
  const end = (ep: PolicyEndpoint): PacketEnd => ({
    ip: ep.ip,
    labels: endpointLabels(ep, namespaces, context.serviceAccounts),
    ports: ep.ports,
  });
  return {
    protocol: PROTOCOLS[probe.protocol],
    src: end(probe.from),
    dst: end(probe.to),
    dport: probe.protocol === 'icmp' ? null : probe.port,
    icmp: probe.protocol === 'icmp' ? ECHO_REQUEST : undefined,
  };
}

type PolicyOutcome = { action: 'Allow' | 'Deny' | 'Pass'; index: number } | undefined;

/** The first matching non-Log rule of `p` in direction `dir`, if any. */
function runPolicy(p: CalicoPolicy, dir: Dir, pkt: Packet): PolicyOutcome {
  const rules = dir === 'ingress' ? p.ingress : p.egress;
  const ns = p.kind === 'NetworkPolicy' ? (p.namespace ?? '') : '';
  for (const [index, rule] of rules.entries()) {
    if (rule.action !== 'Log' && ruleMatches(rule, ns, pkt)) return { action: rule.action, index };
  }
  return undefined;
}

function ruleDecision(p: CalicoPolicy, dir: Dir, ep: PolicyEndpoint, index: number, allow: boolean): DirectionDecision {
  const name = decisionName(p);
  const verdict = allow ? 'allowed' : 'denied';
  const why = `${dir} of ${who(ep)}: ${verdict} by ${name}, rule ${dir}[${index}] (${allow ? 'Allow' : 'Deny'})`;
  return { verdict, policy: name, direction: dir, why, rule: { policy: name, index } };
}

function profileDecision(ep: PolicyEndpoint, dir: Dir, passedBy?: string): DirectionDecision {
  const profile = `kns.${ep.namespace}`;
  const before = passedBy
    ? `${passedBy} passed it on and no later tier has a policy for ${who(ep)}`
    : `no policy selects ${who(ep)} for ${dir}`;
  return {
    verdict: 'allowed',
    policy: profile,
    direction: dir,
    why: `${dir} of ${who(ep)}: ${before}; profile ${profile} allows it`,
  };
}

/** One direction at endpoint `ep` (the sender for egress, the receiver for ingress). */
export function evaluateDirection(
  ep: PolicyEndpoint,
  dir: Dir,
  pkt: Packet,
  policies: CalicoPolicy[],
  namespaces: NamespaceInfo[],
  context: PolicyContext = {},
): DirectionDecision {
  let passedBy: string | undefined;
  for (const group of groupByTier(policiesFor(ep, policies, namespaces, dir, context))) {
    passedBy = undefined;
    for (const p of group.policies) {
      const out = runPolicy(p, dir, pkt);
      if (out?.action === 'Pass') {
        passedBy = `${decisionName(p)} (rule ${dir}[${out.index}], Pass)`;
        break;
      }
      if (out) return ruleDecision(p, dir, ep, out.index, out.action === 'Allow');
    }
    if (passedBy) continue;
    if (tierInfo(group.tier, context.tiers).defaultAction === 'Pass') {
      passedBy = `tier ${group.tier} (defaultAction Pass)`;
      continue;
    }
    const last = decisionName(group.policies.at(-1)!);
    const why = `${dir} of ${who(ep)}: no policy selecting ${who(ep)} allowed it (end of tier ${group.tier})`;
    return { verdict: 'denied', policy: last, direction: dir, why };
  }
  return profileDecision(ep, dir, passedBy);
}

/** The probe's fate: the sender's egress first (a denial there decides), then the receiver's
 *  ingress. A pod probing its own address never leaves its network namespace, so no policy runs. */
export function evaluate(
  probe: Probe,
  policies: CalicoPolicy[],
  namespaces: NamespaceInfo[],
  context: PolicyContext = {},
): Evaluation {
  const pkt = packetOf(probe, namespaces, context);
  if (probe.from.ip === probe.to.ip) {
    const why = `${who(probe.from)} reaches its own address over loopback; no Calico policy applies`;
    const self: DirectionDecision = {
      verdict: 'allowed',
      policy: `kns.${probe.from.namespace}`,
      direction: 'egress',
      why,
    };
    return { ...self, egress: self };
  }
  const egress = evaluateDirection(probe.from, 'egress', pkt, policies, namespaces, context);
  if (egress.verdict === 'denied') return { ...strip(egress), egress };
  const ingress = evaluateDirection(probe.to, 'ingress', pkt, policies, namespaces, context);
  return { ...strip(ingress), why: `${egress.why}; ${ingress.why}`, egress, ingress };
}

function strip(d: DirectionDecision): PolicyDecision {
  return { verdict: d.verdict, policy: d.policy, direction: d.direction, why: d.why };
}
