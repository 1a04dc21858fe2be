import test from 'ava';
import { parseTopology } from '../../src/topology/load.ts';
import { TopologyError, validateTopology } from '../../src/topology/validate.ts';
import { doc000, minimal } from './helpers.ts';

function problems(raw: unknown): string {
  try {
    validateTopology(raw, 'topo.yaml');
  } catch (err) {
    if (err instanceof TopologyError) return err.message;
    throw err;
  }
  return '';
}

test('doc 000 topology validates with Calico defaults', (t) => {
  const topo = doc000();
  t.is(topo.bgp.asNumber, 64512);
  t.true(topo.bgp.nodeToNodeMesh);
  t.is(topo.ipPools[0].blockSize, 26);
  t.is(topo.ipPools[0].vxlanMode, 'Never');
  t.is(topo.pods[0].namespace, 'default');
  t.is(topo.underlay.mtu, 1500);
});

const cases: [string, (o: Record<string, any>) => void, RegExp][] = [
  [
    'bad CIDR',
    (o) => (o.ipPools[0].cidr = '10.8.0.0/33'),
    /topo\.yaml: ipPools\[0\]\.cidr: .*not a valid IPv4 CIDR; fix:/,
  ],
  [
    'host bits in CIDR',
    (o) => (o.ipPools[0].cidr = '10.8.1.0/16'),
    /ipPools\[0\]\.cidr: .*host bits set \(the network is 10\.8\.0\.0\/16\)/,
  ],
  [
    'node outside every subnet',
    (o) => (o.nodes[0].ip = '172.30.0.5'),
    new RegExp(
      /nodes\[0\]\.ip: 172\.30\.0\.5 is not a host address of any underlay subnet; /.source +
        /fix: use an address in 10\.0\.0\.0\/24/.source,
    ),
  ],
  ['node on the gateway', (o) => (o.nodes[0].ip = '10.0.0.1'), /nodes\[0\]\.ip: 10\.0\.0\.1 is the gateway/],
  [
    'overlapping pools',
    (o) => o.ipPools.push({ name: 'two', cidr: '192.168.128.0/17' }),
    /ipPools\[1\]\.cidr: 192\.168\.128\.0\/17 overlaps pool default-ipv4-ippool/,
  ],
  ['pool overlapping the underlay', (o) => (o.ipPools[0].cidr = '10.0.0.0/16'), /overlaps the underlay subnet/],
  [
    'pinned block outside its pool',
    (o) => (o.nodes[0].blocks = ['10.99.0.0/26']),
    /nodes\[0\]\.blocks\[0\]: 10\.99\.0\.0\/26 is outside every IPPool/,
  ],
  [
    'pinned block of the wrong size',
    (o) => (o.nodes[0].blocks = ['192.168.1.0/24']),
    /nodes\[0\]\.blocks\[0\]: .*pool default-ipv4-ippool uses \/26 blocks; fix: write it as 192\.168\.1\.0\/26/,
  ],
  [
    'pod IP outside every pool',
    (o) => (o.pods[0].ip = '10.0.0.50'),
    /pods\[0\]\.ip: 10\.0\.0\.50 is outside every IPPool/,
  ],
  ['duplicate node names', (o) => (o.nodes[1].name = 'n1'), /nodes\[1\]\.name: duplicates name "n1"/],
  ['duplicate node IPs', (o) => (o.nodes[1].ip = '10.0.0.10'), /nodes\[1\]\.ip: duplicates ip/],
  ['duplicate pods', (o) => (o.pods[1].name = 'p1'), /pods\[1\]\.name: duplicates namespace\/name "default\/p1"/],
  [
    'unknown top-level field',
    (o) => (o.ippools = []),
    /topo\.yaml: ippools: is not a known field; fix: remove it or use one of: name, underlay, nodes, ipPools/,
  ],
  ['unknown nested field', (o) => (o.nodes[0].adress = 'x'), /nodes\[0\]\.adress: is not a known field/],
  [
    'name that cannot become a namespace name',
    (o) => (o.name = 'Lab; rm -rf /'),
    /name: "Lab; rm -rf \/" is not allowed; fix: use 1-32 lowercase/,
  ],
  ['node name with a space', (o) => (o.nodes[0].name = 'k8s cp1'), /nodes\[0\]\.name: "k8s cp1" is not allowed/],
  [
    'pod on an unknown node',
    (o) => (o.pods[0].node = 'n9'),
    /pods\[0\]\.node: "n9" is not a node; fix: use one of: n1, n2/,
  ],
  [
    'bad ipipMode',
    (o) => (o.ipPools[0].ipipMode = 'always'),
    /ipPools\[0\]\.ipipMode: "always" is not allowed; fix: use one of Always, CrossSubnet, Never/,
  ],
  [
    'both encapsulations',
    (o) => Object.assign(o.ipPools[0], { ipipMode: 'Always', vxlanMode: 'Always' }),
    /both enabled/,
  ],
  [
    'mtu not a number',
    (o) => (o.underlay.mtu = '1500'),
    /underlay\.mtu: must be a whole number from 1280 to 9216, got string "1500"/,
  ],
  [
    'outside host not on TEST-NET',
    (o) => (o.outside = [{ name: 'inet', ip: '8.8.8.8' }]),
    /outside\[0\]\.ip: 8\.8\.8\.8 is not a TEST-NET address/,
  ],
  [
    'route reflector that is not a node',
    (o) => (o.bgp = { routeReflectors: ['rr9'] }),
    /bgp\.routeReflectors\[0\]: "rr9" is not a node/,
  ],
  ['no nodes', (o) => (o.nodes = []), /nodes: is empty/],
  [
    'two top-of-rack peers',
    (o) =>
      (o.bgp = {
        peers: [
          { name: 'a', ip: '10.0.0.1' },
          { name: 'b', ip: '10.0.0.2' },
        ],
      }),
    /bgp\.peers: 2 peers listed; calilab builds one top-of-rack router; fix: list one peer/,
  ],
  [
    'a peer off every subnet',
    (o) => (o.bgp = { peers: [{ name: 'tor', ip: '10.9.0.1', asNumber: 65000 }] }),
    /bgp\.peers\[0\]\.ip: 10\.9\.0\.1 is on no underlay subnet; fix: use a subnet's gateway \(10\.0\.0\.1\)/,
  ],
  [
    'a peer on a node address',
    (o) => (o.bgp = { peers: [{ name: 'tor', ip: '10.0.0.10' }] }),
    /bgp\.peers\[0\]\.ip: 10\.0\.0\.10 is node n1's address/,
  ],
  [
    'an unknown peer implementation',
    (o) => (o.bgp = { peers: [{ name: 'tor', ip: '10.0.0.1', implementation: 'gobgp' }] }),
    /bgp\.peers\[0\]\.implementation: "gobgp" is not allowed; fix: use bird or frr/,
  ],
];

for (const [title, mutate, expected] of cases) {
  test(`rejects ${title} with file, field and fix`, (t) => {
    const o = minimal();
    mutate(o);
    t.regex(problems(o), expected);
  });
}

test('the minimal topology itself is valid (so each case above fails for its own reason)', (t) => {
  t.is(problems(minimal()), '');
});

test('YAML syntax errors name the file and line', (t) => {
  const e = t.throws(() => parseTopology('name: x\nnodes: [\n', 'broken.yaml'), { instanceOf: TopologyError });
  t.regex(e!.message, /^broken\.yaml: line \d+: .*; fix: correct the YAML syntax/);
});

test('duplicate YAML keys are an error, not a silent override', (t) => {
  t.throws(() => parseTopology('name: a\nname: b\n', 'dup.yaml'), { instanceOf: TopologyError });
});

test('a YAML alias bomb is bad input naming the file, not a crash', (t) => {
  const bomb = [
    'a: &a [x, x, x, x, x, x, x, x, x, x]',
    ...'bcdefgh'.split('').map((k, i) => {
      const prev = 'abcdefgh'[i];
      return `${k}: &${k} [*${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}]`;
    }),
  ].join('\n');
  const e = t.throws(() => parseTopology(bomb, 'bomb.yaml'), { instanceOf: TopologyError });
  t.regex(e!.message, /^bomb\.yaml: yaml: .*; fix: write the values out/);
});
