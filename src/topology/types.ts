// The validated topology model. Field names follow the topology file, which follows Calico's
// resource names (IPPool, BGPConfiguration, BGPPeer) where Calico has one.

export type EncapMode = 'Always' | 'CrossSubnet' | 'Never';
export const ENCAP_MODES: readonly EncapMode[] = ['Always', 'CrossSubnet', 'Never'];

export interface Subnet {
  cidr: string;
  gateway: string;
}

export interface Node {
  name: string;
  ip: string;
  /** Pinned block affinities; empty = allocated by calilab's IPAM. */
  blocks: string[];
}

export interface IPPool {
  name: string;
  cidr: string;
  blockSize: number;
  ipipMode: EncapMode;
  vxlanMode: EncapMode;
  natOutgoing: boolean;
  disabled: boolean;
}

export interface BgpPeer {
  name: string;
  ip: string;
  asNumber: number;
  implementation: 'bird' | 'frr';
}

export interface Bgp {
  asNumber: number;
  nodeToNodeMesh: boolean;
  routeReflectors: string[];
  clusterId: string;
  peers: BgpPeer[];
}

export interface Pod {
  name: string;
  namespace: string;
  node: string;
  ip?: string;
}

/** A host outside the cluster ("the internet"), behind the router; TEST-NET addresses only. */
export interface OutsideHost {
  name: string;
  ip: string;
}

export interface Topology {
  name: string;
  underlay: { mtu: number; subnets: Subnet[] };
  nodes: Node[];
  ipPools: IPPool[];
  bgp: Bgp;
  wireguard: boolean;
  pods: Pod[];
  outside: OutsideHost[];
  /** The file the topology came from, for error messages. */
  file: string;
}
