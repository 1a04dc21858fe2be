import test from 'ava';
import { renderBirdConfig } from '../../src/calico/confd/bird-config.ts';
import { buildPlan } from '../../src/plan/plan.ts';
import { loadTopology } from '../../src/topology/load.ts';
import { renderFrr, renderTorBird, torPaths, torSessions } from '../../src/router/tor.ts';

const topo = () => loadTopology('topologies/tor-2rack.yaml');

test('sessions: every node peers with the router address; the other rack is multihop', (t) => {
  t.deepEqual(
    torSessions(topo()).map((s) => `${s.node} ${s.local} ${s.direct ? 'direct' : 'multihop'}`),
    ['rack1-node1 10.1.1.1 direct', 'rack1-node2 10.1.1.1 direct', 'rack2-node1 10.1.1.1 multihop'],
  );
});

test('FRR eBGP config: policy-free, short timers, update-source, ebgp-multihop only off-subnet', (t) => {
  const text = renderFrr(topo(), torPaths('/run/calilab/x', 'frr'));
  t.regex(text, /^router bgp 65001\n bgp router-id 10\.1\.1\.1\n no bgp ebgp-requires-policy\n timers bgp 3 9$/m);
  t.regex(text, /^ neighbor 10\.1\.2\.21 ebgp-multihop 2$/m);
  t.notRegex(text, /neighbor 10\.1\.1\.11 ebgp-multihop/);
  t.notRegex(text, /route-reflector-client/);
});

test('same AS: the router reflects (FRR cluster-id and clients; BIRD rr client, next hop keep)', (t) => {
  const t2 = topo();
  t2.bgp.peers[0].asNumber = 64512;
  t.regex(renderFrr(t2, torPaths('/x', 'frr')), /^  neighbor 10\.1\.1\.11 route-reflector-client$/m);
  t.regex(renderFrr(t2, torPaths('/x', 'frr')), /^ bgp cluster-id 244\.0\.0\.1$/m);
  const bird = renderTorBird(t2, torPaths('/x', 'bird'));
  t.regex(
    bird,
    new RegExp(
      /protocol bgp Node_10_1_2_21 \{\n  description "rack2-node1";\n/.source +
        /  local 10\.1\.1\.1 as 64512;\n  neighbor 10\.1\.2\.21 as 64512;\n  multihop;/.source,
    ),
  );
  t.regex(bird, /rr client;\n  rr cluster id 244\.0\.0\.1;/);
  t.regex(bird, /next hop keep;/);
  t.regex(bird, /protocol kernel \{.*export where source = RTS_BGP/);
});

test('nodes see the router as a global peer; the plan adds a non-gateway peer address to its bridge', (t) => {
  const t1 = topo();
  const plan = buildPlan(t1);
  t.regex(
    renderBirdConfig(t1, plan.allocation, 'rack2-node1', plan.nodes[2].bird),
    new RegExp(
      /# global peer tor\nprotocol bgp Global_10_1_1_1 from bgp_template \{\n/.source +
        /  description "tor";\n  neighbor 10\.1\.1\.1 as 65001;\n  multihop;/.source,
    ),
  );
  t.is(plan.tor?.implementation, 'frr');
  t.deepEqual(
    plan.addresses.filter((a) => a.dev === 'br-subnet0').map((a) => a.cidr),
    ['10.1.1.1/24'],
    'the gateway is the peer: no extra address',
  );
  t1.bgp.peers[0].ip = '10.1.1.254';
  t.true(buildPlan(t1).addresses.some((a) => a.dev === 'br-subnet0' && a.cidr === '10.1.1.254/24'));
});
