// The names and hashes Felix derives: rule hashes (`cali:` comments), length-limited chain names,
// ipset names for selectors and named ports, and policy-group chain names.
import { createHash } from 'node:crypto';

/** felix/iptables/table.go:42 MaxChainNameLength. */
export const MAX_CHAIN_NAME = 28;
/** felix/generictables/rules.go:30 HashLength. */
const HASH_LENGTH = 16;
/** felix/ipsets/ipset_defs.go:67 MaxIPSetNameLength; "cali" + "4" (IPv4) + "0" (main set token). */
const MAX_IPSET_NAME = 31;
export const IPSET_PREFIX = 'cali40';

/** The text Felix hashes for one rule: RenderAppend with "HASH" in place of the hash comment
 *  (felix/iptables/renderer.go, RuleHashes/commentFrag). `body` is comments + matches + action. */
const hashInput = (chain: string, body: string) => ['-A', chain, 'HASH', body].filter((s) => s !== '').join(' ');

/** Felix's `cali:` hashes for a chain's rules (felix/generictables/rules.go:67, RuleHashes): SHA-224
 *  of the chain name, then of each previous hash and the rule's text, base64url, 16 characters. Rules
 *  Felix appends to a kernel chain hash from `<chain>*appends*` (felix/iptables/table.go:810). */
export function ruleHashes(chainName: string, ruleBodies: string[]): string[] {
  let h = createHash('sha224').update(chainName).digest();
  return ruleBodies.map((body) => {
    h = createHash('sha224').update(h).update(hashInput(chainName, body)).digest();
    return h.toString('base64url').slice(0, HASH_LENGTH);
  });
}

/** felix/hashutils/id.go GetLengthLimitedID: `prefix + suffix`, or, when that is too long (or exactly
 *  the limit and the suffix starts with "_"), `prefix + "_" + base64url(SHA-256(suffix))` cut to fit. */
export function chainName(prefix: string, suffix: string, maxLength = MAX_CHAIN_NAME): string {
  const total = prefix.length + suffix.length;
  if (total > maxLength || (total === maxLength && suffix.startsWith('_'))) {
    const hash = createHash('sha256').update(suffix).digest('base64url');
    return `${prefix}_${hash.slice(0, maxLength - 1 - prefix.length)}`;
  }
  return prefix + suffix;
}

/** libcalico-go/lib/hash/unique_id.go MakeUniqueID: `<prefix>:` + base64url(SHA-224(`<prefix>:<content>`)). */
export const uniqueId = (prefix: string, content: string): string =>
  `${prefix}:${createHash('sha224').update(`${prefix}:${content}`).digest('base64url')}`;

/** A selector's ipset ID (libcalico-go/lib/selector/parser/ast.go:167, `hash.MakeUniqueID("s", str)`). */
export const selectorId = (canonical: string): string => uniqueId('s', canonical);

/** felix/ipsets/ipset_defs.go:273 NameForMainIPSet: prefix + ID, truncated to 31 characters. */
export const ipsetName = (id: string): string => `${IPSET_PREFIX}${id}`.slice(0, MAX_IPSET_NAME);

/** The ipset Felix creates for a rule selector: `cali40s:` + 23 characters of the hash. */
export const selectorIpSetName = (canonical: string): string => ipsetName(selectorId(canonical));

/** A named port's set ID (felix/calc/rule_scanner.go:113 IPSetData.UniqueID): the selector's ID, the
 *  protocol and the port name, hashed under the "n" prefix. */
export const namedPortId = (canonical: string, protocol: string, port: string): string =>
  uniqueId('n', `${selectorId(canonical)},${protocol},${port}`);

/** A policy group's chain (felix/rules/endpoints.go:845 UniqueID, 873 ChainName): SHA3-224 over the
 *  tier, the group's selector, the direction, the count and each policy name, newline-terminated. */
export function policyGroupChainName(
  tier: string,
  selector: string,
  direction: 'inbound' | 'outbound',
  policyNames: string[],
): string {
  const h = createHash('sha3-224');
  for (const s of [tier, selector, direction, String(policyNames.length), ...policyNames]) h.update(`${s}\n`);
  const prefix = direction === 'inbound' ? 'cali-gi-' : 'cali-go-';
  return prefix + h.digest('base64url').slice(0, MAX_CHAIN_NAME - prefix.length);
}

/** felix/iptables/renderer.go escapeComment + truncateComment: unsafe characters become "_", 256 max. */
export const escapeComment = (c: string): string => c.replace(/[^\w @%+=:,./-]/gu, '_').slice(0, 256);
