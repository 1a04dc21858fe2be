// Names in nft mode: chains are namespaced by their iptables table, policy and profile chains are
// no longer cut to iptables' 28 characters, and set names lose their ":".
import { chainName, type RenderedChain, type TableName } from '../iptables/index.ts';

/** felix/nftables/table.go:42 MaxChainNameLength = knftables.NameLengthMax (types.go:26 at v0.0.18). */
export const NFT_NAME_MAX = 256;

/** felix/nftables/ipsets.go:551 LegalizeSetName: nft identifiers cannot hold ":". */
export const legalizeSetName = (name: string): string => name.replaceAll(':', '-');

/** felix/nftables/table_layer.go:56 namespaceName: `<layer>-<chain>`, unless already prefixed. */
export const layerChain = (layer: TableName, name: string): string =>
  name.startsWith(layer) ? name : `${layer}-${name}`;

const POLICY_PREFIXES = ['cali-pi-', 'cali-po-'];
const PROFILE_PREFIXES = ['cali-pri-', 'cali-pro-'];

/** The chain's name before namespacing. Policy and profile chains are recomputed from their owner
 *  with nft's limit (felix/rules/policy.go:1051 PolicyChainName, 1063 ProfileChainName, `nft`
 *  argument): `cali-pi-<tier>/<policy>` stays whole where iptables hashed it. Endpoint chains
 *  (`cali-tw-` + a 15-character interface) and policy-group chains (a fixed-length hash,
 *  endpoints.go:873) are the same in both modes. */
export function nftBaseName(chain: RenderedChain): string {
  const owner = chain.rules.find((r) => r.owner)?.owner;
  const policyPrefix = POLICY_PREFIXES.find((p) => chain.name.startsWith(p));
  if (policyPrefix && owner?.kind === 'policy')
    return chainName(policyPrefix, `${owner.tier}/${owner.name}`, NFT_NAME_MAX);
  const profilePrefix = PROFILE_PREFIXES.find((p) => chain.name.startsWith(p));
  if (profilePrefix && owner?.kind === 'profile') return chainName(profilePrefix, owner.name, NFT_NAME_MAX);
  return chain.name;
}

/** iptables chain name → nft chain name, for every chain of one layer. */
export function layerRenames(layer: TableName, chains: RenderedChain[]): Map<string, string> {
  return new Map(chains.map((c) => [c.name, layerChain(layer, nftBaseName(c))]));
}
