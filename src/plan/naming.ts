// Every name calilab gives a kernel object. Namespaces carry the lab name so that two labs never
// collide; interface names are at most 15 bytes (IFNAMSIZ 16 with the NUL).
import { createHash } from 'node:crypto';

export const IFNAMSIZ = 15;

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

export const routerNs = (lab: string) => `${lab}-router`;
export const nodeNs = (lab: string, node: string) => `${lab}-node-${node}`;
/** Kubernetes namespaces cannot hold a dot, so "<namespace>.<pod>" is unambiguous. */
export const podNs = (lab: string, namespace: string, pod: string) => `${lab}-pod-${namespace}.${pod}`;
export const outsideNs = (lab: string, host: string) => `${lab}-outside-${host}`;

/** Bridge joining one underlay subnet, inside the router namespace. */
export const subnetBridge = (index: number) => `br-subnet${index}`;

/** Router-side end of a node's eth0: the node name when it fits, else a stable hash. */
export function routerPort(node: string): string {
  const name = `to-${node}`;
  return name.length <= IFNAMSIZ ? name : `to-${sha1(node).slice(0, IFNAMSIZ - 3)}`;
}

export const stateRoot = () => process.env.CALILAB_STATE_ROOT ?? '/run/calilab';
