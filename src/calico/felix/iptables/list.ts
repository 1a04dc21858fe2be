// An approximation of `iptables -t <table> -L | grep cali` for Felix's rules: chain headers with
// their reference counts and each rule's target and protocol columns, as doc 003 shows them.
import type { FelixTables, RenderedChain, RenderedRule, TableName } from './model.ts';

/** Protocol names iptables prints (getprotobynumber over /etc/protocols: 4 is "ipencap"). */
const PROTOCOLS: Record<string, string> = {
  '1': 'icmp',
  '4': 'ipencap',
  '6': 'tcp',
  '17': 'udp',
  '132': 'sctp',
  '136': 'udplite',
};

function protoColumn(rule: RenderedRule): string {
  const p = /(^|\s)(!\s)?-p (\S+)/.exec(rule.body);
  if (!p) return ' all';
  return `${p[2] ? '!' : ' '}${PROTOCOLS[p[3]] ?? p[3]}`;
}

/** iptables' print_firewall: `%-9s ` target, the invert flag, `%-5s` protocol. */
function ruleLine(rule: RenderedRule): string {
  const target = rule.target ?? (rule.action ? rule.action.toUpperCase() : '');
  const proto = protoColumn(rule);
  return `${target.padEnd(9)} ${proto[0]}${proto.slice(1).padEnd(5)}`.trimEnd();
}

const references = (chains: RenderedChain[], name: string) =>
  chains.flatMap((c) => c.rules).filter((r) => r.target === name).length;

/** Lines of `iptables -t <table> -L` that contain "cali": the kernel chains' Felix rules (their
 *  headers don't match), then every Felix chain as `Chain <name> (<n> references)` and its rules. */
export function listTargets(tables: FelixTables, table: TableName): string[] {
  const chains = tables.tables[table].chains;
  return chains.flatMap((c) =>
    c.kernel
      ? c.rules.map(ruleLine)
      : [`Chain ${c.name} (${references(chains, c.name)} references)`, ...c.rules.map(ruleLine)],
  );
}
