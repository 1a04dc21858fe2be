// The renderer's data model: rules as Felix builds them (match fragments, one action, comments) and
// the rendered tables with each rule's `cali:` hash and its exact iptables-restore text.

export const TABLES = ['raw', 'mangle', 'nat', 'filter'] as const;
export type TableName = (typeof TABLES)[number];

export type ActionKind = 'accept' | 'drop' | 'return' | 'jump' | 'goto' | 'mark' | 'masquerade' | 'log' | 'notrack';

export interface Action {
  kind: ActionKind;
  /** Felix's fragment, e.g. `--jump ACCEPT`, `--goto cali-fw-cali1`, `--jump MARK --set-mark 0x10000/0x10000`. */
  fragment: string;
  /** The chain a jump/goto refers to. */
  target?: string;
}

/** Which Calico object a rule implements, for humans mapping a counter back to policy. */
export type RuleOwner =
  | {
      kind: 'policy';
      policyKind: 'NetworkPolicy' | 'GlobalNetworkPolicy';
      tier: string;
      /** Felix's policy name: `<namespace>/<name>` for namespaced kinds. */
      name: string;
      direction: 'ingress' | 'egress';
      /** Index of the Calico rule in the policy's ingress/egress list; absent on the chain's comment-only rule. */
      ruleIndex?: number;
    }
  | { kind: 'profile'; name: string; direction: 'ingress' | 'egress'; ruleIndex?: number }
  | { kind: 'policy-group'; policies: string[]; direction: 'ingress' | 'egress' }
  | { kind: 'endpoint'; ifname: string; direction: 'ingress' | 'egress'; policy?: string; profile?: string };

export interface Rule {
  match?: string[];
  action?: Action;
  comment?: string[];
  owner?: RuleOwner;
}

export interface Chain {
  name: string;
  rules: Rule[];
}

/** A hook Felix puts in a kernel chain: inserted at the top, or appended (felix/iptables/table.go). */
export interface Hook {
  chain: string;
  inserted: Rule[];
  appended: Rule[];
}

export interface RenderedRule {
  table: TableName;
  chain: string;
  /** 1-based position in the chain as `iptables -L --line-numbers` shows it (for kernel chains: among
   *  Felix's own rules only; other programs' rules shift the real number). */
  num: number;
  hash: string;
  /** The rule as Felix writes it for iptables-restore: `-A <chain> -m comment --comment "cali:<hash>" …`. */
  text: string;
  /** Everything after the hash comment (comments, matches, action): what the hash covers. */
  body: string;
  action?: ActionKind;
  target?: string;
  /** Human comments, after Felix's escaping (characters outside [\w @%+=:,./-] become _). */
  comments: string[];
  owner?: RuleOwner;
  /** Kernel chains only: whether Felix inserts the rule at the top or appends it. */
  position?: 'insert' | 'append';
}

export interface RenderedChain {
  name: string;
  /** A chain of the kernel's (INPUT, FORWARD, …) that Felix only hooks into. */
  kernel: boolean;
  rules: RenderedRule[];
}

export interface FelixTable {
  name: TableName;
  /** Kernel chains in the kernel's order, then Felix's chains sorted by name (as iptables-save lists them). */
  chains: RenderedChain[];
}

export type IpSetType = 'hash:ip' | 'hash:net' | 'hash:ip,port';

export interface FelixIpSet {
  name: string;
  type: IpSetType;
  /** Felix's set ID (`s:…`, `n:…`) or the static ID (`all-ipam-pools`, `this-host`, …). */
  id: string;
  /** Canonical selector of a selector or named-port set: the lead fills `members` from it. */
  selector?: string;
  /** Named-port sets: members are `ip,proto:port` of the endpoints the selector matches. */
  namedPort?: { protocol: 'tcp' | 'udp' | 'sctp'; name: string };
  /** hash:net members are IPs or CIDRs; hash:ip,port members `10.0.0.1,tcp:8080`. */
  members: string[];
}

export interface FelixTables {
  version: string;
  tables: Record<TableName, FelixTable>;
  /** Every IP set Felix would program; selector and named-port sets come with no members. */
  ipsets: FelixIpSet[];
}
