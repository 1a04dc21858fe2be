// A probe's policy verdict: measured from the captures (delivered.ts), compared with what Calico's
// policy semantics predict, and for a dropped probe, the Felix rule that counted it. Pure.
import type { Evaluation } from '../calico/policy/evaluate.ts';
import type { Verdict } from '../calico/policy/types.ts';
import { type Delivery, delivery, type ProbeProtocol, type ProbeTarget } from './delivered.ts';
import type { Seen } from './judge.ts';
import { type DroppedAt, droppedAt, type NodeCounters } from './policy-probes.ts';

export interface PolicyFacts {
  protocol: ProbeProtocol;
  port: number | null;
  /** What Calico's policy semantics predict (calico/policy/evaluate.ts). */
  expectedVerdict: Verdict;
  /** Measured: the request left the destination node toward the pod (allowed) or never did. */
  verdict: Verdict;
  /** The policy or profile that decided, e.g. "data/knp.default.default-deny" or "kns.data". */
  policy: string;
  policyWhy: string;
  /** For a dropped probe: the Felix rule whose counter moved while the probes ran. */
  droppedAt?: DroppedAt;
}

export interface PolicyJudgement {
  facts: PolicyFacts;
  delivery: Delivery;
  /** Why the measured verdict is not Calico's, or why a drop is not proven; none when it agrees. */
  error?: string;
}

/**
 * `counters` are the nodes' rule counters around the probes (empty in nftables mode, where the
 * verdict still comes from the packets). `answered`: the ping's reply or TCP handshake came back.
 */
export function judgePolicy(
  t: ProbeTarget,
  decision: Evaluation,
  seen: Seen[],
  answered: boolean | undefined,
  counters: NodeCounters[] | undefined,
): PolicyJudgement {
  const d = delivery(t, seen);
  const verdict: Verdict = d.delivered ? 'allowed' : 'denied';
  const dropped = verdict === 'denied' && counters ? droppedAt(t, decision, counters) : undefined;
  const facts: PolicyFacts = {
    protocol: t.protocol,
    port: t.port,
    expectedVerdict: decision.verdict,
    verdict,
    policy: decision.policy,
    policyWhy: decision.why,
    ...(dropped ? { droppedAt: dropped } : {}),
  };
  const what =
    t.protocol === 'icmp' ? 'echo request' : t.protocol === 'tcp' ? `SYN to ${t.port}` : `datagram to ${t.port}`;
  let error: string | undefined;
  if (verdict !== decision.verdict)
    error =
      verdict === 'allowed'
        ? `the ${what} reached ${t.to.interface}, but Calico would deny it: ${decision.why}`
        : `the ${what} never reached ${t.to.interface}, but Calico would allow it: ${decision.why}`;
  else if (verdict === 'denied' && answered) error = `denied as expected, yet an answer came back`;
  else if (verdict === 'allowed' && t.protocol === 'tcp' && answered === false)
    error = `the SYN reached ${t.to.interface} but the handshake did not complete (is the port listening?)`;
  else if (verdict === 'denied' && counters && !dropped)
    error = `denied as expected (${decision.why}), but no Felix DROP rule on ${t.from.node} or ${t.to.node} counted it`;
  else if (verdict === 'denied' && !d.sent) error = `the ${what} never left ${t.from.pod}`;
  return { facts, delivery: d, error };
}
