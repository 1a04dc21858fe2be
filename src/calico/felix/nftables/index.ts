// Felix's nftables mode (FelixConfiguration nftablesMode: Enabled; v3.29 tech preview, v3.30): a
// pure model of the `table ip calico` Felix programs, derived from the iptables model of the same
// node (../iptables), the `nft -f` script that installs it idempotently, and a reader of
// `nft list table ip calico` counters. Sources: projectcalico/calico v3.30.7 felix/nftables,
// felix/generictables, felix/rules, felix/dataplane/linux/int_dataplane.go.
export { parseNftCounters } from './counters.ts';
export { HASH_PREFIX, nftComment, nftRuleHashes } from './hash.ts';
export {
  BASE_CHAINS,
  NFT_FAMILY,
  NFT_TABLE,
  type NftBaseChain,
  type NftMap,
  type NftMapElement,
  type NftSet,
  type NftTables,
} from './model.ts';
export { layerChain, legalizeSetName, NFT_NAME_MAX } from './names.ts';
export { renderNft } from './render.ts';
export { nftCleanup, nftRulesetScript, nftScript } from './script.ts';
export { loadable, translateRule } from './translate.ts';
