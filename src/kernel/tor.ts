// Starts the top-of-rack BGP speaker in the router namespace and reads its sessions: BIRD through
// its control socket, FRR (zebra installs the routes, bgpd speaks BGP) through vtysh.
import { chownSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { execa } from 'execa';
import { bgpSessions } from './bird-socket.ts';
import { startBird, waitForPid } from './bird.ts';
import { nsExec } from './exec.ts';
import type { TorPlan } from '../plan/plan.ts';

export interface TorProcess {
  pid: number;
  what: string;
  marker: string;
}

export interface TorSessionState {
  neighbor: string;
  state: string;
  /** Prefixes received from that node. */
  received?: number;
}

/** FRR's zebra must run as the frr user (the package's vty group check refuses root). */
function frrIds(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('frr:'));
  if (!line) throw new Error("user frr not found: install Debian's frr package (scripts/setup does)");
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

export async function startTor(tor: TorPlan, stateDir: string): Promise<TorProcess[]> {
  const p = tor.paths;
  mkdirSync(p.dir, { recursive: true, mode: 0o700 });
  if (tor.implementation === 'bird') {
    writeFileSync(p.config, tor.text, { mode: 0o600 });
    const pid = await startBird(tor.ns, { config: p.config, socket: p.socket, pidFile: p.pidFile, log: p.log });
    return [{ pid, what: `bird top-of-rack ${tor.name}`, marker: p.config }];
  }
  const { uid, gid } = frrIds();
  chmodSync(stateDir, 0o711); // zebra (user frr) must reach its own directory; nothing else is listed
  chownSync(p.dir, uid, gid);
  writeFileSync(p.config, tor.text, { mode: 0o600 });
  const common = ['-d', '-F', 'traditional', '-z', p.zebraSocket, '--vty_socket', p.dir, '-P', '0'];
  await nsExec(`start FRR zebra in ${tor.ns}`, tor.ns, [
    '/usr/lib/frr/zebra',
    ...common,
    '-u',
    'frr',
    '-g',
    'frr',
    '-i',
    p.zebraPidFile,
    '-f',
    '/dev/null',
    '--log',
    `file:${p.dir}/zebra.log`,
  ]);
  // bgpd as root (-S skips the user switch); it reaches zebra over the zserv socket.
  await nsExec(`start FRR bgpd in ${tor.ns}`, tor.ns, [
    '/usr/lib/frr/bgpd',
    ...common,
    '-S',
    '-i',
    p.pidFile,
    '-f',
    p.config,
    '--log',
    `file:${p.log}`,
  ]);
  return [
    { pid: await waitForPid(p.zebraPidFile), what: `frr zebra top-of-rack ${tor.name}`, marker: p.zebraPidFile },
    { pid: await waitForPid(p.pidFile), what: `frr bgpd top-of-rack ${tor.name}`, marker: p.pidFile },
  ];
}

export async function torSessionStates(tor: TorPlan): Promise<TorSessionState[]> {
  if (tor.implementation === 'bird') {
    return (await bgpSessions(tor.paths.socket)).map((r) => ({
      neighbor: r.name.replace(/^Node_/, '').replaceAll('_', '.'),
      state: r.info.split(' ')[0] || r.state,
    }));
  }
  const r = await execa(
    'ip',
    ['netns', 'exec', tor.ns, 'vtysh', '--vty_socket', tor.paths.socket, '-c', 'show bgp ipv4 unicast summary json'],
    { reject: false },
  );
  if (r.exitCode !== 0) return [];
  const peers =
    (JSON.parse(String(r.stdout)) as { peers?: Record<string, { state: string; pfxRcd?: number }> }).peers ?? {};
  return Object.entries(peers).map(([neighbor, s]) => ({ neighbor, state: s.state, received: s.pfxRcd }));
}
