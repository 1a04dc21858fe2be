// Doc 003's calicoctl and kubectl captures (KANS, Calico v3.28.1, kubectl v1.30.5), transcribed as
// goldens.ts does: markdown escapes (`\-`, `<none\>`) removed; what the transcription lost and
// the tools certainly printed restored: tablewriter's `+---+` rules (the document keeps a bare
// `+`) and checksystem's tabs (printResult's "\t\t%-20s\t\t\t\t\t%s"; the document shows spaces).
// Rows the transcription cut short are kept as the document shows them.
//
// What calilab emulates here: the IP pool and its four /24 blocks with their tunnel addresses,
// the document's own pods (pod1-pod4 of kans-4node), their workload endpoints and cali names
// (sha1 of "<namespace>.<pod>", so a kube-system pod would get the document's name too), IPAM's
// configuration, and the kernel checks, which read the kernel calilab runs on. What it does not:
// Kubernetes itself (etcd, the API server, kube-proxy, calico-node and calico-kube-controllers as
// pods, CoreDNS), so kube-system's pods and their addresses are missing; and time, so AGE is the
// lab's age.
import type { Golden, LineNote } from './goldens.ts';

const lines = (...ls: string[]) => ls.join('\n');

/** doc 003 lines 270-286: calico-node, kube-proxy and the control plane are pods of a real cluster. */
const KUBE_SYSTEM: LineNote = {
  pattern: '^kube-system ',
  why:
    "kube-system's pods (calico-node, calico-kube-controllers, CoreDNS, etcd, the API server, " +
    'kube-proxy, …) are not emulated: calilab has no Kubernetes, only the pods of the topology',
};

const POOL_IN_USE: LineNote = {
  pattern: '^\\| IP Pool \\| 172\\.16\\.0\\.0/16 \\| 65536 \\| 7 \\(0%\\)',
  why:
    'in use at that point of the document: 4 tunnel addresses and 3 kube-system pods on k8s-w1 ' +
    '(calico-kube-controllers, 2 CoreDNS); calilab: the 4 tunnel addresses and pod1-pod4, so 8 (0%), 65528 (100%)',
};

const BLOCK_IN_USE: LineNote = {
  pattern: '^\\| Block \\| 172\\.16\\.(158|184|34)\\.0/24 ',
  why:
    "k8s-w1's block held its tunnel address and the 3 kube-system pods (4); calilab's holds the tunnel " +
    'address, pod1 and pod2 (3 (1%)); k8s-w2 and k8s-w0 also hold pod3 and pod4 (2 (1%) each, the document 1)',
};

const IPAM_HEADER = '| GROUPING |      CIDR       | IPS TOTAL | IPS IN USE |   IPS FREE   |';
const IPAM_RULE = '+----------+-----------------+-----------+------------+--------------+';

/** printResult (checksystem.go:301-303) as calicoctl printed it; the document collapsed the tabs. */
const ok = (v: string) => `\t\t${v.padEnd(20)}\t\t\t\t\tOK`;

/** The order doc 003's run happened to print (calicoctl ranges over a Go map, checksystem.go:191). */
const DOC_MODULE_ORDER = [
  'ip_set',
  'ip6_tables',
  'ipt_ipvs',
  'xt_bpf',
  'ipt_REJECT',
  'xt_rpfilter',
  'xt_icmp',
  'ipt_rpfilter',
  'ipt_set',
  'xt_addrtype',
  'xt_conntrack',
  'xt_multiport',
  'xt_u32',
  'ip_tables',
  'vfio-pci',
  'nf_conntrack_netlink',
  'xt_icmp6',
  'xt_mark',
  'xt_set',
];

const POD_AGE_AND_IP: LineNote = {
  pattern: '^pod[12] 1/1 Running 0 ',
  why:
    "AGE is the lab's age; the document's pods got .4 and .5 because kube-system's pods held .1-.3 of " +
    "k8s-w1's block (and its text, lines 825-829, calls pod2 .4); kans-4node pins pod1 .3 and pod2 .4",
};

export const GOLDENS_003: Golden[] = [
  {
    doc: '003',
    id: '003-ipam-show',
    title: 'calicoctl ipam show',
    target: 'k8s-m',
    view: 'ipam-show',
    source: '003 lines 474-479 (again at 489-494)',
    expected: lines(
      '+----------+---------------+-----------+------------+--------------+',
      '| GROUPING |     CIDR      | IPS TOTAL | IPS IN USE |   IPS FREE   |',
      '+----------+---------------+-----------+------------+--------------+',
      '| IP Pool  | 172.16.0.0/16 |     65536 | 7 (0%)     | 65529 (100%) |',
      '+----------+---------------+-----------+------------+--------------+',
    ),
    known: [POOL_IN_USE],
  },
  {
    doc: '003',
    id: '003-ipam-show-blocks',
    title: 'calicoctl ipam show --show-blocks',
    target: 'k8s-m',
    view: 'ipam-show-blocks',
    source: '003 lines 496, 499-507 (the flags lost in transcription)',
    expected: lines(
      IPAM_RULE,
      IPAM_HEADER,
      IPAM_RULE,
      '| IP Pool  | 172.16.0.0/16   |     65536 | 7 (0%)     | 65529 (100%) |',
      '| Block    | 172.16.116.0/24 |       256 | 1 (0%)     | 255 (100%)   |',
      '| Block    | 172.16.158.0/24 |       256 | 4 (2%)     | 252 (98%)    |',
      '| Block    | 172.16.184.0/24 |       256 | 1 (0%)     | 255 (100%)   |',
      '| Block    | 172.16.34.0/24  |       256 | 1 (0%)     | 255 (100%)   |',
      IPAM_RULE,
    ),
    known: [POOL_IN_USE, BLOCK_IN_USE],
  },
  {
    doc: '003',
    id: '003-ipam-show-borrowed',
    title: 'calicoctl ipam show --show-borrowed',
    target: 'k8s-m',
    view: 'ipam-show-borrowed',
    source: '003 lines 497, 508-511',
    expected: lines(
      '+----+----------------+-------+-------------+------+--------------+',
      '| IP | BORROWING-NODE | BLOCK | BLOCK OWNER | TYPE | ALLOCATED-TO |',
      '+----+----------------+-------+-------------+------+--------------+',
      '+----+----------------+-------+-------------+------+--------------+',
    ),
  },
  {
    doc: '003',
    id: '003-ipam-show-configuration',
    title: 'calicoctl ipam show --show-configuration',
    target: 'k8s-m',
    view: 'ipam-show-configuration',
    source: '003 lines 498, 512-517',
    expected: lines(
      '+--------------------+-------+',
      '|      PROPERTY      | VALUE |',
      '+--------------------+-------+',
      '| StrictAffinity     | false |',
      '| AutoAllocateBlocks | true  |',
      '| MaxBlocksPerHost   |     0 |',
      '+--------------------+-------+',
    ),
  },
  {
    doc: '003',
    id: '003-checksystem',
    title: 'calicoctl node checksystem on k8s-m',
    target: 'k8s-m',
    view: 'checksystem',
    // The module order differs from run to run (a Go map); compare.ts looks each line up wherever
    // it is, and calilab prints checksystem.go's map literal order.
    source: '003 lines 537-558',
    expected: lines(
      'Checking kernel version...',
      ok('6.5.0-1024-aws'),
      'Checking kernel modules...',
      ...DOC_MODULE_ORDER.map(ok),
      'System meets minimum system requirements to run Calico!',
    ),
    known: [
      {
        pattern: '^6\\.5\\.0-1024-aws\\s',
        why:
          "the document's AWS instance ran Ubuntu's linux-aws 6.5 kernel; calilab's namespaces share the kernel " +
          'calilab runs on (the host, or the VM runner), and checksystem reports that one',
      },
      {
        pattern: `^(${DOC_MODULE_ORDER.join('|')})\\s`,
        why:
          'this kernel lacks the module (FAIL, after a WARNING line): checksystem checks the kernel calilab runs on; ' +
          "calilab's dataplane (nftables, ipip, vxlan, wireguard) needs none of the 19",
      },
      {
        pattern: '^System meets minimum',
        why: 'follows from a module this kernel lacks (above)',
      },
    ],
  },
  {
    doc: '003',
    id: '003-wep',
    title: 'calicoctl get workloadEndpoint',
    target: 'k8s-m',
    view: 'wep',
    // The default namespace had no pods yet; calilab's has pod1-pod4, extra lines compare.ts ignores.
    source: '003 lines 579, 582',
    expected: 'WORKLOAD   NODE   NETWORKS   INTERFACE',
  },
  {
    doc: '003',
    id: '003-wep-all',
    title: 'calicoctl get workloadEndpoint -A',
    target: 'k8s-m',
    view: 'wep-all',
    source: '003 lines 580, 584-587',
    expected: lines(
      'NAMESPACE     WORKLOAD                                   NODE     NETWORKS          INTERFACE',
      'kube-system   calico-kube-controllers-77d59654f4-xgt7f   k8s-w1   172.16.158.2/32   cali1a6c68cfc2f',
      'kube-system   coredns-55cb58b774-djmlk                   k8s-w1   172.16.158.3/32   cali7760be1255d',
      'kube-system   coredns-55cb58b774-z482n                   k8s-w1   172.16.158.1/32   cali1429ee5e74b',
    ),
    hostOnly: [KUBE_SYSTEM],
  },
  {
    doc: '003',
    id: '003-wep-wide-all',
    title: 'calicoctl get workloadEndpoint -o wide -A',
    target: 'k8s-m',
    view: 'wep-wide-all',
    // The rows were cut after "k8s"; calicoctl printed e.g. k8s--w1-k8s-coredns--55cb58b774--djmlk-eth0
    // (names/workloadendpoint.go:93-129) and kns.kube-system,ksa.kube-system.coredns.
    source: '003 lines 581, 589-592',
    expected: lines(
      'NAMESPACE     NAME                                                            ' +
        'WORKLOAD                                   NODE     NETWORKS          INTERFACE         ' +
        'PROFILES                                                  NATS',
      'kube-system   k8s',
      'kube-system   k8s',
      'kube-system   k8s',
    ),
    hostOnly: [KUBE_SYSTEM],
  },
  {
    doc: '003',
    id: '003-wep-pods',
    title: 'calicoctl get wep with pod1-pod3',
    target: 'k8s-m',
    view: 'wep',
    source: '003 lines 1138-1142',
    expected: lines(
      'WORKLOAD   NODE     NETWORKS          INTERFACE',
      'pod1       k8s-w1   172.16.158.6/32   calice0906292e2',
      'pod2       k8s-w1   172.16.158.5/32   calibd2348b4f67',
      'pod3       k8s-w0   172.16.34.1/32    cali49778cadcf1',
    ),
    known: [
      {
        pattern: '^pod[123] ',
        why:
          "the cali names match; the addresses come from the document's history (pod1 recreated at .6, pod3 " +
          'created on k8s-w0 as its first pod); kans-4node pins pod1 .3, pod2 .4, pod3 on k8s-w2 .3 and pod4 on ' +
          'k8s-w0 .4, as the rest of the document has them',
      },
    ],
  },
  {
    doc: '003',
    id: '003-kubectl-pods-all',
    title: 'kubectl get pod -A -owide after installing Calico',
    target: 'k8s-m',
    view: 'kubectl-pods-wide-all',
    source: '003 lines 270-286',
    expected: lines(
      'NAMESPACE     NAME                                       READY   STATUS    RESTARTS   AGE     ' +
        'IP               NODE     NOMINATED NODE   READINESS GATES',
      'kube-system   calico-kube-controllers-77d59654f4-xgt7f   1/1     Running   0          39s     ' +
        '172.16.158.2     k8s-w1   <none>           <none>',
      'kube-system   calico-node-6pjnv                          1/1     Running   0          39s     ' +
        '192.168.10.101   k8s-w1   <none>           <none>',
      'kube-system   calico-node-gkmrh                          1/1     Running   0          39s     ' +
        '192.168.10.102   k8s-w2   <none>           <none>',
      'kube-system   calico-node-vdxld                          1/1     Running   0          39s     ' +
        '192.168.10.10    k8s-m    <none>           <none>',
      'kube-system   calico-node-whxqz                          1/1     Running   0          39s     ' +
        '192.168.20.100   k8s-w0   <none>           <none>',
      'kube-system   coredns-55cb58b774-djmlk                   1/1     Running   0          5m6s    ' +
        '172.16.158.3     k8s-w1   <none>           <none>',
      'kube-system   coredns-55cb58b774-z482n                   1/1     Running   0          5m6s    ' +
        '172.16.158.1     k8s-w1   <none>           <none>',
      'kube-system   etcd-k8s-m                                 1/1     Running   0          5m21s   ' +
        '192.168.10.10    k8s-m    <none>           <none>',
      'kube-system   kube-apiserver-k8s-m                       1/1     Running   0          5m21s   ' +
        '192.168.10.10    k8s-m    <none>           <none>',
      'kube-system   kube-controller-manager-k8s-m              1/1     Running   0          5m21s   ' +
        '192.168.10.10    k8s-m    <none>           <none>',
      'kube-system   kube-proxy-8s5ws                           1/1     Running   0          5m2s    ' +
        '192.168.10.101   k8s-w1   <none>           <none>',
      'kube-system   kube-proxy-jp6h8                           1/1     Running   0          5m4s    ' +
        '192.168.10.102   k8s-w2   <none>           <none>',
      'kube-system   kube-proxy-mmk4s                           1/1     Running   0          5m5s    ' +
        '192.168.20.100   k8s-w0   <none>           <none>',
      'kube-system   kube-proxy-mmxpz                           1/1     Running   0          5m7s    ' +
        '192.168.10.10    k8s-m    <none>           <none>',
      'kube-system   kube-scheduler-k8s-m                       1/1     Running   0          5m21s   ' +
        '192.168.10.10    k8s-m    <none>           <none>',
    ),
    hostOnly: [KUBE_SYSTEM],
  },
  {
    doc: '003',
    id: '003-kubectl-pods',
    title: 'kubectl get pods -o wide with pod1 and pod2',
    target: 'k8s-m',
    view: 'kubectl-pods-wide',
    source: '003 lines 948-951',
    expected: lines(
      'NAME   READY   STATUS    RESTARTS   AGE   IP             NODE     NOMINATED NODE   READINESS GATES',
      'pod1   1/1     Running   0          16m   172.16.158.4   k8s-w1   <none>           <none>',
      'pod2   1/1     Running   0          16m   172.16.158.5   k8s-w1   <none>           <none>',
    ),
    known: [POD_AGE_AND_IP],
  },
  {
    doc: '003',
    id: '003-kubectl-pods-later',
    title: 'kubectl get pods -o wide two minutes later',
    target: 'k8s-m',
    view: 'kubectl-pods-wide',
    source: '003 lines 989-992',
    expected: lines(
      'NAME   READY   STATUS    RESTARTS   AGE   IP             NODE     NOMINATED NODE   READINESS GATES',
      'pod1   1/1     Running   0          18m   172.16.158.4   k8s-w1   <none>           <none>',
      'pod2   1/1     Running   0          18m   172.16.158.5   k8s-w1   <none>           <none>',
    ),
    known: [POD_AGE_AND_IP],
  },
  {
    doc: '003',
    id: '003-iptables-filter',
    title: 'iptables -t filter -L | grep cali (Felix v3.28 on a node without pods)',
    target: 'k8s-m',
    argv: ['iptables', '-t', 'filter', '-L'],
    grep: 'cali',
    // The transcription kept the target and prot columns of each rule.
    columns: 2,
    source: '003 lines 405-444',
    expected: lines(
      'cali-INPUT  all',
      'cali-FORWARD  all',
      'ACCEPT     all',
      'MARK       all',
      'cali-OUTPUT  all',
      'Chain cali-FORWARD (1 references)',
      'MARK       all',
      'cali-from-hep-forward  all',
      'cali-from-wl-dispatch  all',
      'cali-to-wl-dispatch  all',
      'cali-to-hep-forward  all',
      'cali-cidr-block  all',
      'Chain cali-INPUT (1 references)',
      'ACCEPT     ipencap',
      'DROP       ipencap',
      'cali-wl-to-host  all',
      'ACCEPT     all',
      'MARK       all',
      'cali-from-host-endpoint  all',
      'ACCEPT     all',
      'Chain cali-OUTPUT (1 references)',
      'ACCEPT     all',
      'RETURN     all',
      'ACCEPT     ipencap',
      'MARK       all',
      'cali-to-host-endpoint  all',
      'ACCEPT     all',
      'Chain cali-cidr-block (1 references)',
      'Chain cali-from-hep-forward (1 references)',
      'Chain cali-from-host-endpoint (1 references)',
      'Chain cali-from-wl-dispatch (2 references)',
      'DROP       all',
      'Chain cali-to-hep-forward (1 references)',
      'Chain cali-to-host-endpoint (1 references)',
      'Chain cali-to-wl-dispatch (1 references)',
      'DROP       all',
      'Chain cali-wl-to-host (1 references)',
      'cali-from-wl-dispatch  all',
      'ACCEPT     all',
    ),
  },
  {
    doc: '003',
    id: '003-iptables-nat',
    title: 'iptables -t nat -L | grep cali',
    target: 'k8s-m',
    argv: ['iptables', '-t', 'nat', '-L'],
    grep: 'cali',
    columns: 2,
    source: '003 lines 446-464',
    expected: lines(
      'cali-PREROUTING  all',
      'cali-OUTPUT  all',
      'cali-POSTROUTING  all',
      'Chain cali-OUTPUT (1 references)',
      'cali-fip-dnat  all',
      'Chain cali-POSTROUTING (1 references)',
      'cali-fip-snat  all',
      'cali-nat-outgoing  all',
      'MASQUERADE  all',
      'Chain cali-PREROUTING (1 references)',
      'cali-fip-dnat  all',
      'Chain cali-fip-dnat (2 references)',
      'Chain cali-fip-snat (1 references)',
      'Chain cali-nat-outgoing (1 references)',
      'MASQUERADE  all',
    ),
  },
  {
    doc: '003',
    id: '003-iptables-nat-outgoing',
    title: 'iptables -n -v -t nat -L cali-nat-outgoing: the natOutgoing rule and its hash',
    target: 'k8s-w1',
    argv: ['iptables', '-n', '-v', '-t', 'nat', '-L', 'cali-nat-outgoing'],
    source: '003 lines 956-958',
    expected: lines(
      'Chain cali-nat-outgoing (1 references)',
      ' pkts bytes target     prot opt in     out     source               destination',
      '   11   756 MASQUERADE  all  --  *      *       0.0.0.0/0            0.0.0.0/0            ' +
        '/* cali:flqWnvo8yq4ULQLa */ match-set cali40masq-ipam-pools src ! match-set cali40all-ipam-pools dst ' +
        'random-fully',
    ),
    counters: true,
  },
];
