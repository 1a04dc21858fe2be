// Felix's nft-mode rule hashes and comments. The hash chain is the iptables one
// (felix/generictables/rules.go:67 RuleHashes: SHA-224 of the chain name, then of the previous hash
// and each rule's text, base64url, 16 characters), but the text is the nft rule alone, without its
// comment (felix/nftables/renderer.go:55-90 RuleHashes/renderRule), so hashes differ from iptables
// mode and comments do not change them.
import { createHash } from 'node:crypto';

const HASH_LENGTH = 16;
/** felix/rules/rule_defs.go:118 RuleHashPrefix. */
export const HASH_PREFIX = 'cali:';
/** knftables types.go:29 CommentLengthMax (v0.0.18, Felix v3.30.7's go.mod). */
const COMMENT_MAX = 128;

export function nftRuleHashes(chain: string, ruleTexts: string[]): string[] {
  let h = createHash('sha224').update(chain).digest();
  return ruleTexts.map((text) => {
    h = createHash('sha224').update(h).update(text).digest();
    return h.toString('base64url').slice(0, HASH_LENGTH);
  });
}

/** renderer.go:92 comment: `cali:<hash>;`, then the comments (each cut to an equal share of what is
 *  left of 128 characters), space-separated, the whole cut to 128. `comments` are already escaped
 *  (renderer.go:126 escapeComment is the iptables renderer's character set). */
export function nftComment(hash: string, comments: string[]): string {
  const head = `${HASH_PREFIX}${hash};`;
  const share = comments.length ? Math.floor((COMMENT_MAX - head.length) / comments.length) : 0;
  return [head, ...comments.map((c) => c.slice(0, share))].join(' ').slice(0, COMMENT_MAX);
}
