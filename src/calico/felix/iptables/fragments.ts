// The exact text of Felix's match and action fragments: the rule hash covers this text, so a
// different spelling (`-j` for `--jump`, `0x0` for `0`) gives a different `cali:` hash.
// Matches: felix/iptables/match_builder.go; actions: felix/iptables/actions.go (v3.30.7, same text
// in v3.28.5's felix/iptables/actions.go and match_criteria.go).
import type { Action } from './model.ts';

/** Go's `%#x`. */
export const hex = (n: number): string => `0x${n.toString(16)}`;

export interface PortRange {
  first: number;
  last: number;
}

/** match_builder.go PortRangesToMultiport. */
export const multiport = (ports: PortRange[]): string =>
  ports.map((p) => (p.first === p.last ? `${p.first}` : `${p.first}:${p.last}`)).join(',');

// match_builder.go, in the order of its methods.
export const m = {
  markClear: (mark: number) => `-m mark --mark 0/${hex(mark)}`,
  markNotClear: (mark: number) => `-m mark ! --mark 0/${hex(mark)}`,
  markSet: (mark: number) => `-m mark --mark ${hex(mark)}/${hex(mark)}`,
  inIface: (iface: string) => `--in-interface ${iface}`,
  outIface: (iface: string) => `--out-interface ${iface}`,
  /** RPFCheckFailed; v3.28's acceptLocal argument is always false for workloads (v3.28.5 static.go:1295). */
  rpfFailed: () => '-m rpfilter --invert --validmark',
  notSrcLocal: (limitIfaceOut: boolean) => `-m addrtype ! --src-type LOCAL${limitIfaceOut ? ' --limit-iface-out' : ''}`,
  srcLocal: () => '-m addrtype --src-type LOCAL',
  dstLocal: () => '-m addrtype --dst-type LOCAL',
  ctstate: (s: string) => `-m conntrack --ctstate ${s}`,
  notCtstate: (s: string) => `-m conntrack ! --ctstate ${s}`,
  proto: (name: string) => `-p ${name}`,
  notProto: (name: string) => `! -p ${name}`,
  srcNet: (net: string) => `--source ${net}`,
  notSrcNet: (net: string) => `! --source ${net}`,
  dstNet: (net: string) => `--destination ${net}`,
  notDstNet: (net: string) => `! --destination ${net}`,
  srcSet: (set: string) => `-m set --match-set ${set} src`,
  notSrcSet: (set: string) => `-m set ! --match-set ${set} src`,
  srcIpPortSet: (set: string) => `-m set --match-set ${set} src,src`,
  notSrcIpPortSet: (set: string) => `-m set ! --match-set ${set} src,src`,
  dstSet: (set: string) => `-m set --match-set ${set} dst`,
  notDstSet: (set: string) => `-m set ! --match-set ${set} dst`,
  dstIpPortSet: (set: string) => `-m set --match-set ${set} dst,dst`,
  notDstIpPortSet: (set: string) => `-m set ! --match-set ${set} dst,dst`,
  srcPorts: (p: PortRange[]) => `-m multiport --source-ports ${multiport(p)}`,
  notSrcPorts: (p: PortRange[]) => `-m multiport ! --source-ports ${multiport(p)}`,
  /** DestPort: a single port without multiport (raw VXLAN NOTRACK). */
  dstPort: (port: number) => `--dport ${port}`,
  dstPorts: (p: PortRange[]) => `-m multiport --destination-ports ${multiport(p)}`,
  notDstPorts: (p: PortRange[]) => `-m multiport ! --destination-ports ${multiport(p)}`,
  icmpType: (t: number) => `-m icmp --icmp-type ${t}`,
  notIcmpType: (t: number) => `-m icmp ! --icmp-type ${t}`,
  icmpTypeCode: (t: number, c: number) => `-m icmp --icmp-type ${t}/${c}`,
  notIcmpTypeCode: (t: number, c: number) => `-m icmp ! --icmp-type ${t}/${c}`,
};

// actions.go ToFragment.
export const a = {
  accept: (): Action => ({ kind: 'accept', fragment: '--jump ACCEPT' }),
  drop: (): Action => ({ kind: 'drop', fragment: '--jump DROP' }),
  ret: (): Action => ({ kind: 'return', fragment: '--jump RETURN' }),
  jump: (target: string): Action => ({ kind: 'jump', fragment: `--jump ${target}`, target }),
  goto: (target: string): Action => ({ kind: 'goto', fragment: `--goto ${target}`, target }),
  /** ClearMarkAction. */
  clearMark: (mark: number): Action => ({ kind: 'mark', fragment: `--jump MARK --set-mark 0/${hex(mark)}` }),
  /** SetMarkAction: the mark is its own mask. */
  setMark: (mark: number): Action => ({ kind: 'mark', fragment: `--jump MARK --set-mark ${hex(mark)}/${hex(mark)}` }),
  /** SetMaskedMarkAction: `%#x` even for a zero mark. */
  setMaskedMark: (mark: number, mask: number): Action => ({
    kind: 'mark',
    fragment: `--jump MARK --set-mark ${hex(mark)}/${hex(mask)}`,
  }),
  /** MasqAction with features.MASQFullyRandom (iptables >= 1.6.2, kernel >= 3.14; doc 003 shows it). */
  masq: (): Action => ({ kind: 'masquerade', fragment: '--jump MASQUERADE --random-fully' }),
  log: (prefix: string): Action => ({
    kind: 'log',
    fragment: `--jump LOG --log-prefix "${prefix}: " --log-level 5`,
  }),
  notrack: (): Action => ({ kind: 'notrack', fragment: '--jump NOTRACK' }),
};

/** The name Felix's actions print in comments (`%s IPIP packets …`): Action.String(). */
export const actionWord = (action: Action): string =>
  ({ accept: 'Accept', drop: 'Drop', return: 'Return' })[action.kind as 'accept'] ?? action.kind;
