import test from 'ava';
import { boxTable, renderNodeStatus } from '../../src/calico/calicoctl/views.ts';

test("node status renders doc 003's table byte for byte", (t) => {
  const out = renderNodeStatus(true, [
    {
      peerAddress: '192.168.20.100',
      peerType: 'node-to-node mesh',
      state: 'up',
      since: '16:52:54',
      info: 'Established',
    },
    {
      peerAddress: '192.168.10.101',
      peerType: 'node-to-node mesh',
      state: 'up',
      since: '16:52:52',
      info: 'Established',
    },
  ]);
  const rule = '+----------------+-------------------+-------+----------+-------------+';
  t.is(
    out.split('\n').slice(0, 8).join('\n'),
    [
      'Calico process is running.',
      '',
      'IPv4 BGP status',
      rule,
      '|  PEER ADDRESS  |     PEER TYPE     | STATE |  SINCE   |    INFO     |',
      rule,
      '| 192.168.20.100 | node-to-node mesh | up    | 16:52:54 | Established |',
      '| 192.168.10.101 | node-to-node mesh | up    | 16:52:52 | Established |',
    ].join('\n'),
  );
});

test("ipam show header matches doc 003's", (t) => {
  const out = boxTable([
    ['GROUPING', 'CIDR', 'IPS TOTAL', 'IPS IN USE', 'IPS FREE'],
    ['IP Pool', '172.16.0.0/16', '65536', '7 (0%)', '65529 (100%)'],
  ]);
  t.is(out.split('\n')[1], '| GROUPING |     CIDR      | IPS TOTAL | IPS IN USE |   IPS FREE   |');
});
