// Felix's mark bits: allocated lowest bit first from IptablesMarkMask (default 0xffff0000,
// felix/config/config_params.go:397) by felix/dataplane/driver.go (markBitsManager.NextSingleBitMark).
import type { CalicoVersion } from '../../versions.ts';

export interface Marks {
  /** A policy or profile accepted the packet. */
  accept: number;
  /** A policy passed the packet to the next tier (or to the profiles). */
  pass: number;
  /** v3.30: a Deny rule marks before dropping (felix/rules/policy.go:679, CombineMatchAndActionsForProtoRule). */
  drop?: number;
  /** Match-block bits of multi-rule policy rules; scratch0 also marks packets from workloads in raw. */
  scratch0: number;
  scratch1: number;
  wireguard?: number;
  /** allCalicoMarkBits (felix/rules/static.go:1413): accept|pass|scratch0|scratch1, not drop or WireGuard. */
  all: number;
}

/** v3.30 allocates the drop bit after pass (driver.go:120 at v3.30.7); v3.28.5/v3.29.6 do not
 *  (driver.go:109-116), so scratch0/1 and the WireGuard bit sit one bit lower there. */
export function felixMarks(version: CalicoVersion, wireguard: boolean): Marks {
  const bits = [0x10000, 0x20000, 0x40000, 0x80000, 0x100000, 0x200000];
  const take = () => bits.shift()!;
  const accept = take();
  const pass = take();
  const drop = version === '3.30' ? take() : undefined;
  const scratch0 = take();
  const scratch1 = take();
  const wg = wireguard ? take() : undefined;
  return { accept, pass, drop, scratch0, scratch1, wireguard: wg, all: accept | pass | scratch0 | scratch1 };
}
