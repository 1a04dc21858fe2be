// One projectcalico.org/v3 rule (api/pkg/apis/projectcalico/v3/policy_common.go Rule, EntityRule)
// checked as validator.go (v3.30.7) checks it: validateRule, validateEntityRule, validatePort,
// validateProtocol, validateICMPFields and the "net" field validator.
import { join, type Obj, type Reader, shown } from './fields.ts';
import { formatNetwork, isMasked, parseNet } from './nets.ts';
import { normalisePort, portProblem, supportsPorts } from './ports.ts';
import { readSelector } from './read-selector.ts';
import type { EntityRule, Port, PolicyAction, PolicyRule, Protocol } from './types.ts';

const RULE_FIELDS = [
  'action',
  'ipVersion',
  'protocol',
  'icmp',
  'notProtocol',
  'notICMP',
  'source',
  'destination',
  'http',
  'metadata',
];
const ENTITY_FIELDS = [
  'nets',
  'selector',
  'namespaceSelector',
  'services',
  'ports',
  'notNets',
  'notSelector',
  'notPorts',
  'serviceAccounts',
];
const ACTIONS = ['Allow', 'Deny', 'Log', 'Pass'];
const PROTOCOL_NAMES = ['TCP', 'UDP', 'ICMP', 'SCTP', 'UDPLite'];
const PORT_FIX = 'write a number from 1 to 65535, a range like 8000:8080, or a named port';

/** validateProtocol: 1-255, or a name exactly as Calico spells it; "6" as a string is 6. */
function protocol(r: Reader, v: unknown, path: string): Protocol {
  const fix = `write one of ${PROTOCOL_NAMES.join(', ')} or a protocol number from 1 to 255`;
  const text = typeof v === 'number' ? String(v) : r.string(v, path, fix);
  if (/^\d+$/.test(text)) return r.integer(Number(text), path, 1, 255, 'a protocol number');
  if (PROTOCOL_NAMES.includes(text)) return text as Protocol;
  if (text === 'ICMPv6')
    r.fail(path, 'ICMPv6 never matches in calilab, whose pod network is IPv4-only', 'remove the rule');
  const named = PROTOCOL_NAMES.find((n) => n.toLowerCase() === text.toLowerCase());
  r.fail(path, `${shown(text)} is not a protocol`, named ? `write ${named} (Calico's names are case-sensitive)` : fix);
}

/** validateICMPFields and the ICMPFields tags: type 0-254, code 0-255, a code needs a type. */
function icmp(r: Reader, v: unknown, path: string): { type?: number; code?: number } {
  const o = r.object(v, path, 'ICMP fields', ['type', 'code']);
  const type = o.type === undefined ? undefined : r.integer(o.type, join(path, 'type'), 0, 254, 'an ICMP type');
  const code = o.code === undefined ? undefined : r.integer(o.code, join(path, 'code'), 0, 255, 'an ICMP code');
  if (code !== undefined && type === undefined)
    r.fail(join(path, 'code'), 'ICMP code specified without an ICMP type', 'add type');
  return { ...(type === undefined ? {} : { type }), ...(code === undefined ? {} : { code }) };
}

function ports(r: Reader, v: unknown, path: string): Port[] {
  return r.list(v, path, `write a list of ports: ${PORT_FIX}`).map((p, i) => {
    const problem = portProblem(p);
    const why = problem === 'out of range' ? '' : ` (${problem})`;
    if (problem) r.fail(join(path, i), `${shown(p)} is not a port${why}`, PORT_FIX);
    return normalisePort(p as Port);
  });
}

/** The "net" validator (a strictly masked CIDR or address) and scanNets' ParseCIDR (a prefix length
 *  is required): so a CIDR with its host bits clear. */
function nets(r: Reader, v: unknown, path: string): string[] {
  return r.strings(v, path, 'write a list of CIDRs like 10.0.0.0/8').map((text, i) => {
    const n = parseNet(text);
    if (!n) r.fail(join(path, i), `${shown(text)} is not a CIDR`, 'write a CIDR like 10.0.0.0/8 or 10.1.2.3/32');
    if (!isMasked(n)) r.fail(join(path, i), `${shown(text)} has host bits set`, `write ${formatNetwork(n)}`);
    return text;
  });
}

function serviceAccounts(r: Reader, v: unknown, path: string): NonNullable<EntityRule['serviceAccounts']> {
  const o = r.object(v, path, 'a service account match', ['names', 'selector']);
  return {
    ...(o.names === undefined
      ? {}
      : { names: r.strings(o.names, join(path, 'names'), 'write a list of service account names') }),
    ...(o.selector === undefined
      ? {}
      : { selector: readSelector(r, o.selector, join(path, 'selector'), { global: 'forbidden' }) }),
  };
}

function entity(r: Reader, v: unknown, path: string): EntityRule {
  const o = r.object(v ?? {}, path, 'an entity rule', ENTITY_FIELDS);
  if (o.services !== undefined)
    r.fail(
      join(path, 'services'),
      'service matches are not modelled by calilab',
      'match the pods with selector instead',
    );
  const er: EntityRule = {};
  if (o.nets !== undefined) er.nets = nets(r, o.nets, join(path, 'nets'));
  if (o.selector !== undefined)
    er.selector = readSelector(r, o.selector, join(path, 'selector'), { global: 'forbidden' });
  if (o.namespaceSelector !== undefined)
    er.namespaceSelector = readSelector(r, o.namespaceSelector, join(path, 'namespaceSelector'), { global: 'alone' });
  if (o.ports !== undefined) er.ports = ports(r, o.ports, join(path, 'ports'));
  if (o.notNets !== undefined) er.notNets = nets(r, o.notNets, join(path, 'notNets'));
  if (o.notSelector !== undefined)
    er.notSelector = readSelector(r, o.notSelector, join(path, 'notSelector'), { global: 'forbidden' });
  if (o.notPorts !== undefined) er.notPorts = ports(r, o.notPorts, join(path, 'notPorts'));
  if (o.serviceAccounts !== undefined)
    er.serviceAccounts = serviceAccounts(r, o.serviceAccounts, join(path, 'serviceAccounts'));
  return er;
}

/** validateRule's cross-field checks. */
function checkRule(r: Reader, rule: PolicyRule, path: string): void {
  if (!supportsPorts(rule.protocol)) {
    for (const [end, key] of [
      ['source', 'ports'],
      ['source', 'notPorts'],
      ['destination', 'ports'],
      ['destination', 'notPorts'],
    ] as const) {
      if (rule[end][key]?.length)
        r.fail(
          join(join(path, end), key),
          'rules that specify ports must set protocol to TCP or UDP or SCTP',
          'add protocol: TCP (or UDP, SCTP)',
        );
    }
  }
  if (rule.icmp && rule.protocol !== 'ICMP' && rule.protocol !== 1)
    r.fail(join(path, 'icmp'), 'rules that specify ICMP fields must set protocol to ICMP', 'add protocol: ICMP');
  const fields = [rule.source.nets, rule.source.notNets, rule.destination.nets, rule.destination.notNets];
  const families = new Set(fields.flatMap((f) => f ?? []).map((n) => parseNet(n)?.family));
  if (families.size > 1)
    r.fail(path, 'rule contains both IPv4 and IPv6 CIDRs', 'split it into one rule per IP version');
  for (const end of ['source', 'destination'] as const) {
    if (rule[end].notNets?.some((n) => n === '0.0.0.0/0' || formatNetwork(parseNet(n)!) === '::/0'))
      r.fail(join(join(path, end), 'notNets'), 'a catch-all CIDR in notNets matches no traffic', 'remove it');
  }
}

/** Rule metadata (annotations) and ipVersion 4 change nothing in an IPv4 lab and are dropped. */
function ignorable(r: Reader, o: Obj, path: string): void {
  if (o.http !== undefined)
    r.fail(join(path, 'http'), 'HTTP matches (application layer policy) are not modelled by calilab', 'remove http');
  if (o.ipVersion !== undefined && r.integer(o.ipVersion, join(path, 'ipVersion'), 4, 6, 'an IP version') !== 4)
    r.fail(
      join(path, 'ipVersion'),
      'an IPv6 rule never matches in calilab, whose pod network is IPv4-only',
      'remove the rule or write ipVersion: 4',
    );
  if (o.metadata !== undefined) r.object(o.metadata, join(path, 'metadata'), 'rule metadata', ['annotations']);
}

export function readRule(r: Reader, v: unknown, path: string): PolicyRule {
  const o = r.object(v, path, 'a rule', RULE_FIELDS);
  const action = r.string(o.action, join(path, 'action'), `write one of ${ACTIONS.join(', ')}`);
  if (!ACTIONS.includes(action))
    r.fail(join(path, 'action'), `${shown(action)} is not an action`, `write one of ${ACTIONS.join(', ')}`);
  ignorable(r, o, path);
  const rule: PolicyRule = {
    action: action as PolicyAction,
    ...(o.protocol === undefined ? {} : { protocol: protocol(r, o.protocol, join(path, 'protocol')) }),
    ...(o.notProtocol === undefined ? {} : { notProtocol: protocol(r, o.notProtocol, join(path, 'notProtocol')) }),
    ...(o.icmp === undefined ? {} : { icmp: icmp(r, o.icmp, join(path, 'icmp')) }),
    ...(o.notICMP === undefined ? {} : { notICMP: icmp(r, o.notICMP, join(path, 'notICMP')) }),
    source: entity(r, o.source, join(path, 'source')),
    destination: entity(r, o.destination, join(path, 'destination')),
  };
  checkRule(r, rule, path);
  return rule;
}
