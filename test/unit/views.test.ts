import test from 'ava';
import { renderTablewriter } from '../../src/calico/calicoctl/tablewriter.ts';
import { getOutput } from '../../src/calico/calicoctl/get.ts';
import { cidrToName, labResources, workloadEndpointName } from '../../src/calico/calicoctl/resources.ts';
import {
  boxTable,
  ipamBorrowedRows,
  ipamRows,
  renderIpamShow,
  renderNodeStatus,
  utilizationRow,
} from '../../src/calico/calicoctl/views.ts';
import { goFormatF, goFormatG } from '../../src/util/gofmt.ts';
import { kansRecord } from './lab-record.ts';

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

// The rendering checked against olekukonko/tablewriter v0.0.5 itself (Go 1.19, Debian's package),
// the same as calicoctl/tests/fv/ipam_test.go expects: plain numbers right-aligned, anything else
// (1.8447e+19, "11 (0%)") left-aligned, headers centred.
test('boxTable is tablewriter v0.0.5 with its defaults: the verified ipam show --show-blocks', (t) => {
  const rows = [
    ['GROUPING', 'CIDR', 'IPS TOTAL', 'IPS IN USE', 'IPS FREE'],
    utilizationRow('IP Pool', '192.168.0.0/16', 11, 65536),
    utilizationRow('Block', '192.168.0.0/26', 4, 64),
    utilizationRow('Block', '192.168.1.64/26', 7, 64),
    utilizationRow('Block', '192.168.2.128/26', 0, 64),
    utilizationRow('IP Pool', 'fd00:10:244::/64', 2, 2 ** 64),
    utilizationRow('Block', 'fd00:10:244:0:1::/122', 2, 64),
  ];
  t.is(
    boxTable(rows),
    [
      '+----------+-----------------------+------------+------------+-------------------+',
      '| GROUPING |         CIDR          | IPS TOTAL  | IPS IN USE |     IPS FREE      |',
      '+----------+-----------------------+------------+------------+-------------------+',
      '| IP Pool  | 192.168.0.0/16        |      65536 | 11 (0%)    | 65525 (100%)      |',
      '| Block    | 192.168.0.0/26        |         64 | 4 (6%)     | 60 (94%)          |',
      '| Block    | 192.168.1.64/26       |         64 | 7 (11%)    | 57 (89%)          |',
      '| Block    | 192.168.2.128/26      |         64 | 0 (0%)     | 64 (100%)         |',
      '| IP Pool  | fd00:10:244::/64      | 1.8447e+19 | 2 (0%)     | 1.8447e+19 (100%) |',
      '| Block    | fd00:10:244:0:1::/122 |         64 | 2 (3%)     | 62 (97%)          |',
      '+----------+-----------------------+------------+------------+-------------------+',
      '',
    ].join('\n'),
  );
});

test("tablewriter's number test, header Title and its word wrap at 30 columns (checked against Go)", (t) => {
  t.is(
    renderTablewriter(
      ['a_b', 'n'],
      [
        ['1,234', '-3.5'],
        ['1,2345', '1.8447e+19'],
        ['x', ''],
      ],
    ),
    [
      '+--------+------------+',
      '|  A B   |     N      |',
      '+--------+------------+',
      '|  1,234 |       -3.5 |',
      '| 1,2345 | 1.8447e+19 |',
      '| x      |            |',
      '+--------+------------+',
      '',
    ].join('\n'),
  );
  t.is(
    renderTablewriter(['IP', 'NOTE'], [['10', 'calico kube controllers seven seven d five nine']]),
    [
      '+----+--------------------------------+',
      '| IP |              NOTE              |',
      '+----+--------------------------------+',
      '| 10 | calico kube controllers seven  |',
      '|    | seven d five nine              |',
      '+----+--------------------------------+',
      '',
    ].join('\n'),
  );
});

test("Go's %.5g and %.f: exponent form past 5 digits, exact ties rounded to even", (t) => {
  t.deepEqual(
    [65536, 256, 0, 100000, 131072, 2 ** 64, 2 ** 80, 123455, 123465, 0.001234].map((x) => goFormatG(x, 5)),
    ['65536', '256', '0', '1e+05', '1.3107e+05', '1.8447e+19', '1.2089e+24', '1.2346e+05', '1.2346e+05', '0.001234'],
  );
  t.deepEqual(
    [37.5, 62.5, 0.5, 1.5, 2.5, 0.390625, 99.609375, 98.4375, 1.5625, 0.6].map((x) => goFormatF(x, 0)),
    ['38', '62', '0', '2', '2', '0', '100', '98', '2', '1'],
    'JavaScript rounds 62.5 to 63 and 0.5 to 1; Go to 62 and 0',
  );
  t.deepEqual(utilizationRow('Block', '10.0.0.0/29', 3, 8), ['Block', '10.0.0.0/29', '8', '3 (38%)', '5 (62%)']);
});

test("ipam show on doc 003's lab: blocks in KDD name order, tunnel addresses and pods in use", (t) => {
  const rec = kansRecord();
  t.deepEqual(ipamRows(rec, true), [
    ['GROUPING', 'CIDR', 'IPS TOTAL', 'IPS IN USE', 'IPS FREE'],
    ['IP Pool', '172.16.0.0/16', '65536', '8 (0%)', '65528 (100%)'],
    ['Block', '172.16.116.0/24', '256', '1 (0%)', '255 (100%)'],
    ['Block', '172.16.158.0/24', '256', '3 (1%)', '253 (99%)'],
    ['Block', '172.16.184.0/24', '256', '2 (1%)', '254 (99%)'],
    ['Block', '172.16.34.0/24', '256', '2 (1%)', '254 (99%)'],
  ]);
  t.is(ipamRows(rec, false).length, 2);
  t.is(cidrToName('172.16.34.0/24'), '172-16-34-0-24');
});

test('ipam show --show-borrowed: an address whose pod runs on another node than the block', (t) => {
  const rec = kansRecord();
  t.deepEqual(ipamBorrowedRows(rec), [['IP', 'BORROWING-NODE', 'BLOCK', 'BLOCK OWNER', 'TYPE', 'ALLOCATED-TO']]);
  // pod3 (k8s-w2) given an address of k8s-w1's block, as IPAM does when a node borrows.
  const block = rec.plan.allocation.blocks.find((b) => b.cidr === '172.16.158.0/24')!;
  block.allocations[9] = 'k8s-pod-network.default.pod3';
  block.unallocated = block.unallocated.filter((o) => o !== 9);
  t.deepEqual(ipamBorrowedRows(rec).slice(1), [
    ['172.16.158.9', 'k8s-w2', '172.16.158.0/24', 'k8s-w1', 'pod', 'default/pod3'],
  ]);
  block.allocations[10] = 'some-other-handle';
  block.unallocated = block.unallocated.filter((o) => o !== 10);
  t.regex(renderIpamShow(rec, 'borrowed'), /\nNote: found 1 IP allocations without an explicit node association\./);
  t.is(ipamRows(rec, true)[3][3], '5 (2%)');
});

test('ipam show --show-configuration: IPAMConfig with %#v, numbers right-aligned', (t) => {
  t.is(
    renderIpamShow(kansRecord(), 'configuration'),
    [
      '+--------------------+-------+',
      '|      PROPERTY      | VALUE |',
      '+--------------------+-------+',
      '| StrictAffinity     | false |',
      '| AutoAllocateBlocks | true  |',
      '| MaxBlocksPerHost   |     0 |',
      '+--------------------+-------+',
      '',
    ].join('\n'),
  );
});

test('get wep: default namespace, -A adds NAMESPACE, -o wide the endpoint name and profiles', (t) => {
  const rec = kansRecord();
  const get = (output: 'ps' | 'wide', allNamespaces = false) =>
    getOutput(rec, labResources(rec), { kind: 'WorkloadEndpoint', names: [], output, allNamespaces }).text;
  t.deepEqual(get('ps').split('\n').slice(0, 2), [
    'WORKLOAD   NODE     NETWORKS          INTERFACE         ',
    'pod1       k8s-w1   172.16.158.3/32   calice0906292e2   ',
  ]);
  t.true(get('ps').endsWith('   \n\n'), 'a blank line after the table');
  t.deepEqual(get('wide', true).split('\n')[1].split(/ {3,}/), [
    'default',
    'k8s--w1-k8s-pod1-eth0',
    'pod1',
    'k8s-w1',
    '172.16.158.3/32',
    'calice0906292e2',
    'kns.default,ksa.default.default',
    '',
  ]);
  t.is(
    workloadEndpointName('k8s-w1', 'calico-kube-controllers-77d59654f4-xgt7f'),
    'k8s--w1-k8s-calico--kube--controllers--77d59654f4--xgt7f-eth0',
  );
});
