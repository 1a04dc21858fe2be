import test from 'ava';
import { compareCapture, normalise, renderSideBySide } from '../../src/doc/compare.ts';
import { DOC_TOPOLOGY, GOLDENS } from '../../src/doc/goldens.ts';
import { loadTopology } from '../../src/topology/load.ts';

const golden = (id: string) => GOLDENS.find((g) => g.id === id)!;

test('normalisation removes only what differs between machines', (t) => {
  t.is(
    normalise('6: cali6d09fa47963@if2: <BROADCAST> mtu 1450 qdisc noqueue state UP '),
    'N: cali6d09fa47963@ifN: <BROADCAST> mtu 1450 qdisc <q> state UP',
  );
  t.is(
    normalise('    link/ether ee:ee:ee:ee:ee:ee brd ff:ff:ff:ff:ff:ff link-netns cni-03a82789'),
    'link/ether ee:ee:ee:ee:ee:ee brd ff:ff:ff:ff:ff:ff link-netns <peer>',
  );
  t.is(
    normalise('    link/ether 7e:08:91:93:9c:3b brd ff:ff:ff:ff:ff:ff link-netnsid 0'),
    'link/ether <mac> brd ff:ff:ff:ff:ff:ff link-netns <peer>',
  );
  t.is(
    normalise('    inet6 fe80::ecee:eeff:feee:eeee/64 scope link proto kernel_ll'),
    'inet6 fe80::ecee:eeff:feee:eeee/64 scope link',
    "Calico's MAC-derived address stays",
  );
  t.is(
    normalise('192.168.158.0   worker-node02   255.255.255.192 UG', { 'worker-node02': '10.0.0.12' }),
    '192.168.158.0 10.0.0.12 255.255.255.192 UG',
  );
  t.is(
    normalise('| 192.168.20.100 | node-to-node mesh | up    | 16:52:54 | Established |'),
    '| 192.168.20.100 | node-to-node mesh | up | hh:mm:ss | Established |',
  );
  t.not(
    normalise('inet 192.168.158.2/32 brd 192.168.158.2 scope global eth0'),
    normalise('inet 192.168.158.2/32 scope global eth0'),
    'addresses are never normalised',
  );
});

test('WireGuard keys (32 bytes in base64) are normalised to one shape; other base64 is not', (t) => {
  t.is(normalise('PublicKey = rWepcpPRToZHtb563t5AKAhIHT69rMgTOIuCE8o3AgE='), 'PublicKey = <wg key>');
  t.is(
    normalise('    wireguardPublicKey: XK6OS/pP/4/ntGg3WdPYTQP9SQLWNM884DlC/8OgK1s='),
    'wireguardPublicKey: <wg key>',
  );
  t.is(
    normalise('  public key: nGJDPnehiHNMwf9Z25Q8hGN1PCTeCTefh1pNAEjiPC8='),
    normalise('  public key: DwdcNTZ9CzJdaW5SxmvfrHNqDcHZgFTUqhf+srC/1yk='),
  );
  // Not 32 bytes: the 43rd character carries bits a 32-byte key cannot have, or the length is off.
  t.is(
    normalise('key: rWepcpPRToZHtb563t5AKAhIHT69rMgTOIuCE8o3AgF='),
    'key: rWepcpPRToZHtb563t5AKAhIHT69rMgTOIuCE8o3AgF=',
  );
  t.is(
    normalise('key: XrWepcpPRToZHtb563t5AKAhIHT69rMgTOIuCE8o3AgE='),
    'key: XrWepcpPRToZHtb563t5AKAhIHT69rMgTOIuCE8o3AgE=',
  );
  t.is(
    normalise('key: WepcpPRToZHtb563t5AKAhIHT69rMgTOIuCE8o3AgE='),
    'key: WepcpPRToZHtb563t5AKAhIHT69rMgTOIuCE8o3AgE=',
  );
  t.is(normalise('private key: (hidden)'), 'private key: (hidden)');
});

test('a live cali block that matches doc 002 line by line', (t) => {
  const live = [
    '5: calib4a3f1f19e9@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UP group default qlen 1000',
    '    link/ether ee:ee:ee:ee:ee:ee brd ff:ff:ff:ff:ff:ff link-netns t1-kind-pod-default.netshoot',
    '7: cali6d09fa47963@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UP group default qlen 1000',
    '    link/ether ee:ee:ee:ee:ee:ee brd ff:ff:ff:ff:ff:ff link-netns t1-kind-pod-default.multitool',
    '    inet6 fe80::ecee:eeff:feee:eeee/64 scope link proto kernel_ll',
    '       valid_lft forever preferred_lft forever',
    '8: vxlan.calico: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UNKNOWN group default',
  ].join('\n');
  const r = compareCapture(golden('002-node-cali'), live);
  t.is(r.status, 'match', renderSideBySide(r));
  const wrongMtu = compareCapture(golden('002-node-cali'), live.replaceAll('mtu 1450', 'mtu 1500'));
  t.is(wrongMtu.status, 'differs');
  t.regex(renderSideBySide(wrongMtu), /^! N: cali6d09fa47963@ifN: .*mtu 1450.*\| N: cali6d09fa47963@ifN: .*mtu 1500/m);
});

test("doc 004's route: host-only lines set aside with the reason, unknown pod names are known differences", (t) => {
  const live = `Kernel IP routing table
Destination     Gateway         Genmask         Flags Metric Ref    Use Iface
0.0.0.0         10.0.0.1        0.0.0.0         UG    100    0        0 eth0
10.0.0.0        0.0.0.0         255.255.255.0   U     100    0        0 eth0
192.168.77.128  10.0.0.10       255.255.255.192 UG    0      0        0 tunl0
192.168.87.192  0.0.0.0         255.255.255.192 U     0      0        0 *
192.168.87.197  0.0.0.0         255.255.255.255 UH    0      0        0 cali01b2e0a1a2c
192.168.87.198  0.0.0.0         255.255.255.255 UH    0      0        0 cali6d8ff9bc555
192.168.158.0   10.0.0.12       255.255.255.192 UG    0      0        0 tunl0`;
  const r = compareCapture(golden('004-node01-route'), live);
  t.is(r.status, 'known', renderSideBySide(r));
  t.is(r.lines.filter((l) => l.status === 'host-only').length, 5);
  t.is(r.lines.filter((l) => l.status === 'match').length, 6);
  t.deepEqual(
    r.lines.filter((l) => l.status === 'known').map((l) => l.doc),
    ['192.168.87.197 0.0.0.0 255.255.255.255 UH 0 0 0 cali5a8550e3af3'],
  );
});

test("every golden names a target of its document's topology", (t) => {
  for (const g of GOLDENS) {
    const topo = loadTopology(DOC_TOPOLOGY[g.doc]);
    const names = [...topo.nodes.map((n) => n.name), ...topo.pods.flatMap((p) => [p.name, `${p.namespace}/${p.name}`])];
    t.true(names.includes(g.target), `${g.id}: ${g.target}`);
    t.true(!!g.argv !== !!g.view, `${g.id}: a command or a view`);
  }
});

test('normalise: iptables 1.8.9 -n prints the protocol "all" as 0; older releases "all"', (t) => {
  const newer = '    0     0 MASQUERADE  0    --  *      *       0.0.0.0/0            0.0.0.0/0';
  const older = '   11   756 MASQUERADE  all  --  *      *       0.0.0.0/0            0.0.0.0/0';
  t.is(normalise(newer).split(' ').slice(2).join(' '), normalise(older).split(' ').slice(2).join(' '));
  t.is(normalise('cali-INPUT  0    --  0.0.0.0/0  0.0.0.0/0'), 'cali-INPUT all -- 0.0.0.0/0 0.0.0.0/0');
});
