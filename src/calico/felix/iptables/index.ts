// Felix's iptables rule renderer: a pure model of the raw/mangle/nat/filter chains and IP sets
// Calico's Felix programs on a node (projectcalico/calico felix/rules, felix/iptables at v3.30.7,
// with the v3.28.5 and v3.29.6 differences), the iptables-restore/ipset-restore text to apply it
// idempotently, and helpers to read `iptables-save -c` counters back onto Felix's rules.
export { chainName, namedPortId, policyGroupChainName, ruleHashes, selectorId, selectorIpSetName } from './hash.ts';
export type { FelixIptablesInput, LocalEndpoint, PolicyRef, RenderDeps, RuleSelectors, RuleSide } from './input.ts';
export { ipsetRestore, staleIpsetRestore } from './ipsets.ts';
export { listTargets } from './list.ts';
export { felixMarks, type Marks } from './marks.ts';
export type {
  ActionKind,
  FelixIpSet,
  FelixTable,
  FelixTables,
  IpSetType,
  RenderedChain,
  RenderedRule,
  RuleOwner,
  TableName,
} from './model.ts';
export { TABLES } from './model.ts';
export { felixPolicyName, policyChainName, profileChainName } from './policy.ts';
export { renderFelixIptables, ruleBody } from './render.ts';
export { iptablesRestore } from './restore.ts';
export {
  type CounterDelta,
  describeRule,
  findRule,
  movedCounters,
  parseSaveCounters,
  type SavedChain,
  type SavedRule,
  type SaveState,
} from './save.ts';
export { felixPolicySelector, felixRuleSelectors } from './selectors.ts';
