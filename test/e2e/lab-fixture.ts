// Shared by the end-to-end tests: a uniquely named copy of a topology (two test runs never
// collide), a root-namespace snapshot, and a leftover check after `down`.
import { execa } from 'execa';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { probeDatapath } from '../../src/kernel/probe.ts';
import { labDir } from '../../src/lab/state.ts';
import { loadTopology } from '../../src/topology/load.ts';
import type { Topology } from '../../src/topology/types.ts';
import { useSystemPath } from '../../src/kernel/system-path.ts';

useSystemPath();

export function testTopology(file: string, tag: string): Topology {
  const topo = loadTopology(file);
  topo.name = `t${process.pid % 100000}-${tag}`.slice(0, 32);
  return topo;
}

/** The end-to-end tests must fail, never skip, on a kernel without the datapath. */
export async function requireDatapath(): Promise<void> {
  const s = await probeDatapath();
  if (!s.ipip || !s.vxlan) {
    throw new Error(
      `this kernel lacks ${!s.ipip ? 'ipip' : 'vxlan'}: ` +
        'run the end-to-end tests through `npm test`, which uses the VM',
    );
  }
}

/** What must be byte-identical in the root namespace before `up` and after `down`. */
export async function rootSnapshot(): Promise<string> {
  const parts = await Promise.all([
    execa('ip', ['-o', 'link', 'show']),
    execa('ip', ['-o', 'address', 'show']),
    execa('ip', ['route', 'show', 'table', 'all']),
    execa('ip', ['rule', 'show']),
    execa('nft', ['list', 'ruleset']),
    execa('sysctl', [
      'net.ipv4.ip_forward',
      'net.ipv4.conf.all.forwarding',
      'net.ipv4.conf.all.proxy_arp',
      'net.ipv4.conf.all.rp_filter',
      'net.core.fb_tunnels_only_for_init_net',
    ]),
  ]);
  // Counters and dynamic neighbour state are not configuration; link lines keep name, flags, mtu.
  return parts.map((p) => p.stdout.replace(/\s+(valid_lft|preferred_lft) \S+/g, '')).join('\n');
}

export async function leftovers(lab: string): Promise<string[]> {
  const found: string[] = [];
  const ns = await execa('ip', ['netns', 'list']);
  for (const line of ns.stdout.split('\n')) if (line.startsWith(`${lab}-`)) found.push(`netns ${line}`);
  if (existsSync(labDir(lab))) found.push(`state dir ${labDir(lab)}`);
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd.includes(`/${lab}/`)) found.push(`process ${pid} ${cmd.replaceAll('\0', ' ')}`);
    } catch {
      /* exited meanwhile */
    }
  }
  return found;
}
