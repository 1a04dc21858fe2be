// What this kernel can do: which tunnel link types exist, and whether new namespaces get a
// fallback tunl0. Probed in a throwaway namespace so the root namespace is never touched.
import { existsSync, readFileSync } from 'node:fs';
import { execa } from 'execa';
import type { KernelFacts } from '../plan/batch.ts';

export interface DatapathSupport {
  ipip: boolean;
  wireguard: boolean;
  vxlan: boolean;
}

async function quiet(file: string, args: string[]): Promise<boolean> {
  const r = await execa(file, args, { reject: false, stdin: 'ignore' });
  return r.exitCode === 0;
}

export async function loadModules(mods: string[]): Promise<void> {
  await execa('modprobe', ['-a', ...mods], { reject: false, stdin: 'ignore' });
}

let probes = 0;

export async function probeDatapath(): Promise<DatapathSupport> {
  await loadModules(['ipip', 'wireguard', 'vxlan']);
  // Unique per call: two labs coming up in one process probe at the same time.
  const ns = `calilab-probe-${process.pid}-${++probes}`;
  if (!(await quiet('ip', ['netns', 'add', ns]))) return { ipip: false, wireguard: false, vxlan: false };
  try {
    const can = (type: string, extra: string[] = []) =>
      quiet('ip', [
        '-n',
        ns,
        'link',
        'add',
        `probe-${type}`,
        ...extra,
        'type',
        type,
        ...(type === 'vxlan' ? ['id', '1', 'dstport', '4789'] : []),
      ]);
    const [ipip, wireguard, vxlan] = await Promise.all([can('ipip'), can('wireguard'), can('vxlan')]);
    return { ipip, wireguard, vxlan };
  } finally {
    await quiet('ip', ['netns', 'del', ns]);
  }
}

export function kernelFacts(): KernelFacts {
  const f = '/proc/sys/net/core/fb_tunnels_only_for_init_net';
  const onlyInit = existsSync(f) ? readFileSync(f, 'utf8').trim() !== '0' : false;
  const ipipLoaded = existsSync('/sys/module/ipip');
  return { tunl0Exists: ipipLoaded && !onlyInit, ipipAvailable: ipipLoaded };
}

/** The kernel's one ARP table serves every namespace and refuses new entries beyond gc_thresh3;
 *  a lab that needs more never converges (peers stay in SYN-SENT, unresolved). */
export function neighbourCapacity(): number {
  const f = '/proc/sys/net/ipv4/neigh/default/gc_thresh3';
  return existsSync(f) ? Number(readFileSync(f, 'utf8').trim()) : Infinity;
}
