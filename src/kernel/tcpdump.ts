// tcpdump inside a namespace, writing classic pcap. `ip netns exec` execs tcpdump in place, so
// the child's pid is tcpdump's own; it is stopped with SIGINT so that it flushes the file.
// --immediate-mode: without it the last packets wait in the TPACKET_V3 ring for the block
// timeout and are lost at SIGINT (seen: a whole node's final pings missing). Snaplen 512 holds
// every header calilab decodes (VXLAN's inner ICMP ends at byte 106).
import { execa, type ResultPromise } from 'execa';
import { notYet, ready, waitFor } from '../util/wait.ts';
import { KernelError } from './exec.ts';
import { readPcap, type DecodedPacket } from '../packets/pcap.ts';

export interface Capture {
  ns: string;
  iface: string;
  file: string;
  pid: number;
  /** Resolves with what tcpdump reported as dropped by the kernel (0 when all were kept). */
  stop(): Promise<number>;
}

/** What calilab's verifications look at: pod traffic, bare or in any of Calico's tunnels (IPIP,
 *  VXLAN and WireGuard are IP protocol 4 and UDP), and the policy probes: UDP datagrams and TCP
 *  handshake packets (SYN, SYN-ACK, RST), not the bytes of established sessions such as BGP's. */
export const DATAPATH_FILTER = [
  'icmp',
  'or',
  'ip',
  'proto',
  '4',
  'or',
  'udp',
  'or',
  '(tcp[tcpflags]',
  '&',
  '(tcp-syn|tcp-rst)',
  '!=',
  '0)',
];

export async function startCapture(
  ns: string,
  file: string,
  opts: { iface?: string; filter?: string[]; snaplen?: number; count?: number } = {},
): Promise<Capture> {
  const iface = opts.iface ?? 'any';
  const args = [
    'netns',
    'exec',
    ns,
    'tcpdump',
    '-i',
    iface,
    '-n',
    '-U',
    '--immediate-mode',
    '-Z',
    'root',
    '-B',
    '8192',
    '-s',
    String(opts.snaplen ?? 512),
    '-w',
    file,
  ];
  if (opts.count) args.push('-c', String(opts.count));
  const child: ResultPromise = execa('ip', [...args, ...(opts.filter ?? DATAPATH_FILTER)], {
    reject: false,
    stdin: 'ignore',
    stdout: 'ignore',
    stderr: 'pipe',
  });
  let stderr = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new KernelError(`capture in ${ns}`, `tcpdump did not start within 20 s: ${stderr.trim()}`)),
      20000,
    );
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes('listening on')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.then((r) => {
      clearTimeout(timer);
      reject(new KernelError(`capture in ${ns}`, `tcpdump exited ${r.exitCode}: ${stderr.trim()}`));
    });
  }).catch((e) => {
    child.kill('SIGKILL');
    throw e;
  });
  return {
    ns,
    iface,
    file,
    pid: child.pid!,
    async stop() {
      await sentinelSeen(ns, file);
      child.kill('SIGINT');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await child;
      clearTimeout(t);
      return Number(stderr.match(/(\d+) packets? dropped by kernel/)?.[1] ?? 0);
    },
  };
}

/** SIGINT drops what tcpdump has not read from its ring yet, and a busy TCG VM leaves it
 *  behind. So: ping 127.0.0.1 inside the namespace (`-i any` sees lo) and stop only once that
 *  reply is in the file: the ring is read in order, so everything before it is there too. */
async function sentinelSeen(ns: string, file: string, maxMs = 8000): Promise<void> {
  await execa('ip', ['netns', 'exec', ns, 'ping', '-n', '-c', '1', '-W', '1', '127.0.0.1'], {
    reject: false,
    stdin: 'ignore',
  });
  const isSentinel = (p: DecodedPacket) => {
    const n = p.frame.network;
    return n?.kind === 'ipv4' && n.src === '127.0.0.1' && n.payload?.kind === 'icmp' && n.payload.type === 0;
  };
  const probe = async () => {
    const { packets } = await readPcap(file).catch(() => ({ packets: [] as DecodedPacket[] }));
    return packets.some(isSentinel) ? ready(true) : notYet('sentinel reply not in the file yet');
  };
  // Past the deadline tcpdump is stopped anyway: what it wrote is all there is.
  await waitFor(`capture in ${ns}`, probe, { timeoutMs: maxMs, intervalMs: 150 }).catch(() => undefined);
}
