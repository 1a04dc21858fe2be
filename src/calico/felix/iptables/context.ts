// State shared by the chain builders while rendering one node.
import type { CalicoVersion } from '../../versions.ts';
import type { FelixIptablesInput, RenderDeps } from './input.ts';
import type { Marks } from './marks.ts';
import type { FelixIpSet } from './model.ts';

export interface Ctx {
  input: FelixIptablesInput;
  deps: RenderDeps;
  version: CalicoVersion;
  marks: Marks;
  /** Selector and named-port sets the rendered rules use, by name. */
  ipsets: Map<string, FelixIpSet>;
}

/** felix/config/config_params.go:350 VXLANPort default. */
export const VXLAN_PORT = 4789;
/** WorkloadIfacePrefixes: the CNI's `cali` (InterfacePrefix default, config_params.go:326). */
export const WORKLOAD_IFACES = 'cali+';

/** v3.29 put tiers into OSS Felix: tier-qualified policy chain names and per-tier rules in endpoint chains. */
export const hasTiers = (v: CalicoVersion): boolean => v !== '3.28';
