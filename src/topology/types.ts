// The validated topology model. Field names follow the topology file, which follows Calico's
// resource names (IPPool, BGPConfiguration, BGPPeer) where Calico has one. The types are what
// the file's declaration (schema.ts) parses to, defaults applied, so they cannot drift from it.
import type { ENCAP_MODES, TopologyFileData } from './schema.ts';

export { ENCAP_MODES } from './schema.ts';
export type EncapMode = (typeof ENCAP_MODES)[number];

export type Subnet = TopologyFileData['underlay']['subnets'][number];
/** `blocks`: pinned block affinities; empty = allocated by calilab's IPAM. */
export type Node = TopologyFileData['nodes'][number];
export type IPPool = TopologyFileData['ipPools'][number];
export type Bgp = TopologyFileData['bgp'];
export type BgpPeer = Bgp['peers'][number];
export type Pod = TopologyFileData['pods'][number];
/** A host outside the cluster ("the internet"), behind the router; TEST-NET addresses only. */
export type OutsideHost = TopologyFileData['outside'][number];

export interface Topology extends TopologyFileData {
  /** The file the topology came from, for error messages. */
  file: string;
}
