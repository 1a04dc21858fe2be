// Felix's renderers: what calilab programs besides BIRD's routes (VXLAN device, static ARP/FDB
// and onlink routes, WireGuard device, rule, table and wg config, the natOutgoing nft table), as
// the exact ip/bridge/nft/wg text the kernel layer applies, and the encapsulation helpers.
import test from 'ava';
import {
  felixCleanup,
  felixCreate,
  felixFdb,
  felixPlan,
  vtepMac,
  wireguardConf,
} from '../../src/calico/felix/dataplane.ts';
import { clusterEncapsulation, ipipDevice, tunnelMtu, usesVxlan } from '../../src/calico/felix/encap.ts';
import { allocate } from '../../src/calico/ipam/ipam.ts';
import { buildPlan } from '../../src/plan/plan.ts';
import { loadTopology } from '../../src/topology/load.ts';
import type { Topology } from '../../src/topology/types.ts';
import { validateTopology } from '../../src/topology/validate.ts';
import { doc000, minimal } from './helpers.ts';

function edited(topo: Topology, fn: (raw: Record<string, any>) => void): Topology {
  const raw = JSON.parse(JSON.stringify(topo));
  delete raw.file;
  fn(raw);
  return validateTopology(raw, 'edited.yaml');
}
const felixOf = (topo: Topology, node: string) => buildPlan(topo).felix.find((f) => f.node === node)!;
const kans = (fn: (raw: Record<string, any>) => void) => edited(loadTopology('topologies/kans-4node.yaml'), fn);

test('vtepMac: Felix\'s derivation ("f" + SHA-1 of the node name), locally administered, unicast', (t) => {
  t.is(vtepMac('pod-network-worker'), '66:57:ab:c8:f7:52');
  t.is(vtepMac('pod-network-worker'), vtepMac('pod-network-worker'));
  const macs = ['n1', 'n2', 'k8s-cp1', 'k8s-w1', 'k8s-w2'].map(vtepMac);
  t.is(new Set(macs).size, macs.length);
  for (const m of macs) {
    t.regex(m, /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    const first = parseInt(m.slice(0, 2), 16);
    t.is(first & 0x02, 0x02, `${m} is locally administered`);
    t.is(first & 0x01, 0, `${m} is unicast`);
  }
});

test('VXLAN Always: a VTEP per node, neigh + onlink route (proto boot) + fdb per peer, proto 80 blackhole', (t) => {
  const f = felixOf(loadTopology('topologies/kind-vxlan-3node.yaml'), 'pod-network-worker');
  t.is(f.netns, 'kind-vxlan-3node-node-pod-network-worker');
  t.is(f.wireguard, undefined);
  const cp = vtepMac('pod-network-control-plane');
  const w2 = vtepMac('pod-network-worker2');
  t.deepEqual(f.vxlan, {
    mtu: 1450,
    mac: vtepMac('pod-network-worker'),
    address: '192.168.146.64',
    local: '172.18.0.3',
    blackholes: ['192.168.146.64/26'],
    peers: [
      {
        node: 'pod-network-control-plane',
        nodeIp: '172.18.0.4',
        vtepIp: '192.168.5.0',
        vtepMac: cp,
        blocks: ['192.168.5.0/26'],
        direct: false,
      },
      {
        node: 'pod-network-worker2',
        nodeIp: '172.18.0.2',
        vtepIp: '192.168.60.128',
        vtepMac: w2,
        blocks: ['192.168.60.128/26'],
        direct: false,
      },
    ],
  });
  t.deepEqual(felixCreate(f), [
    'link add name vxlan.calico type vxlan id 4096 local 172.18.0.3 dev eth0 dstport 4789 nolearning',
    `link set dev vxlan.calico address ${vtepMac('pod-network-worker')} mtu 1450 up`,
    'address add 192.168.146.64/32 dev vxlan.calico',
    `neigh replace 192.168.5.0 lladdr ${cp} dev vxlan.calico nud permanent`,
    'route replace 192.168.5.0/26 via 192.168.5.0 dev vxlan.calico proto boot onlink',
    `neigh replace 192.168.60.128 lladdr ${w2} dev vxlan.calico nud permanent`,
    'route replace 192.168.60.128/26 via 192.168.60.128 dev vxlan.calico proto boot onlink',
    'route replace blackhole 192.168.146.64/26 proto 80',
  ]);
  t.deepEqual(felixFdb(f), [
    `fdb replace ${cp} dev vxlan.calico dst 172.18.0.4 self permanent`,
    `fdb replace ${w2} dev vxlan.calico dst 172.18.0.2 self permanent`,
  ]);
});

test('VXLAN CrossSubnet: same-subnet peers are routed via eth0 with no neigh or fdb; others via the VTEP', (t) => {
  const topo = kans((r) => Object.assign(r.ipPools[0], { ipipMode: 'Never', vxlanMode: 'CrossSubnet' }));
  const f = felixOf(topo, 'k8s-w1');
  t.deepEqual(
    f.vxlan!.peers.map((p) => [p.node, p.direct]),
    [
      ['k8s-m', true],
      ['k8s-w2', true],
      ['k8s-w0', false],
    ],
  );
  const w0 = vtepMac('k8s-w0');
  t.deepEqual(felixCreate(f), [
    'link add name vxlan.calico type vxlan id 4096 local 192.168.10.101 dev eth0 dstport 4789 nolearning',
    `link set dev vxlan.calico address ${vtepMac('k8s-w1')} mtu 8951 up`,
    'address add 172.16.158.0/32 dev vxlan.calico',
    'route replace 172.16.116.0/24 via 192.168.10.10 dev eth0 proto 80 onlink',
    'route replace 172.16.184.0/24 via 192.168.10.102 dev eth0 proto 80 onlink',
    `neigh replace 172.16.34.0 lladdr ${w0} dev vxlan.calico nud permanent`,
    'route replace 172.16.34.0/24 via 172.16.34.0 dev vxlan.calico proto boot onlink',
    'route replace blackhole 172.16.158.0/24 proto 80',
  ]);
  t.deepEqual(felixFdb(f), [`fdb replace ${w0} dev vxlan.calico dst 192.168.20.100 self permanent`]);
  t.is(felixFdb(felixOf(topo, 'k8s-w0')).length, 3, 'k8s-w0 shares no subnet: every peer through the VTEP');
});

test("VXLAN peers carry only the VXLAN pool's blocks; a disabled VXLAN pool programs nothing", (t) => {
  const o = minimal();
  o.ipPools = [
    { name: 'vx', cidr: '192.168.0.0/16', vxlanMode: 'Always' },
    { name: 'tun', cidr: '10.244.0.0/16', ipipMode: 'Always' },
  ];
  o.nodes[1].blocks = ['192.168.1.0/26', '10.244.1.0/26'];
  const topo = validateTopology(o, 't');
  const f = felixPlan(topo, allocate(topo), (n) => `ns-${n}`).find((x) => x.node === 'n1')!;
  t.is(f.netns, 'ns-n1');
  t.deepEqual(
    f.vxlan!.peers.map((p) => [p.node, p.vtepIp, p.blocks]),
    [['n2', '192.168.1.0', ['192.168.1.0/26']]],
  );
  o.ipPools[0].disabled = true;
  o.nodes[1].blocks = ['10.244.1.0/26'];
  const off = validateTopology(o, 't');
  t.false(usesVxlan(off));
  t.true(felixPlan(off, allocate(off), (n) => n).every((x) => x.vxlan === undefined));
});

test("IPIP: Felix programs only tunl0's address: no device, neighbour, fdb or route (BIRD does)", (t) => {
  const felix = buildPlan(doc000()).felix;
  t.deepEqual(
    felix.map((f) => f.node),
    ['k8s-cp1', 'k8s-w1', 'k8s-w2'],
  );
  for (const f of felix) {
    t.deepEqual([f.vxlan, f.wireguard], [undefined, undefined]);
    t.deepEqual(felixCreate(f), [`address add ${f.ipip!.address}/32 dev tunl0`]);
    t.deepEqual(felixFdb(f), []);
  }
});

test('WireGuard (3.30): device, rule not fwmark 0x200000 to table 1, peers = blocks + tunnel /32s, throw own', (t) => {
  const topo = kans((r) => Object.assign(r, { wireguard: true, calicoVersion: '3.30' }));
  const f = felixOf(topo, 'k8s-w1');
  // Fresh: tunl0 takes each block's .0, the pinned pods theirs, then WireGuard the first free (.1).
  t.deepEqual(f.wireguard, {
    mtu: 8941,
    address: '172.16.158.1',
    fwmark: '0x200000',
    localBlocks: ['172.16.158.0/24'],
    peers: [
      {
        node: 'k8s-m',
        endpoint: '192.168.10.10:51820',
        allowedIps: ['172.16.116.0/24', '172.16.116.0/32', '172.16.116.1/32'],
      },
      {
        node: 'k8s-w2',
        endpoint: '192.168.10.102:51820',
        allowedIps: ['172.16.184.0/24', '172.16.184.0/32', '172.16.184.1/32'],
      },
      {
        node: 'k8s-w0',
        endpoint: '192.168.20.100:51820',
        allowedIps: ['172.16.34.0/24', '172.16.34.0/32', '172.16.34.1/32'],
      },
    ],
  });
  t.is(f.vxlan, undefined);
  const lines = felixCreate(f);
  t.deepEqual(lines.slice(0, 5), [
    'address add 172.16.158.0/32 dev tunl0',
    'link add name wireguard.cali type wireguard',
    'link set dev wireguard.cali mtu 8941 up',
    'address add 172.16.158.1/32 dev wireguard.cali',
    'rule add not fwmark 0x200000/0x200000 table 1 priority 99',
  ]);
  t.true(lines.includes('route add 172.16.34.1/32 dev wireguard.cali scope link table 1'));
  t.is(lines.at(-1), 'route add throw 172.16.158.0/24 table 1');
  t.deepEqual(felixFdb(f), []);
  const old = felixOf(
    kans((r) => Object.assign(r, { wireguard: true, calicoVersion: '3.28' })),
    'k8s-w1',
  );
  t.is(old.wireguard!.fwmark, '0x100000', 'before 3.30 the WireGuard mark bit was 0x100000');
});

test('WireGuard with VXLAN: both devices, VXLAN first', (t) => {
  const topo = edited(loadTopology('topologies/kind-vxlan-3node.yaml'), (r) => (r.wireguard = true));
  const lines = felixCreate(felixOf(topo, 'pod-network-worker'));
  t.is(lines[0], 'link add name vxlan.calico type vxlan id 4096 local 172.18.0.3 dev eth0 dstport 4789 nolearning');
  t.is(lines.filter((l) => l.startsWith('link add')).length, 2);
  const lastVxlanRoute = lines.lastIndexOf(
    'route replace 192.168.60.128/26 via 192.168.60.128 dev vxlan.calico proto boot onlink',
  );
  t.true(lastVxlanRoute > 0);
  t.true(lines.indexOf('link add name wireguard.cali type wireguard') > lastVxlanRoute);
  t.true(lines.includes('link set dev wireguard.cali mtu 1440 up'));
});

test('wg setconf text: ListenPort 51820, FwMark, one [Peer] per node with its AllowedIPs', (t) => {
  const peers = felixOf(
    kans((r) => (r.wireguard = true)),
    'k8s-w1',
  ).wireguard!.peers;
  const conf = wireguardConf(
    'PRIVATE=',
    '0x100000',
    peers.slice(1).map((p, i) => ({ ...p, publicKey: `PUB${i}=` })),
  );
  t.is(
    conf,
    [
      '[Interface]',
      'PrivateKey = PRIVATE=',
      'ListenPort = 51820',
      'FwMark = 0x100000',
      '',
      '[Peer]',
      'PublicKey = PUB0=',
      'AllowedIPs = 172.16.184.0/24, 172.16.184.0/32, 172.16.184.1/32',
      'Endpoint = 192.168.10.102:51820',
      '',
      '[Peer]',
      'PublicKey = PUB1=',
      'AllowedIPs = 172.16.34.0/24, 172.16.34.0/32, 172.16.34.1/32',
      'Endpoint = 192.168.20.100:51820',
      '',
    ].join('\n'),
  );
  t.is(wireguardConf('K', '0x100000', []), '[Interface]\nPrivateKey = K\nListenPort = 51820\nFwMark = 0x100000\n');
});

test('felixCleanup removes every Felix object, whatever mode made it', (t) => {
  t.deepEqual(felixCleanup(), [
    'address flush dev tunl0',
    'link del dev vxlan.calico',
    'link del dev wireguard.cali',
    'rule del priority 99',
    'route flush table 1',
    'route flush proto 80',
  ]);
});

test("ipipDevice: tunl0 at underlay - 20; its address is Felix's, only while IPIP needs one", (t) => {
  t.deepEqual(ipipDevice(doc000(), 'ns1'), {
    namespaces: [],
    links: [{ ns: 'ns1', name: 'tunl0', kind: 'ipip', mtu: 1480 }],
    veths: [],
    ports: [],
    addresses: [],
    routes: [],
    sysctls: [],
  });
  t.is(ipipDevice(loadTopology('topologies/kans-4node.yaml'), 'ns3').links[0].mtu, 8981);
  t.is(felixOf(loadTopology('topologies/kind-vxlan-3node.yaml'), 'pod-network-worker').ipip, undefined);
  t.is(felixOf(loadTopology('topologies/tor-2rack.yaml'), 'rack1-node1').ipip, undefined, 'Never: no tunl0 address');
  t.deepEqual(felixOf(doc000(), 'k8s-cp1').ipip, { address: '10.8.170.64' });
});

test('clusterEncapsulation and tunnelMtu: WireGuard, else the first enabled pool VXLAN, else IPIP', (t) => {
  const o = minimal();
  const enc = () => {
    const topo = validateTopology(o, 't');
    return [clusterEncapsulation(topo), tunnelMtu(topo), usesVxlan(topo)];
  };
  t.deepEqual(enc(), ['ipip', 1480, false]);
  o.ipPools[0].ipipMode = 'Never';
  t.deepEqual(enc(), ['ipip', 1480, false], 'no encapsulation at all still counts IPIP overhead');
  o.ipPools[0].vxlanMode = 'CrossSubnet';
  t.deepEqual(enc(), ['vxlan', 1450, true]);
  o.wireguard = true;
  t.deepEqual(enc(), ['wireguard', 1440, true]);
});
