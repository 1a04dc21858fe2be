import { parseTopology } from '../../src/topology/load.ts';

export const DOC000 = `
name: calico-ipip-3node
underlay: {mtu: 1500, subnets: [{cidr: 10.10.20.0/22, gateway: 10.10.20.1}]}
nodes:
  - {name: k8s-cp1, ip: 10.10.20.3, blocks: [10.8.170.64/26]}
  - {name: k8s-w1, ip: 10.10.20.4, blocks: [10.8.247.192/26]}
  - {name: k8s-w2, ip: 10.10.20.5, blocks: [10.8.94.64/26]}
ipPools: [{name: default-ipv4-ippool, cidr: 10.8.0.0/16, blockSize: 26, ipipMode: Always, natOutgoing: true}]
pods:
  - {name: pod-a, node: k8s-cp1, ip: 10.8.170.65}
  - {name: pod-b, node: k8s-cp1, ip: 10.8.170.66}
  - {name: pod-c, node: k8s-cp1, ip: 10.8.170.67}
  - {name: pod-d, node: k8s-w1, ip: 10.8.247.196}
  - {name: pod-e, node: k8s-w2, ip: 10.8.94.70}
`;

export const doc000 = () => parseTopology(DOC000, 'doc000.yaml');

/** A minimal valid topology as an object, to be mutated by tests. */
export function minimal(): Record<string, any> {
  return {
    name: 'lab',
    underlay: { subnets: [{ cidr: '10.0.0.0/24', gateway: '10.0.0.1' }] },
    nodes: [
      { name: 'n1', ip: '10.0.0.10' },
      { name: 'n2', ip: '10.0.0.11' },
    ],
    ipPools: [{ cidr: '192.168.0.0/16' }],
    pods: [
      { name: 'p1', node: 'n1' },
      { name: 'p2', node: 'n2' },
    ],
  };
}
