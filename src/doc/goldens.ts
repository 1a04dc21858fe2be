// What the source documents show, transcribed line by line (markdown escapes removed, nothing
// else changed), with the command that produces it on a calilab lab. Each document has its
// topology; `calilab doc` and the golden tests compare live output with these texts after the
// normalisation in compare.ts. Lines calilab does not emulate at all (the host's own DHCP or
// Vagrant NAT routes, docker0) are listed with the reason, and so are lines known to differ.
// Doc 003's calicoctl and kubectl captures are in goldens-003.ts, those after its walk to
// WireGuard in goldens-003-wireguard.ts.
import { GOLDENS_003 } from './goldens-003.ts';
import { GOLDENS_003_WIREGUARD } from './goldens-003-wireguard.ts';

export interface LineNote {
  /** Regular expression over a normalised document line. */
  pattern: string;
  why: string;
}

/** The views calilab renders itself (src/doc/views.ts): calicoctl's `node status`, `get ippool -o wide`,
 *  `get wep [-A] [-o wide]`, `ipam show [--show-blocks|--show-borrowed|--show-configuration]`,
 *  `node checksystem`, and kubectl's `get pods -o wide [-A]`. */
export type GoldenView =
  | 'node-status'
  | 'ippool-wide'
  | 'wep'
  | 'wep-all'
  | 'wep-wide-all'
  | 'ipam-show'
  | 'ipam-show-blocks'
  | 'ipam-show-borrowed'
  | 'ipam-show-configuration'
  | 'checksystem'
  | 'kubectl-pods-wide'
  | 'kubectl-pods-wide-all'
  | GetYamlView;

/** `calicoctl get KIND [NAME...] -o yaml`, e.g. `get node k8s-w1 -o yaml`: the lab's resources as
 *  calilab's `get` prints them (src/calico/calicoctl/resources.ts). */
export type GetYamlView = `get ${string} -o yaml`;

/** A later point of a document's walk, which calicoctl patches lead to (STATES). */
export type GoldenState = 'wireguard';

export interface Golden {
  doc: '000' | '001' | '002' | '003' | '004';
  id: string;
  title: string;
  /** Node or pod (namespace/name or name) whose namespace runs the command. */
  target: string;
  /** Command run in the target's namespace; or a calicoctl (or kubectl) view rendered by calilab. */
  argv?: string[];
  view?: GoldenView;
  /** Keep only the live block (ip addr style) whose first line matches this. */
  block?: string;
  /** Keep only live lines matching this (the document's `| grep`). */
  grep?: string;
  /** Keep only the first N columns of each live row (the transcription kept `target prot` of
   *  `iptables -L`); `Chain` headers stay whole. */
  columns?: number;
  /** `iptables -v`: the packet and byte counters are the traffic's, not the rule's; not compared. */
  counters?: boolean;
  /** Where in the document, e.g. "004 lines 228-240". */
  source: string;
  expected: string;
  /** Names the document's command resolved (`route` without -n), mapped back to addresses. */
  names?: Record<string, string>;
  hostOnly?: LineNote[];
  known?: LineNote[];
  /** The lab after the document's patches up to this state (STATES); none: the lab as `up` makes it. */
  state?: GoldenState;
}

/** One `calicoctl patch KIND NAME -p PATCH` of a document's walk, where the document runs it. */
export interface PatchStep {
  source: string;
  kind: string;
  name: string;
  patch: string;
}

/** Each state: its document, and the patches that lead there from the document's previous state
 *  (the first from the lab as `up` makes it), in the document's own order. */
export const STATES: Record<GoldenState, { doc: Golden['doc']; steps: PatchStep[] }> = {
  wireguard: {
    doc: '003',
    steps: [
      // `calicoctl get ippool default-ipv4-ippool -o yaml | sed -e "s/ipipMode: Always/ipipMode: Never/" |
      // calicoctl apply -f -`: the same change as this patch.
      { source: '003 line 1110', kind: 'ippool', name: 'default-ipv4-ippool', patch: '{"spec":{"ipipMode":"Never"}}' },
      {
        source: '003 line 1254',
        kind: 'ippool',
        name: 'default-ipv4-ippool',
        patch: '{"spec":{"ipipMode":"CrossSubnet"}}',
      },
      {
        source: '003 line 1278',
        kind: 'felixconfiguration',
        name: 'default',
        patch: '{"spec":{"wireguardEnabled":true}}',
      },
    ],
  },
};

/** A document's states in walk order. */
export const statesOf = (doc: Golden['doc']): GoldenState[] =>
  (Object.keys(STATES) as GoldenState[]).filter((s) => STATES[s].doc === doc);

/** Doc 004's `route` resolved these names (the Vagrant machines' /etc/hosts). */
const VAGRANT_HOSTS = { 'worker-node01': '10.0.0.11', 'worker-node02': '10.0.0.12', 'master-node': '10.0.0.10' };
const VAGRANT_HOST_ONLY: LineNote[] = [
  {
    pattern: '_gateway|^10\\.0\\.2\\.0 |^10\\.0\\.0\\.0 ',
    why:
      "Vagrant's NAT interface eth0 (default route, 10.0.2.0/24) and its host-only eth1 " +
      "(the node subnet, here on eth0 with metric 100): calilab's node has one underlay interface",
  },
  { pattern: 'docker0', why: 'Docker is not emulated' },
];

const NODE_ROUTE_HEADER =
  'Kernel IP routing table\nDestination     Gateway         Genmask         Flags Metric Ref    Use Iface';

const lines = (...ls: string[]) => ls.join('\n');

/** Doc 003 lines 879-900: `tcpdump -i cali1429ee5e74b -nn` on k8s-w1, the interface of CoreDNS's pod
 *  coredns-55cb58b774-z482n (172.16.158.1). */
const TCPDUMP_COREDNS = [
  'tcpdump: verbose output suppressed, use -v[v]... for full protocol decode',
  'listening on cali1429ee5e74b, link-type EN10MB (Ethernet), snapshot length 262144 bytes',
  '02:16:36.785077 IP 192.168.10.101.32948 > 172.16.158.1.8080: Flags [S], seq 1995566909, win 62587, ' +
    'options [mss 8941,sackOK,TS val 2096407014 ecr 0,nop,wscale 7], length 0',
  '02:16:36.785102 IP 172.16.158.1.8080 > 192.168.10.101.32948: Flags [S.], seq 3291293760, ' +
    'ack 1995566910, win 62503, options [mss 8941,sackOK,TS val 3214329542 ecr 2096407014,nop,wscale 7], length 0',
  '02:16:36.785135 IP 192.168.10.101.32948 > 172.16.158.1.8080: Flags [.], ack 1, win 489, ' +
    'options [nop,nop,TS val 2096407014 ecr 3214329542], length 0',
  '02:16:36.785280 IP 192.168.10.101.42932 > 172.16.158.1.8181: Flags [S], seq 1567875025, win 62587, ' +
    'options [mss 8941,sackOK,TS val 2096407014 ecr 0,nop,wscale 7], length 0',
  '02:16:36.785289 IP 172.16.158.1.8181 > 192.168.10.101.42932: Flags [S.], seq 37504632, ' +
    'ack 1567875026, win 62503, options [mss 8941,sackOK,TS val 3214329542 ecr 2096407014,nop,wscale 7], length 0',
  '02:16:36.785303 IP 192.168.10.101.42932 > 172.16.158.1.8181: Flags [.], ack 1, win 489, ' +
    'options [nop,nop,TS val 2096407014 ecr 3214329542], length 0',
  '02:16:36.785417 IP 192.168.10.101.42932 > 172.16.158.1.8181: Flags [P.], seq 1:110, ack 1, win 489, ' +
    'options [nop,nop,TS val 2096407014 ecr 3214329542], length 109',
  '02:16:36.785424 IP 172.16.158.1.8181 > 192.168.10.101.42932: Flags [.], ack 110, win 488, ' +
    'options [nop,nop,TS val 3214329542 ecr 2096407014], length 0',
  '02:16:36.785455 IP 192.168.10.101.32948 > 172.16.158.1.8080: Flags [P.], seq 1:111, ack 1, win 489, ' +
    'options [nop,nop,TS val 2096407014 ecr 3214329542], length 110: HTTP: GET /health HTTP/1.1',
  '02:16:36.785459 IP 172.16.158.1.8080 > 192.168.10.101.32948: Flags [.], ack 111, win 488, ' +
    'options [nop,nop,TS val 3214329542 ecr 2096407014], length 0',
  '02:16:36.788880 IP 172.16.158.1.8181 > 192.168.10.101.42932: Flags [P.], seq 1:138, ack 110, win 488, ' +
    'options [nop,nop,TS val 3214329546 ecr 2096407014], length 137',
  '02:16:36.788934 IP 192.168.10.101.42932 > 172.16.158.1.8181: Flags [.], ack 138, win 488, ' +
    'options [nop,nop,TS val 2096407018 ecr 3214329546], length 0',
  '02:16:36.788976 IP 172.16.158.1.8181 > 192.168.10.101.42932: Flags [F.], seq 138, ack 110, win 488, ' +
    'options [nop,nop,TS val 3214329546 ecr 2096407018], length 0',
  '02:16:36.789087 IP 172.16.158.1.8080 > 192.168.10.101.32948: Flags [P.], seq 1:138, ack 111, win 488, ' +
    'options [nop,nop,TS val 3214329546 ecr 2096407014], length 137: HTTP: HTTP/1.1 200 OK',
  '02:16:36.789115 IP 192.168.10.101.32948 > 172.16.158.1.8080: Flags [.], ack 138, win 488, ' +
    'options [nop,nop,TS val 2096407018 ecr 3214329546], length 0',
  '02:16:36.789142 IP 172.16.158.1.8080 > 192.168.10.101.32948: Flags [F.], seq 138, ack 111, win 488, ' +
    'options [nop,nop,TS val 3214329546 ecr 2096407018], length 0',
  '02:16:36.789353 IP 192.168.10.101.32948 > 172.16.158.1.8080: Flags [F.], seq 111, ack 139, win 488, ' +
    'options [nop,nop,TS val 2096407018 ecr 3214329546], length 0',
  '02:16:36.789377 IP 172.16.158.1.8080 > 192.168.10.101.32948: Flags [.], ack 112, win 488, ' +
    'options [nop,nop,TS val 3214329546 ecr 2096407018], length 0',
  '02:16:36.789595 IP 192.168.10.101.42932 > 172.16.158.1.8181: Flags [F.], seq 110, ack 139, win 488, ' +
    'options [nop,nop,TS val 2096407018 ecr 3214329546], length 0',
  '02:16:36.789607 IP 172.16.158.1.8181 > 192.168.10.101.42932: Flags [.], ack 111, win 488, ' +
    'options [nop,nop,TS val 3214329546 ecr 2096407018], length 0',
];

export const GOLDENS: Golden[] = [
  // ---- doc 000: k8s-cp1 of a kubeadm cluster, IPIP Always ----
  {
    doc: '000',
    id: '000-tunl0',
    title: 'ip a: tunl0 on k8s-cp1',
    target: 'k8s-cp1',
    argv: ['ip', 'a'],
    block: 'tunl0@',
    source: '000 lines 41-44',
    expected: `4: tunl0@NONE: <NOARP,UP,LOWER_UP> mtu 1480 qdisc noqueue state UNKNOWN group default qlen 1000
    link/ipip 0.0.0.0 brd 0.0.0.0
    inet 10.8.170.64/32 scope global tunl0
       valid_lft forever preferred_lft forever`,
  },
  {
    doc: '000',
    id: '000-cali',
    title: 'ip a: a cali interface on k8s-cp1',
    target: 'k8s-cp1',
    argv: ['ip', 'a'],
    block: 'cali5e1c4d6c68c@',
    source: '000 lines 46-49',
    expected:
      '5: calif86b4c07487@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1480 qdisc noqueue state UP group default ' +
      `qlen 1000
    link/ether ee:ee:ee:ee:ee:ee brd ff:ff:ff:ff:ff:ff link-netns cni-cc0ba05c-2db7-7e4f-1889-caada27ebf31
    inet6 fe80::ecee:eeff:feee:eeee/64 scope link proto kernel_ll
       valid_lft forever preferred_lft forever`,
    known: [
      {
        pattern: '^N: calif86b4c07487@',
        why:
          'cali names are sha1 of "<namespace>.<pod>"; the document does not name its pods ' +
          '(calilab: cali5e1c4d6c68c for default/pod-a)',
      },
    ],
  },
  {
    doc: '000',
    id: '000-route',
    title: 'route -n on k8s-cp1',
    target: 'k8s-cp1',
    argv: ['route', '-n'],
    source: '000 lines 108-116',
    expected: `${NODE_ROUTE_HEADER}
0.0.0.0         10.10.20.1      0.0.0.0         UG    100    0        0 eth0
10.8.94.64      10.10.20.5      255.255.255.192 UGH   0      0        0 tunl0
10.8.170.65     0.0.0.0         255.255.255.255 UH    0      0        0 calif86b4c07487
10.8.170.66     0.0.0.0         255.255.255.255 UH    0      0        0 cali51a8a41be5f
10.8.170.67     0.0.0.0         255.255.255.255 UH    0      0        0 cali1a7063df1d7
10.8.247.192    10.10.20.4      255.255.255.192 UGH   0      0        0 tunl0
10.10.20.0      0.0.0.0         255.255.252.0   U     100    0        0 eth0`,
    known: [
      {
        pattern: ' UGH ',
        why:
          "the document's kernel (AlmaLinux 10) flags these onlink block routes H; Debian's 6.1 kernel prints UG " +
          'for the same route (destination, gateway, mask, tunl0 all equal)',
      },
      { pattern: ' cali[0-9a-f]{11}$', why: 'cali names come from pod names the document does not give' },
    ],
  },
  // ---- doc 001: route reflectors (rr-4node) ----
  {
    doc: '001',
    id: '001-remote-route',
    title: 'ip route: a remote pod route learned from BIRD',
    target: 'node-2',
    argv: ['ip', 'route'],
    source: '001 line 66',
    expected: '172.16.200.6 via 192.168.0.40 dev tunnel0 proto bird',
    known: [
      {
        pattern: 'tunnel0',
        why:
          'the document abbreviates: Calico installs the whole block, ' +
          '172.16.200.0/26 via 192.168.0.40 dev tunl0 proto bird onlink (tunl0, not "tunnel0"); ' +
          'calilab shows that line',
      },
    ],
  },
  // ---- doc 002: kind + containerlab, VXLAN ----
  {
    doc: '002',
    id: '002-pod-addr',
    title: 'ip addr in pod multitool',
    target: 'default/multitool',
    argv: ['ip', 'addr'],
    block: 'eth0@',
    source: '002 lines 193-198',
    expected: `2: eth0@if6: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UP group default qlen 1000
    link/ether 7e:08:91:93:9c:3b brd ff:ff:ff:ff:ff:ff link-netnsid 0
    inet 192.168.146.66/32 scope global eth0
       valid_lft forever preferred_lft forever
    inet6 fe80::7c08:91ff:fe93:9c3b/64 scope link 
       valid_lft forever preferred_lft forever`,
  },
  {
    doc: '002',
    id: '002-pod-link',
    title: 'ip link in pod multitool',
    target: 'default/multitool',
    argv: ['ip', 'link'],
    block: 'eth0@',
    source: '002 lines 217-218',
    expected:
      '2: eth0@if6: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UP mode DEFAULT group default ' +
      `qlen 1000
    link/ether 7e:08:91:93:9c:3b brd ff:ff:ff:ff:ff:ff link-netnsid 0`,
  },
  {
    doc: '002',
    id: '002-pod-route',
    title: 'ip route in pod multitool',
    target: 'default/multitool',
    argv: ['ip', 'route'],
    source: '002 lines 236-237',
    expected: `default via 169.254.1.1 dev eth0 
169.254.1.1 dev eth0 scope link `,
  },
  {
    doc: '002',
    id: '002-node-route',
    title: 'ip route | grep 192.168.146.66 on pod-network-worker',
    target: 'pod-network-worker',
    argv: ['ip', 'route'],
    grep: '192\\.168\\.146\\.66',
    source: '002 line 320',
    expected: '192.168.146.66 dev cali6d09fa47963 scope link ',
  },
  {
    doc: '002',
    id: '002-node-cali',
    title: 'ip addr | grep cali6d09fa47963 -A3 on pod-network-worker',
    target: 'pod-network-worker',
    argv: ['ip', 'addr'],
    block: 'cali6d09fa47963@',
    source: '002 lines 334-337',
    expected:
      '6: cali6d09fa47963@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UP group default ' +
      `qlen 1000
    link/ether ee:ee:ee:ee:ee:ee brd ff:ff:ff:ff:ff:ff link-netns cni-03a82789-389d-e76a-7035-f50cab457aa9
    inet6 fe80::ecee:eeff:feee:eeee/64 scope link 
       valid_lft forever preferred_lft forever`,
  },
  // ---- doc 003: KANS, 4 nodes on two subnets, MTU 9001 ----
  {
    doc: '003',
    id: '003-node-route',
    title: 'ip -c route on k8s-m',
    target: 'k8s-m',
    argv: ['ip', 'route'],
    source: '003 lines 375-382',
    expected: `default via 192.168.10.1 dev ens5 proto dhcp src 192.168.10.10 metric 100
172.16.34.0/24 via 192.168.20.100 dev tunl0 proto bird onlink
blackhole 172.16.116.0/24 proto bird
172.16.158.0/24 via 192.168.10.101 dev tunl0 proto bird onlink
172.16.184.0/24 via 192.168.10.102 dev tunl0 proto bird onlink
192.168.0.2 via 192.168.10.1 dev ens5 proto dhcp src 192.168.10.10 metric 100
192.168.10.0/24 dev ens5 proto kernel scope link src 192.168.10.10 metric 100
192.168.10.1 dev ens5 proto dhcp scope link src 192.168.10.10 metric 100`,
    hostOnly: [
      {
        pattern: 'dev ens5',
        why: "the AWS instance's own DHCP routes on ens5 (calilab's node has eth0, a static default and subnet route)",
      },
    ],
  },
  {
    doc: '003',
    id: '003-node-tunl0',
    title: 'ip -c addr: tunl0 on k8s-m',
    target: 'k8s-m',
    argv: ['ip', 'addr'],
    block: 'tunl0@',
    source: '003 lines 398-401',
    expected: `3: tunl0@NONE: <NOARP,UP,LOWER_UP> mtu 8981 qdisc noqueue state UNKNOWN group default qlen 1000
    link/ipip 0.0.0.0 brd 0.0.0.0
    inet 172.16.116.0/32 scope global tunl0
       valid_lft forever preferred_lft forever`,
  },
  {
    doc: '003',
    id: '003-node-status',
    title: 'calicoctl node status on k8s-m',
    target: 'k8s-m',
    view: 'node-status',
    source: '003 lines 523-535',
    expected: `Calico process is running.

IPv4 BGP status
+----------------+-------------------+-------+----------+-------------+
|  PEER ADDRESS  |     PEER TYPE     | STATE |  SINCE   |    INFO     |
+----------------+-------------------+-------+----------+-------------+
| 192.168.20.100 | node-to-node mesh | up    | 16:52:54 | Established |
| 192.168.10.101 | node-to-node mesh | up    | 16:52:52 | Established |
| 192.168.10.102 | node-to-node mesh | up    | 16:52:54 | Established |
+----------------+-------------------+-------+----------+-------------+

IPv6 BGP status
No IPv6 peers found.`,
  },
  {
    doc: '003',
    id: '003-ippool',
    title: 'calicoctl get ippool -o wide',
    target: 'k8s-m',
    view: 'ippool-wide',
    source: '003 lines 565-566',
    expected:
      'NAME                  CIDR            NAT    IPIPMODE   VXLANMODE   DISABLED   DISABLEBGPEXPORT   SELECTOR\n' +
      'default-ipv4-ippool   172.16.0.0/16   true   Always     Never       false      false              all()',
  },
  {
    doc: '003',
    id: '003-pod-route',
    title: 'ip -c route and route -n in pod1',
    target: 'default/pod1',
    argv: ['sh', '-c', 'ip route; route -n'],
    source: '003 lines 801-808',
    expected: `default via 169.254.1.1 dev eth0
169.254.1.1 dev eth0 scope link
Kernel IP routing table
Destination     Gateway         Genmask         Flags Metric Ref    Use Iface
0.0.0.0         169.254.1.1     0.0.0.0         UG    0      0        0 eth0
169.254.1.1     0.0.0.0         255.255.255.255 UH    0      0        0 eth0`,
  },
  {
    doc: '003',
    id: '003-pod-link',
    title: 'ip -c link in pod1',
    target: 'default/pod1',
    argv: ['ip', 'link'],
    source: '003 lines 793-798',
    expected: `1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000
    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
2: tunl0@NONE: <NOARP> mtu 1480 qdisc noop state DOWN mode DEFAULT group default qlen 1000
    link/ipip 0.0.0.0 brd 0.0.0.0
3: eth0@if9: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 8981 qdisc noqueue state UP mode DEFAULT group default qlen 1000
    link/ether a2:06:d7:da:d4:18 brd ff:ff:ff:ff:ff:ff link-netnsid 0`,
    known: [
      {
        pattern: 'tunl0@NONE: <NOARP>|^link/ipip',
        why:
          "the kernel's fallback tunl0 that every new namespace gets once the ipip module is loaded; " +
          "calilab's VM sets net.core.fb_tunnels_only_for_init_net=2, so pods have none (a host kernel shows it)",
      },
    ],
  },
  {
    doc: '003',
    id: '003-tcpdump-coredns',
    title: "tcpdump on CoreDNS's cali interface on k8s-w1",
    target: 'k8s-w1',
    // Never run: every line is the traffic of a pod calilab does not have (notEmulated in compare.ts).
    argv: ['tcpdump', '-i', 'cali1429ee5e74b', '-nn'],
    source: '003 lines 878-900',
    expected: lines(...TCPDUMP_COREDNS),
    hostOnly: [
      {
        pattern: '^tcpdump: verbose output suppressed|^listening on cali1429ee5e74b,',
        why:
          "tcpdump's banner for cali1429ee5e74b, the host side of CoreDNS coredns-55cb58b774-z482n " +
          '(172.16.158.1, lines 584-587), a kube-system pod calilab does not run',
      },
      {
        pattern: ' IP (192\\.168\\.10\\.101\\.\\d+ > 172\\.16\\.158\\.1\\.|172\\.16\\.158\\.1\\.)(8080|8181)',
        why:
          "kubelet's HTTP probes of CoreDNS from k8s-w1's own address (liveness GET /health on 8080, " +
          'readiness on 8181): calilab has no kubelet and no CoreDNS, and its pods answer no probes',
      },
    ],
  },
  // calicoctl and kubectl views of doc 003 (goldens-003.ts), then the captures after its walk to WireGuard
  ...GOLDENS_003,
  ...GOLDENS_003_WIREGUARD,
  // ---- doc 004: Vagrant kubeadm cluster ----
  {
    doc: '004',
    id: '004-master-route',
    title: 'route on master-node',
    target: 'master-node',
    argv: ['route', '-n'],
    source: '004 lines 157-171',
    names: VAGRANT_HOSTS,
    expected: `${NODE_ROUTE_HEADER}
default         _gateway        0.0.0.0         UG    100    0        0 eth0
10.0.0.0        0.0.0.0         255.255.255.0   U     0      0        0 eth1
10.0.2.0        0.0.0.0         255.255.255.0   U     0      0        0 eth0
_gateway        0.0.0.0         255.255.255.255 UH    100    0        0 eth0
172.17.0.0      0.0.0.0         255.255.0.0     U     0      0        0 docker0
192.168.77.128  0.0.0.0         255.255.255.192 U     0      0        0 *
192.168.77.144  0.0.0.0         255.255.255.255 UH    0      0        0 cali3695aa26d3f
192.168.77.145  0.0.0.0         255.255.255.255 UH    0      0        0 cali4dac41cf160
192.168.77.146  0.0.0.0         255.255.255.255 UH    0      0        0 cali497deb5a5f9
192.168.77.147  0.0.0.0         255.255.255.255 UH    0      0        0 cali2c7f21c75be
192.168.77.148  0.0.0.0         255.255.255.255 UH    0      0        0 cali3ad52b32597
192.168.87.192  worker-node01   255.255.255.192 UG    0      0        0 tunl0
192.168.158.0   worker-node02   255.255.255.192 UG    0      0        0 tunl0`,
    hostOnly: VAGRANT_HOST_ONLY,
    known: [
      {
        pattern: '^192\\.168\\.77\\.14[4-8] ',
        why: "the master's pods are not named in the document (kube-system pods), so their cali names differ",
      },
    ],
  },
  {
    doc: '004',
    id: '004-master-tunl0',
    title: 'ip addr: tunl0 on master-node',
    target: 'master-node',
    argv: ['ip', 'addr'],
    block: 'tunl0@',
    source: '004 lines 190-193',
    expected: `7: tunl0@NONE: <NOARP,UP,LOWER_UP> mtu 1480 qdisc noqueue state UNKNOWN group default qlen 1000
    link/ipip 0.0.0.0 brd 0.0.0.0
    inet 192.168.77.128/32 scope global tunl0
       valid_lft forever preferred_lft forever`,
  },
  {
    doc: '004',
    id: '004-node01-tunl0',
    title: 'ip addr: tunl0 on worker-node01',
    target: 'worker-node01',
    argv: ['ip', 'addr'],
    block: 'tunl0@',
    source: '004 lines 207-210',
    expected: `8: tunl0@NONE: <NOARP,UP,LOWER_UP> mtu 1480 qdisc noqueue state UNKNOWN group default qlen 1000
    link/ipip 0.0.0.0 brd 0.0.0.0
    inet 192.168.87.192/32 scope global tunl0
       valid_lft forever preferred_lft forever`,
  },
  {
    doc: '004',
    id: '004-node01-route',
    title: 'route on worker-node01',
    target: 'worker-node01',
    argv: ['route', '-n'],
    source: '004 lines 229-239',
    names: VAGRANT_HOSTS,
    expected: `${NODE_ROUTE_HEADER}
default         _gateway        0.0.0.0         UG    100    0        0 eth0
10.0.0.0        0.0.0.0         255.255.255.0   U     0      0        0 eth1
10.0.2.0        0.0.0.0         255.255.255.0   U     0      0        0 eth0
_gateway        0.0.0.0         255.255.255.255 UH    100    0        0 eth0
172.17.0.0      0.0.0.0         255.255.0.0     U     0      0        0 docker0
192.168.77.128  master-node     255.255.255.192 UG    0      0        0 tunl0
192.168.87.192  0.0.0.0         255.255.255.192 U     0      0        0 *
192.168.87.197  0.0.0.0         255.255.255.255 UH    0      0        0 cali5a8550e3af3
192.168.87.198  0.0.0.0         255.255.255.255 UH    0      0        0 cali6d8ff9bc555
192.168.158.0   worker-node02   255.255.255.192 UG    0      0        0 tunl0`,
    hostOnly: VAGRANT_HOST_ONLY,
    known: [
      {
        pattern: '^192\\.168\\.87\\.197 ',
        why: 'the pod at .197 is not named in the document, so its cali name differs',
      },
    ],
  },
  {
    doc: '004',
    id: '004-pod-addr',
    title: 'ip addr in a hello-world pod',
    target: 'default/hello-world-54575d5b77-db9tv',
    argv: ['ip', 'addr'],
    block: 'eth0@',
    source: '004 lines 61-65',
    expected: `4: eth0@if8: <BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN> mtu 1480 qdisc noqueue state UP 
    link/ether a6:ee:aa:de:ef:4f brd ff:ff:ff:ff:ff:ff
    inet 192.168.158.2/32 brd 192.168.158.2 scope global eth0
       valid_lft forever preferred_lft forever`,
    known: [
      {
        pattern: 'M-DOWN|^link/ether <mac> brd ff:ff:ff:ff:ff:ff$',
        why:
          "the pod image's BusyBox ip prints its own format (M-DOWN, no group/qlen, no link-netnsid); " +
          "calilab's pods run iproute2",
      },
      {
        pattern: ' brd 192\\.168\\.158\\.2 ',
        why:
          "the document's older Calico CNI set a broadcast address on the /32; " +
          'current Calico (and calilab) does not',
      },
    ],
  },
];

export const DOCS = ['000', '001', '002', '003', '004'] as const;

/** The topology file that reproduces each document. */
export const DOC_TOPOLOGY: Record<Golden['doc'], string> = {
  '000': 'topologies/calico-ipip-3node.yaml',
  '001': 'topologies/rr-4node.yaml',
  '002': 'topologies/kind-vxlan-3node.yaml',
  '003': 'topologies/kans-4node.yaml',
  '004': 'topologies/vagrant-3node.yaml',
};
