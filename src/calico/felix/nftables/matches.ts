// iptables match fragments (felix/iptables/match_builder.go text, as the iptables model writes
// them) to the clauses Felix's nftables MatchCriteria renders for the same call
// (felix/nftables/match_builder.go at v3.30.7; line numbers below are that file's).
import type { Cursor } from './cursor.ts';
import { legalizeSetName } from './names.ts';

/** The protocol a rule matched with `-p`, for its port matches (match_builder.go:130 transportProto). */
export interface MatchState {
  proto?: string;
}

const TRANSPORT: Record<string, string> = {
  tcp: 'tcp',
  udp: 'udp',
  sctp: 'sctp',
  '6': 'tcp',
  '17': 'udp',
  '132': 'sctp',
};

function transport(c: Cursor, st: MatchState): string {
  const t = st.proto !== undefined && Object.hasOwn(TRANSPORT, st.proto) ? TRANSPORT[st.proto] : undefined;
  return t ?? c.fail(`port match without a TCP/UDP/SCTP protocol (${st.proto ?? 'none'})`);
}

const not = (neg: boolean) => (neg ? '!= ' : '');

/** :191-245 MarkClear (`& M == 0`), MarkNotClear (`& M != 0`), MarkMatchesWithMask (`& M == V`):
 *  the value keeps its spelling (`0` or `%#x`), as both renderers print it the same way. */
function mark(c: Cursor, neg: boolean): string {
  c.expect('--mark');
  const [value, mask] = c.next().split('/');
  return `meta mark & ${mask} ${neg ? '!=' : '=='} ${value}`;
}

/** :257 RPFCheckFailed. */
function rpfilter(c: Cursor): string {
  c.expect('--invert');
  c.expect('--validmark');
  return 'fib saddr . mark . iif oif 0';
}

/** :270-296 (Not)SrcAddrType, (Not)DestAddrType; --limit-iface-out is `. oif`. */
function addrtype(c: Cursor, neg: boolean): string {
  const side = c.pick({ '--src-type': 'saddr', '--dst-type': 'daddr' }, 'addrtype option');
  const type = c.next().toLowerCase();
  const oif = c.take('--limit-iface-out') ? ' . oif' : '';
  return `fib ${side}${oif} type ${not(neg)}${type}`;
}

/** :298-316. Felix asks nft for the DNAT *status*, not a state (felix/rules/static.go:831, 1113). */
function conntrack(c: Cursor, neg: boolean): string {
  c.expect('--ctstate');
  const states = c.next();
  if (states === 'DNAT' || states === 'SNAT') return `ct status ${not(neg)}${states.toLowerCase()}`;
  return `ct state ${not(neg)}${states.toLowerCase()}`;
}

const SET_KEYS: Record<string, string> = {
  src: 'ip saddr',
  dst: 'ip daddr',
  // :388-428: IP, protocol and port; `th` works for TCP, UDP and SCTP alike.
  'src,src': 'ip saddr . meta l4proto . th sport',
  'dst,dst': 'ip daddr . meta l4proto . th dport',
};

/** :378-428 (Not)Source/DestIPSet, (Not)Source/DestIPPortSet. */
function ipset(c: Cursor, neg: boolean): string {
  c.expect('--match-set');
  const name = legalizeSetName(c.next());
  const key = c.pick(SET_KEYS, 'set direction');
  return `${key} ${not(neg)}@${name}`;
}

/** :557-578 PortsToMultiport / PortRangesToMultiport: `{ 80, 8000-8080 }`. */
function multiport(c: Cursor, neg: boolean, st: MatchState): string {
  const dir = c.pick({ '--source-ports': 'sport', '--destination-ports': 'dport' }, 'multiport option');
  const ports = c.next().replaceAll(':', '-').split(',').join(', ');
  return `${transport(c, st)} ${dir} ${not(neg)}{ ${ports} }`;
}

/** :497-515 ICMPType, ICMPTypeAndCode and their negations, as Felix spells them (see loadable.ts). */
function icmp(c: Cursor, neg: boolean): string {
  c.expect('--icmp-type');
  const [type, code] = c.next().split('/');
  const typePart = `icmp type ${not(neg)}${type}`;
  return code === undefined ? typePart : `${typePart} code ${not(neg)}${code}`;
}

type Module = (c: Cursor, neg: boolean, st: MatchState) => string | undefined;

const MODULES: Record<string, Module> = {
  // Comments are not matches: Felix puts them in the nft rule's comment (renderer.go:92).
  comment: (c) => {
    c.expect('--comment');
    c.next();
    return undefined;
  },
  mark,
  rpfilter,
  addrtype,
  conntrack,
  set: ipset,
  multiport,
  icmp,
};

type Option = (value: string, neg: boolean, st: MatchState, c: Cursor) => string;

/** iptables' `+` wildcard is nft's `*` (felix/nftables/match_builder.go:31 Wildcard); unquoted, as
 *  Felix writes it (:247 InInterface). */
const iface = (value: string) => value.replace(/\+$/, '*');

const OPTIONS: Record<string, Option> = {
  // :318-356 Protocol/ProtocolNum: `meta l4proto`, so the same rule would work for IPv6.
  '-p': (v, neg, st) => {
    if (!neg) st.proto = v;
    return `meta l4proto ${not(neg)}${v}`;
  },
  '--source': (v, neg) => `ip saddr ${not(neg)}${v}`,
  '--destination': (v, neg) => `ip daddr ${not(neg)}${v}`,
  '--in-interface': (v, neg, _st, c) => (neg ? c.fail('negated interface') : `iifname ${iface(v)}`),
  '--out-interface': (v, neg, _st, c) => (neg ? c.fail('negated interface') : `oifname ${iface(v)}`),
  // :457 DestPort (a single port, no set).
  '--dport': (v, neg, st, c) => `${transport(c, st)} dport ${not(neg)}${v}`,
};

/** Translate the next match fragment; undefined for a comment. */
export function matchClause(c: Cursor, st: MatchState): string | undefined {
  let neg = c.take('!');
  if (c.take('-m')) {
    const module = c.pick(MODULES, 'match module');
    neg = c.take('!') || neg;
    return module(c, neg, st);
  }
  const option = c.pick(OPTIONS, 'match option');
  return option(c.next(), neg, st, c);
}
