// The vocabulary of a plan: the kernel objects a lab is made of, as pure data. Each Calico
// component (cni, felix, confd) and the router describe their part in these words; plan.ts
// assembles the parts and the kernel layer creates them.

export type NsRole = 'router' | 'node' | 'pod' | 'outside';

export interface NamespacePlan {
  name: string;
  role: NsRole;
  /** The node, pod ("namespace/name") or host this namespace emulates. */
  of: string;
}

export interface VethEnd {
  ns: string;
  name: string;
  mtu: number;
  mac?: string;
}

export interface LinkPlan {
  ns: string;
  name: string;
  kind: 'bridge' | 'ipip';
  mtu: number;
}

export interface AddressPlan {
  ns: string;
  dev: string;
  cidr: string;
  /** NetworkManager-style: the subnet route is added separately, with its metric. */
  noprefixroute?: boolean;
}

export interface RoutePlan {
  ns: string;
  dst: string;
  dev: string;
  via?: string;
  scope?: 'link';
  metric?: number;
  src?: string;
  proto?: 'kernel';
}

export interface SysctlPlan {
  ns: string;
  key: string;
  value: string;
}

/** Interfaces enslaved to a bridge. */
export interface PortPlan {
  ns: string;
  dev: string;
  bridge: string;
}

/** What one component contributes to a plan. */
export interface KernelObjects {
  namespaces: NamespacePlan[];
  links: LinkPlan[];
  veths: [VethEnd, VethEnd][];
  ports: PortPlan[];
  addresses: AddressPlan[];
  routes: RoutePlan[];
  sysctls: SysctlPlan[];
}

export const noObjects = (): KernelObjects => ({
  namespaces: [],
  links: [],
  veths: [],
  ports: [],
  addresses: [],
  routes: [],
  sysctls: [],
});

/** Appends every object of `part` to `into`, in order. */
export function mergeObjects(into: KernelObjects, part: Partial<KernelObjects>): void {
  into.namespaces.push(...(part.namespaces ?? []));
  into.links.push(...(part.links ?? []));
  into.veths.push(...(part.veths ?? []));
  into.ports.push(...(part.ports ?? []));
  into.addresses.push(...(part.addresses ?? []));
  into.routes.push(...(part.routes ?? []));
  into.sysctls.push(...(part.sysctls ?? []));
}
