import test from 'ava';
import {
  checkModules,
  printResult,
  REQUIRED_MODULES,
  renderCheckSystem,
} from '../../src/calico/calicoctl/checksystem.ts';

const NAMES = REQUIRED_MODULES.map(([m]) => m);
const okOf = (files: Parameters<typeof checkModules>[1]) =>
  Object.fromEntries(checkModules('6.1.0-28-amd64', files).map((m) => [m.name, m.ok]));

test("checksystem's 19 modules, in the map literal's order", (t) => {
  t.is(NAMES.length, 19);
  t.deepEqual(NAMES.slice(0, 4), ['ip_set', 'ip6_tables', 'ip_tables', 'ipt_ipvs']);
  t.deepEqual(
    checkModules('x', {}).map((m) => m.ok),
    NAMES.map(() => false),
    'no file: nothing found',
  );
});

test('lookup order: modules.dep, modules.builtin, lsmod, kernel config, ip_tables_matches', (t) => {
  const found = okOf({
    modulesDep: 'kernel/net/netfilter/ipset/ip_set.ko.xz: kernel/net/netfilter/nfnetlink.ko.xz\n',
    modulesBuiltin: 'kernel/net/ipv4/netfilter/ip_tables.ko\r\nkernel/drivers/vfio/pci/vfio-pci.ko\n',
    procModules: 'xt_conntrack 12288 4 - Live 0x0000000000000000\nnf_conntrack_netlink 57344 0 - Live 0x0\n',
    kernelConfig: '# CONFIG_BPF is not set\nCONFIG_IP_NF_TARGET_MARK=m\nCONFIG_NETFILTER_XT_SET=\n',
    ipTablesMatches: 'icmp\nmark\n',
  });
  t.true(found.ip_set, 'modules.dep, anywhere on the line');
  t.true(found.ip_tables && found['vfio-pci'], 'modules.builtin (CRLF lines too)');
  t.true(found.xt_conntrack && found.nf_conntrack_netlink, 'lsmod: /proc/modules');
  t.false(found.xt_bpf, '"# CONFIG_BPF is not set" is not ^CONFIG_BPF=.');
  t.true(found.xt_mark, 'kernel config: CONFIG_IP_NF_TARGET_MARK=m');
  t.false(found.xt_set, '^CONFIG_NETFILTER_XT_SET=. needs a value');
  t.true(found.xt_icmp && found.xt_icmp6, 'ip_tables_matches: ^icmp$');
  t.false(found.ip6_tables);
});

test("lsmod's pattern is calicoctl's bare module name, so ip_set also matches ip_set_hash_net", (t) => {
  t.true(okOf({ procModules: 'ip_set_hash_net 53248 1 - Live 0x0\n' }).ip_set);
  t.false(okOf({ modulesDep: 'kernel/net/netfilter/ipset/ip_set_hash_net.ko.xz:\n' }).ip_set, '\\/ip_set.ko is not');
});

test('printResult: two tabs, the name padded to 20, five tabs, the result', (t) => {
  t.is(printResult('ip_set', 'OK'), '\t\tip_set              \t\t\t\t\tOK\n');
  t.is(printResult('nf_conntrack_netlink', 'OK'), '\t\tnf_conntrack_netlink\t\t\t\t\tOK\n');
});

test('rendering: all found', (t) => {
  const out = renderCheckSystem(
    '6.5.0-1024-aws',
    NAMES.map((name) => ({ name, ok: true })),
  );
  const lines = out.split('\n');
  t.deepEqual(lines.slice(0, 4), [
    'Checking kernel version...',
    '\t\t6.5.0-1024-aws      \t\t\t\t\tOK',
    'Checking kernel modules...',
    '\t\tip_set              \t\t\t\t\tOK',
  ]);
  t.is(lines.length, 3 + 19 + 2, 'two headers, the kernel, 19 modules, the verdict, the final newline');
  t.is(lines.at(-2), 'System meets minimum system requirements to run Calico!');
});

test('rendering: a missing module warns before its FAIL; only ip6_tables missing still passes', (t) => {
  const all = NAMES.map((name) => ({ name, ok: true }));
  const noBpf = renderCheckSystem(
    '6.1.0-28-amd64',
    all.map((m) => (m.name === 'xt_bpf' ? { ...m, ok: false } : m)),
  );
  t.regex(
    noBpf,
    /WARNING: Unable to detect the xt_bpf module as Loaded\/Builtin module or lsmod\n\t\txt_bpf {14}\t{5}FAIL\n/,
  );
  t.true(noBpf.endsWith("System doesn't meet one or more minimum systems requirements to run Calico\n"));
  const noIpv6 = renderCheckSystem(
    '6.1.0-28-amd64',
    all.map((m) => (m.name === 'ip6_tables' ? { ...m, ok: false } : m)),
  );
  t.true(
    noIpv6.endsWith(
      'WARNING: IPv6 will be unavailable as ip6_tables kernel module is not found\n' +
        'System meets minimum system requirements to run Calico!\n',
    ),
  );
});

test('a kernel older than 2.6.24 fails with the detected version', (t) => {
  const out = renderCheckSystem('2.6.18-419.el5', []);
  t.regex(
    out,
    /\t\t2\.6\.18-419\.el5 {6}\t{5}FAIL\nMinimum kernel version to run Calico is 2\.6\.24\. Detected kernel/,
  );
  t.true(out.endsWith("System doesn't meet one or more minimum systems requirements to run Calico\n"));
  t.regex(renderCheckSystem('2.6.24', []), /\t\t2\.6\.24 {14}\t{5}OK\n/);
});
