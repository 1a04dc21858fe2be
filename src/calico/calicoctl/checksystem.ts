// `calicoctl node checksystem` (calicoctl/calicoctl/commands/node/checksystem.go, v3.28.1): the
// kernel release against 2.6.24, then 19 kernel modules, each looked up in modules.dep, then
// modules.builtin, then lsmod's output, then the kernel config, then /proc/net/ip_tables_matches.
// calilab's namespaces share the host's kernel, so this reports the same kernel a calico-node on
// the lab would run on. Pure apart from readCheckSystemFiles, which only reads files.
//
// Order: calicoctl ranges over a Go map (checksystem.go:191), so its module order changes from run
// to run (doc 003 shows one of them). calilab prints them in the map literal's order
// (checksystem.go:40-59), the same every time.
import { existsSync, readFileSync } from 'node:fs';

/** checksystem.go:40-59: module -> what the kernel config or /proc/net/ip_tables_matches holds instead. */
export const REQUIRED_MODULES: readonly (readonly [string, string])[] = [
  ['ip_set', 'CONFIG_IP_SET'],
  ['ip6_tables', 'CONFIG_IP6_NF_IPTABLES'],
  ['ip_tables', 'CONFIG_IP_NF_IPTABLES'],
  ['ipt_ipvs', 'CONFIG_NETFILTER_XT_MATCH_IPVS'],
  ['vfio-pci', 'CONFIG_VFIO'],
  ['xt_bpf', 'CONFIG_BPF'],
  ['ipt_REJECT', 'CONFIG_NFT_REJECT'],
  ['ipt_rpfilter', 'CONFIG_IP_NF_MATCH_RPFILTER'],
  ['xt_rpfilter', 'CONFIG_IP_NF_MATCH_RPFILTER'],
  ['ipt_set', 'CONFIG_NET_EMATCH_IPSET'],
  ['nf_conntrack_netlink', 'CONFIG_NF_CT_NETLINK'],
  ['xt_addrtype', 'CONFIG_NETFILTER_XT_MATCH_ADDRTYPE'],
  ['xt_conntrack', 'CONFIG_NETFILTER_XT_MATCH_CONNTRACK'],
  ['xt_icmp', 'icmp'],
  ['xt_icmp6', 'icmp'],
  ['xt_mark', 'CONFIG_IP_NF_TARGET_MARK'],
  ['xt_multiport', 'CONFIG_IP_NF_MATCH_MULTIPORT'],
  ['xt_set', 'CONFIG_NETFILTER_XT_SET'],
  ['xt_u32', 'CONFIG_NETFILTER_XT_MATCH_U32'],
];

const MIN_KERNEL = '2.6.24'; // checksystem.go:35

export interface CheckSystemFiles {
  /** /lib/modules/<release>/modules.dep */
  modulesDep?: string;
  /** /lib/modules/<release>/modules.builtin */
  modulesBuiltin?: string;
  /** What lsmod lists: /proc/modules, which lsmod reads (same names and used-by lists). */
  procModules?: string;
  /** The first kernel config of findBootFile's list (checksystem.go:279-299). */
  kernelConfig?: string;
  /** /proc/net/ip_tables_matches */
  ipTablesMatches?: string;
}

export interface ModuleCheck {
  name: string;
  ok: boolean;
}

/** checksystem.go:246-275 checkModule: does any line of the file match? A missing file never does. */
function anyLine(file: string | undefined, re: RegExp): boolean {
  return file?.split(/\r?\n/).some((l) => re.test(l)) ?? false;
}

/** checksystem.go:191-226: each module through calicoctl's lookup order, in REQUIRED_MODULES order.
 *  The patterns are calicoctl's, used as Go does (unanchored unless they say otherwise). */
export function checkModules(_release: string, files: CheckSystemFiles): ModuleCheck[] {
  return REQUIRED_MODULES.map(([name, config]) => {
    const ok =
      anyLine(files.modulesDep, new RegExp(`\\/${name}.ko`)) || // :192, "\\/%s.ko"
      anyLine(files.modulesBuiltin, new RegExp(`\\/${name}.ko`)) || // :196
      (files.procModules !== undefined && new RegExp(name).test(files.procModules)) || // :200-207, lsmod
      anyLine(files.kernelConfig, new RegExp(`^${config}=.`)) || // :209, "^%s=."
      anyLine(files.ipTablesMatches, new RegExp(`^${config}$`)); // :213, "^%s$"
    return { name, ok };
  });
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Reads the files calicoctl looks at for kernel `release` (checksystem.go:165-181, 279-299);
 *  a missing or unreadable file is undefined, as calicoctl treats it as "not found". */
export function readCheckSystemFiles(release: string, kernelConfigOverride?: string): CheckSystemFiles {
  const configs = kernelConfigOverride
    ? [kernelConfigOverride]
    : [
        '/usr/src/linux/.config',
        `/boot/config-${release}`,
        `/usr/src/linux-${release}/.config`,
        `/usr/src/linux-headers-${release}/.config`,
        `/lib/modules/${release}/build/.config`,
      ];
  const config = configs.find((p) => existsSync(p));
  return {
    modulesDep: read(`/lib/modules/${release}/modules.dep`),
    modulesBuiltin: read(`/lib/modules/${release}/modules.builtin`),
    procModules: read('/proc/modules'),
    kernelConfig: config === undefined ? undefined : read(config),
    ipTablesMatches: read('/proc/net/ip_tables_matches'),
  };
}

/** checksystem.go:301-303 printResult: "\t\t%-20s\t\t\t\t\t%s\n". */
export const printResult = (val: string, result: string) => `\t\t${val.padEnd(20)}\t\t\t\t\t${result}\n`;

/** go-version's CompareNormalized(release, "2.6.24", ">=") for a kernel release: the leading
 *  dotted numbers compared in turn (6.5.0-1024-aws -> 6, 5, 0). */
function atLeast(release: string, min: string): boolean {
  const nums = (v: string) => (v.match(/^\d+(?:\.\d+)*/)?.[0] ?? '0').split('.').map(Number);
  const [a, b] = [nums(release), nums(min)];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return true;
}

/**
 * What `calicoctl node checksystem` prints (checksystem.go:106-123, 129-152, 191-237), stdout then,
 * on failure, the error calicoctl.go:139 prints to stderr. `modules` are printed in the order given.
 */
export function renderCheckSystem(kernelRelease: string, modules: ModuleCheck[]): string {
  let out = 'Checking kernel version...\n';
  const kernelOk = atLeast(kernelRelease, MIN_KERNEL);
  out += printResult(kernelRelease, kernelOk ? 'OK' : 'FAIL');
  if (!kernelOk)
    out += `Minimum kernel version to run Calico is ${MIN_KERNEL}. Detected kernel version: ${kernelRelease}\n`;
  out += 'Checking kernel modules...\n';
  const missing: string[] = [];
  for (const m of modules) {
    if (!m.ok) {
      out += `WARNING: Unable to detect the ${m.name} module as Loaded/Builtin module or lsmod\n`;
      missing.push(m.name);
    }
    out += printResult(m.name, m.ok ? 'OK' : 'FAIL');
  }
  const onlyIpv6 = missing.length === 1 && missing[0] === 'ip6_tables';
  if (onlyIpv6) out += 'WARNING: IPv6 will be unavailable as ip6_tables kernel module is not found\n';
  if (!kernelOk || (missing.length && !onlyIpv6))
    return out + "System doesn't meet one or more minimum systems requirements to run Calico\n";
  return out + 'System meets minimum system requirements to run Calico!\n';
}
