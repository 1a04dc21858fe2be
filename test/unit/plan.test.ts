import test from 'ava';
import { birdPeers, renderBirdConfig } from '../../src/calico/confd/bird-config.ts';
import { allocate } from '../../src/calico/ipam/ipam.ts';
import { namespaceBatches, rootBatch, sysctlArgs } from '../../src/plan/batch.ts';
import { caliName } from '../../src/calico/cni/wiring.ts';
import { felixCreate } from '../../src/calico/felix/dataplane.ts';
import { tunnelMtu } from '../../src/calico/felix/encap.ts';
import { IFNAMSIZ, routerPort } from '../../src/plan/naming.ts';
import { buildPlan } from '../../src/plan/plan.ts';
import { validateTopology } from '../../src/topology/validate.ts';
import { doc000, minimal } from './helpers.ts';

test('cali names match the ones the documents show (sha1 of "<namespace>.<pod>")', (t) => {
  t.is(caliName('default', 'multitool'), 'cali6d09fa47963'); // doc 002
  t.is(caliName('default', 'pod1'), 'calice0906292e2'); // doc 003
  t.is(caliName('default', 'pod2'), 'calibd2348b4f67');
  t.is(caliName('default', 'pod3'), 'cali49778cadcf1');
});

test('every interface name fits IFNAMSIZ, even for long node names', (t) => {
  t.true(routerPort('a-very-long-kubernetes-node-name').length <= IFNAMSIZ);
  t.not(routerPort('a-very-long-kubernetes-node-name-1'), routerPort('a-very-long-kubernetes-node-name-2'));
  const plan = buildPlan(doc000());
  for (const [a, b] of plan.veths) for (const e of [a, b]) t.true(e.name.length <= IFNAMSIZ, e.name);
});

test('doc 000 plan: namespaces carry the lab name; pods are wired as Calico CNI does', (t) => {
  const plan = buildPlan(doc000());
  t.true(plan.namespaces.every((n) => n.name.startsWith('calico-ipip-3node-')));
  t.is(plan.namespaces.length, 1 + 3 + 5);
  const podA = plan.workloads.find((w) => w.pod === 'pod-a')!;
  t.is(podA.mtu, 1480);
  const batches = namespaceBatches(plan, { tunl0Exists: false });
  t.deepEqual(batches.get(podA.netns), [
    'link set lo up',
    'link set dev eth0 up',
    'address add 10.8.170.65/32 dev eth0',
    'route add 169.254.1.1/32 dev eth0 scope link',
    'route add default via 169.254.1.1 dev eth0',
  ]);
  const cp1 = batches.get('calico-ipip-3node-node-k8s-cp1')!;
  t.true(cp1.includes('link add name tunl0 type ipip'));
  t.true(cp1.includes('link set dev tunl0 mtu 1480 up'));
  t.false(cp1.includes('address add 10.8.170.64/32 dev tunl0'), "tunl0's address is Felix's");
  t.deepEqual(felixCreate(plan.felix[0]), ['address add 10.8.170.64/32 dev tunl0']);
  t.true(cp1.includes(`route add 10.8.170.65/32 dev ${podA.interface} scope link`));
  t.true(cp1.includes('route add default via 10.10.20.1 dev eth0 metric 100'));
  t.false(
    namespaceBatches(plan, { tunl0Exists: true })
      .get('calico-ipip-3node-node-k8s-cp1')!
      .includes('link add name tunl0 type ipip'),
  );
  const sys = sysctlArgs(plan).get('calico-ipip-3node-node-k8s-cp1')!;
  t.true(sys.includes(`net.ipv4.conf.${podA.interface}.proxy_arp=1`));
  t.true(sys.includes(`net.ipv4.neigh.${podA.interface}.proxy_delay=0`));
  t.true(sys.includes('net.ipv4.ip_forward=1'));
});

test('the root batch creates veth ends directly inside their namespaces (never in the root namespace)', (t) => {
  const lines = rootBatch(buildPlan(doc000()));
  const links = lines.filter((l) => l.startsWith('link add'));
  t.is(links.length, 3 + 5);
  for (const l of links)
    t.regex(
      l,
      /^link add name \S+ mtu \d+ (address ee:ee:ee:ee:ee:ee )?netns \S+ type veth peer name \S+ mtu \d+ netns \S+$/,
    );
  t.true(
    lines.includes(
      'link add name cali' +
        lines.join().split('name cali')[1].slice(0, 11) +
        ' mtu 1480 address ee:ee:ee:ee:ee:ee netns calico-ipip-3node-node-k8s-cp1 ' +
        'type veth peer name eth0 mtu 1480 netns calico-ipip-3node-pod-default.pod-a',
    ),
  );
});

test('tunnel MTU: underlay - 20 for IPIP, - 50 for VXLAN, - 60 for WireGuard', (t) => {
  const o = minimal();
  o.underlay.mtu = 9001;
  t.is(tunnelMtu(validateTopology(o, 't')), 8981);
  o.ipPools[0] = { cidr: '192.168.0.0/16', vxlanMode: 'Always' };
  t.is(tunnelMtu(validateTopology(o, 't')), 8951);
  o.wireguard = true;
  t.is(tunnelMtu(validateTopology(o, 't')), 8941);
});

test('BIRD config for k8s-cp1: mesh peers, blackhole block, onlink/ifname/gw in that order', (t) => {
  const topo = doc000();
  const conf = renderBirdConfig(topo, allocate(topo), 'k8s-cp1', {
    config: '/c',
    socket: '/s',
    pidFile: '/p',
    log: '/l',
  });
  t.regex(conf, /router id 10\.10\.20\.3;/);
  t.regex(conf, /route 10\.8\.170\.64\/26 blackhole;/);
  t.regex(
    conf,
    new RegExp(
      /if \( net ~ 10\.8\.0\.0\/16 \) then \{ if \( source = RTS_BGP \) then /.source +
        /\{ onlink = true; ifname = "tunl0"; gw = bgp_next_hop; \} accept; \}/.source,
    ),
  );
  t.regex(
    conf,
    /protocol bgp Mesh_10_10_20_4 from bgp_template \{[^}]*neighbor 10\.10\.20\.4 as 64512;\s+direct;\s+passive on;/,
  );
  t.regex(conf, /protocol bgp Mesh_10_10_20_5 from bgp_template/);
  t.notRegex(conf, /Mesh_10_10_20_3/);
  t.regex(conf, /metric 0;/);
  t.regex(conf, /if \( net = 10\.8\.170\.64\/26 \) then accept;\s+if \( net ~ 10\.8\.170\.64\/26 \) then reject;/);
});

test('mesh: exactly one side of each pair is passive', (t) => {
  const topo = doc000();
  const all = topo.nodes.flatMap((n) =>
    birdPeers(topo, n.name).map((p) => ({ from: n.ip, to: p.ip, passive: p.passive })),
  );
  for (const a of all) {
    const b = all.find((x) => x.from === a.to && x.to === a.from)!;
    t.not(a.passive, b.passive);
  }
});

test('Never and CrossSubnet modes change only the kernel filter', (t) => {
  const o = minimal();
  o.ipPools[0].ipipMode = 'Never';
  let topo = validateTopology(o, 't');
  const paths = { config: '/c', socket: '/s', pidFile: '/p', log: '/l' };
  t.regex(renderBirdConfig(topo, allocate(topo), 'n1', paths), /if \( net ~ 192\.168\.0\.0\/16 \) then accept;/);
  o.ipPools[0].ipipMode = 'CrossSubnet';
  topo = validateTopology(o, 't');
  t.regex(
    renderBirdConfig(topo, allocate(topo), 'n1', paths),
    /source = RTS_BGP && !\(bgp_next_hop ~ 10\.0\.0\.0\/24\)/,
  );
});

test('route reflectors: clients peer only with reflectors', (t) => {
  const o = minimal();
  o.nodes.push({ name: 'n3', ip: '10.0.0.12' });
  o.bgp = { nodeToNodeMesh: false, routeReflectors: ['n1'] };
  const topo = validateTopology(o, 't');
  t.deepEqual(
    birdPeers(topo, 'n2').map((p) => p.name),
    ['n1'],
  );
  t.deepEqual(
    birdPeers(topo, 'n1').map((p) => [p.name, p.rrClient]),
    [
      ['n2', true],
      ['n3', true],
    ],
  );
});

test('ARP entries a lab needs: a 50-node mesh overflows the default 1024-entry table, doc 000 does not', async (t) => {
  const { neighbourEntries } = await import('../../src/plan/plan.ts');
  const { generatedCluster } = await import('../../scripts/bench-scale.ts');
  t.is(neighbourEntries(buildPlan(doc000())), 3 * 3 + 2 * 5);
  t.true(neighbourEntries(buildPlan(generatedCluster('big', 50))) > 1024);
  t.true(neighbourEntries(buildPlan(generatedCluster('small', 25))) < 1024);
});
