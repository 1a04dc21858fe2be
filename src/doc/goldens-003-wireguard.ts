// Doc 003's captures after its walk to WireGuard (lines 1278-1344), on the lab in state `wireguard`:
// IPIP Never (line 1110), CrossSubnet (1254), then wireguardEnabled (1278), patched live in that
// order (STATES in goldens.ts). Transcribed as goldens.ts does (markdown escapes removed); `ip -c`
// runs without -c, since colours are not part of the text.
//
// The walk moves the tunnel addresses as Calico's IPAM does: Never releases tunl0's .0 of every
// block, CrossSubnet gives tunl0 the next free address (.1: a released address goes to the end of
// the block's free list), WireGuard gives wireguard.cali the one after (.2). So k8s-m's
// wireguard.cali is 172.16.116.2 as in the document. Its peers' /32s follow the same rule in
// calilab; in the document they follow each block's pod history, which the document only partly
// shows (below). WireGuard keys are random per lab: compare.ts normalises any key to `<wg key>`.
import type { Golden, LineNote } from './goldens.ts';

const lines = (...ls: string[]) => ls.join('\n');

/** The document's AllowedIPs of each peer of k8s-m, as `wg showconf` (AllowedIPs =) and `wg show`
 *  (allowed ips:) print them. calilab lists a peer's block, then tunl0's /32, then wireguard.cali's. */
const ALLOWED_IPS: LineNote[] = [
  {
    pattern: '^(AllowedIPs =|allowed ips:) 172\\.16\\.158\\.0/24, 172\\.16\\.158\\.7/32, 172\\.16\\.158\\.9/32$',
    why:
      "k8s-w1's tunnel /32s: the document's k8s-w1 had handed out .1-.6 to kube-system's pods, pod1 (twice) " +
      'and pod2 before tunl0 and wireguard.cali got theirs (.7 and .9); ' +
      "calilab's k8s-w1 (pod1 .3, pod2 .4): 172.16.158.0/24, 172.16.158.1/32, 172.16.158.2/32",
  },
  {
    pattern: '^(AllowedIPs =|allowed ips:) 172\\.16\\.34\\.2/32, 172\\.16\\.34\\.0/24, 172\\.16\\.34\\.4/32$',
    why:
      "k8s-w0's tunnel /32s and their order: the document's pod3 was k8s-w0's first pod, at .1 (line 1141), " +
      'so its /32s came later (.2, .4), and the kernel lists allowed IPs in the order Felix added them; ' +
      "calilab's k8s-w0 (pod4 .4): 172.16.34.0/24, 172.16.34.1/32, 172.16.34.2/32",
  },
  {
    pattern: '^(AllowedIPs =|allowed ips:) 172\\.16\\.184\\.0/24, 172\\.16\\.184\\.1/32, 172\\.16\\.184\\.3/32$',
    why:
      "k8s-w2's wireguard.cali /32: .3 in the document, where .2 was taken at the time (by a pod it does not " +
      "list); calilab's k8s-w2 holds pod3 at .3, so wireguard.cali gets .2: " +
      '172.16.184.0/24, 172.16.184.1/32, 172.16.184.2/32',
  },
];

/** iproute2 6.1 (Debian 12, calilab's VM) prints more of the kernel's link attributes than the
 *  document's older iproute2 did (its kernel, 6.5, has them all). */
const IPROUTE2_DETAILS: LineNote[] = [
  {
    pattern: '^link/none promiscuity 0 minmtu 0 maxmtu 2147483552$',
    why: 'the iproute2 version: 6.1 also prints "allmulti 0" after promiscuity; the document\'s did not',
  },
  {
    pattern: '^wireguard numtxqueues 1 numrxqueues 1 gso_max_size 65536 gso_max_segs 65535$',
    why:
      'the iproute2 version: 6.1 also prints tso_max_size 65536 tso_max_segs 65535 gro_max_size 65536; ' +
      "the document's did not",
  },
];

export const GOLDENS_003_WIREGUARD: Golden[] = [
  {
    doc: '003',
    id: '003-wg-felixconfig',
    title: 'calicoctl get felixconfiguration default -o yaml | grep wireguardEnabled',
    target: 'k8s-m',
    state: 'wireguard',
    view: 'get felixconfiguration default -o yaml',
    grep: 'wireguardEnabled',
    source: '003 lines 1280-1281 (again at 1282-1283)',
    expected: '  wireguardEnabled: true',
  },
  {
    doc: '003',
    id: '003-wg-node-keys',
    title: 'calicoctl get node -o yaml | grep wireguardPublicKey',
    target: 'k8s-m',
    state: 'wireguard',
    view: 'get node -o yaml',
    grep: 'wireguardPublicKey',
    // One key per node, in the NodeList's name order (k8s-m, k8s-w0, k8s-w1, k8s-w2).
    source: '003 lines 1284-1288',
    expected: lines(
      '    wireguardPublicKey: nGJDPnehiHNMwf9Z25Q8hGN1PCTeCTefh1pNAEjiPC8=',
      '    wireguardPublicKey: DwdcNTZ9CzJdaW5SxmvfrHNqDcHZgFTUqhf+srC/1yk=',
      '    wireguardPublicKey: rWepcpPRToZHtb563t5AKAhIHT69rMgTOIuCE8o3AgE=',
      '    wireguardPublicKey: XK6OS/pP/4/ntGg3WdPYTQP9SQLWNM884DlC/8OgK1s=',
    ),
  },
  {
    doc: '003',
    id: '003-wg-node-key-w1',
    title: 'calicoctl get node k8s-w1 -o yaml | grep wireguardPublicKey',
    target: 'k8s-m',
    state: 'wireguard',
    view: 'get node k8s-w1 -o yaml',
    grep: 'wireguardPublicKey',
    source: '003 lines 1289-1290',
    expected: '  wireguardPublicKey: rWepcpPRToZHtb563t5AKAhIHT69rMgTOIuCE8o3AgE=',
  },
  {
    doc: '003',
    id: '003-wg-addr',
    title: 'ip -c -d addr show wireguard.cali on k8s-m',
    target: 'k8s-m',
    state: 'wireguard',
    argv: ['ip', '-d', 'addr', 'show', 'wireguard.cali'],
    source: '003 lines 1291-1296',
    expected: lines(
      '12: wireguard.cali: <POINTOPOINT,NOARP,UP,LOWER_UP> mtu 8941 qdisc noqueue state UNKNOWN group default ' +
        'qlen 1000',
      '    link/none  promiscuity 0 minmtu 0 maxmtu 2147483552',
      '    wireguard numtxqueues 1 numrxqueues 1 gso_max_size 65536 gso_max_segs 65535',
      '    inet 172.16.116.2/32 scope global wireguard.cali',
      '       valid_lft forever preferred_lft forever',
    ),
    known: IPROUTE2_DETAILS,
  },
  {
    doc: '003',
    id: '003-wg-ifconfig',
    title: 'ifconfig wireguard.cali on k8s-m',
    target: 'k8s-m',
    state: 'wireguard',
    argv: ['ifconfig', 'wireguard.cali'],
    source: '003 lines 1297-1304',
    expected: lines(
      'wireguard.cali: flags=209<UP,POINTOPOINT,RUNNING,NOARP>  mtu 8941',
      '        inet 172.16.116.2  netmask 255.255.255.255  destination 172.16.116.2',
      '        unspec 00-00-00-00-00-00-00-00-00-00-00-00-00-00-00-00  txqueuelen 1000  (UNSPEC)',
      '        RX packets 0  bytes 0 (0.0 B)',
      '        RX errors 0  dropped 0  overruns 0  frame 0',
      '        TX packets 0  bytes 0 (0.0 B)',
      '        TX errors 0  dropped 0 overruns 0  carrier 0  collisions 0',
    ),
    known: [
      {
        pattern: '^(RX|TX) (packets|errors) ',
        why:
          "traffic counters: the document's were all 0 right after the patch; " +
          "calilab's count whatever crossed k8s-m's wireguard.cali since (nothing, unless pods were pinged)",
      },
    ],
  },
  {
    doc: '003',
    id: '003-wg-showconf',
    title: 'wg showconf wireguard.cali on k8s-m',
    target: 'k8s-m',
    state: 'wireguard',
    argv: ['wg', 'showconf', 'wireguard.cali'],
    // Peers in the order they were added: the document's Felix added k8s-w1, k8s-w0, k8s-w2;
    // calilab k8s-w1, k8s-w2, k8s-w0 (the topology's order). compare.ts looks each line up anywhere.
    source: '003 lines 1306-1325',
    expected: lines(
      '[Interface]',
      'ListenPort = 51820',
      'FwMark = 0x100000',
      'PrivateKey = yF8F44A8v5Spr9jX5YwRSCKktNkPvkoYbLd1nuG8i0M=',
      '',
      '[Peer]',
      'PublicKey = rWepcpPRToZHtb563t5AKAhIHT69rMgTOIuCE8o3AgE=',
      'AllowedIPs = 172.16.158.0/24, 172.16.158.7/32, 172.16.158.9/32',
      'Endpoint = 192.168.10.101:51820',
      '',
      '[Peer]',
      'PublicKey = DwdcNTZ9CzJdaW5SxmvfrHNqDcHZgFTUqhf+srC/1yk=',
      'AllowedIPs = 172.16.34.2/32, 172.16.34.0/24, 172.16.34.4/32',
      'Endpoint = 192.168.20.100:51820',
      '',
      '[Peer]',
      'PublicKey = XK6OS/pP/4/ntGg3WdPYTQP9SQLWNM884DlC/8OgK1s=',
      'AllowedIPs = 172.16.184.0/24, 172.16.184.1/32, 172.16.184.3/32',
      'Endpoint = 192.168.10.102:51820',
    ),
    known: ALLOWED_IPS,
  },
  {
    doc: '003',
    id: '003-wg-show',
    title: 'wg show on k8s-m',
    target: 'k8s-m',
    state: 'wireguard',
    argv: ['wg', 'show'],
    source: '003 lines 1326-1343',
    expected: lines(
      'interface: wireguard.cali',
      '  public key: nGJDPnehiHNMwf9Z25Q8hGN1PCTeCTefh1pNAEjiPC8=',
      '  private key: (hidden)',
      '  listening port: 51820',
      '  fwmark: 0x100000',
      '',
      'peer: rWepcpPRToZHtb563t5AKAhIHT69rMgTOIuCE8o3AgE=',
      '  endpoint: 192.168.10.101:51820',
      '  allowed ips: 172.16.158.0/24, 172.16.158.7/32, 172.16.158.9/32',
      '',
      'peer: DwdcNTZ9CzJdaW5SxmvfrHNqDcHZgFTUqhf+srC/1yk=',
      '  endpoint: 192.168.20.100:51820',
      '  allowed ips: 172.16.34.2/32, 172.16.34.0/24, 172.16.34.4/32',
      '',
      'peer: XK6OS/pP/4/ntGg3WdPYTQP9SQLWNM884DlC/8OgK1s=',
      '  endpoint: 192.168.10.102:51820',
      '  allowed ips: 172.16.184.0/24, 172.16.184.1/32, 172.16.184.3/32',
    ),
    known: ALLOWED_IPS,
  },
];
