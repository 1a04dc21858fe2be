// Workload endpoints wired as Calico's CNI plugin wires them (cni-plugin/pkg/dataplane/linux/
// dataplane_linux.go, DoNetworking): a veth whose host end is cali<11 hex> with MAC
// ee:ee:ee:ee:ee:ee and proxy ARP, the pod's eth0 holding a /32 with 169.254.1.1 as its
// scope-link gateway, and a /32 route to the pod on the node. Pure: the kernel layer creates it.
import { createHash } from 'node:crypto';
import type { PodAllocation } from '../ipam/ipam.ts';
import { nodeNs, podNs } from '../../plan/naming.ts';
import type { KernelObjects } from '../../plan/objects.ts';

export const CALI_MAC = 'ee:ee:ee:ee:ee:ee';
/** Calico's next hop for every pod: a link-local address that only proxy ARP answers. */
export const POD_GATEWAY = '169.254.1.1';

export interface WorkloadEndpoint {
  namespace: string;
  pod: string;
  node: string;
  ip: string;
  interface: string; // cali… on the node
  netns: string;
  nodeNetns: string;
  mtu: number;
}

/** Calico's host-side name (libcalico-go/lib/backend/k8s/conversion/conversion.go, VethNameForWorkload):
 *  "cali" + the first 11 hex digits of sha1("<namespace>.<pod>"). */
export function caliName(namespace: string, pod: string): string {
  return 'cali' + createHash('sha1').update(`${namespace}.${pod}`).digest('hex').slice(0, 11);
}

/** One pod's namespace, veth, addresses, routes and sysctls, and its workload endpoint. */
export function wireWorkload(
  lab: string,
  p: PodAllocation,
  mtu: number,
): { objects: KernelObjects; endpoint: WorkloadEndpoint } {
  const ns = podNs(lab, p.namespace, p.name);
  const node = nodeNs(lab, p.node);
  const cali = caliName(p.namespace, p.name);
  const objects: KernelObjects = {
    namespaces: [{ name: ns, role: 'pod', of: `${p.namespace}/${p.name}` }],
    links: [],
    ports: [],
    veths: [
      [
        { ns: node, name: cali, mtu, mac: CALI_MAC },
        { ns, name: 'eth0', mtu },
      ],
    ],
    addresses: [{ ns, dev: 'eth0', cidr: `${p.ip}/32` }],
    routes: [
      { ns, dst: `${POD_GATEWAY}/32`, dev: 'eth0', scope: 'link' },
      { ns, dst: 'default', dev: 'eth0', via: POD_GATEWAY },
      { ns: node, dst: `${p.ip}/32`, dev: cali, scope: 'link' },
    ],
    sysctls: [
      { ns: node, key: `net.ipv4.conf.${cali}.proxy_arp`, value: '1' },
      { ns: node, key: `net.ipv4.neigh.${cali}.proxy_delay`, value: '0' },
      { ns: node, key: `net.ipv4.conf.${cali}.forwarding`, value: '1' },
    ],
  };
  const endpoint = {
    namespace: p.namespace,
    pod: p.name,
    node: p.node,
    ip: p.ip,
    interface: cali,
    netns: ns,
    nodeNetns: node,
    mtu,
  };
  return { objects, endpoint };
}
