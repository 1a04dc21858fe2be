// A pod opening a TCP connection or sending one UDP datagram, as a client in the pod would, for
// verify's port probes. socat inside the pod's namespace: its exit status says whether a TCP
// handshake completed; for UDP nothing comes back, and the captures decide.
import { execa } from 'execa';

export interface PortProbeResult {
  /** TCP: the handshake completed. UDP: the datagram was sent (delivery is read from the pcaps). */
  ok: boolean;
  output: string;
}

export async function probePort(
  ns: string,
  ip: string,
  port: number,
  protocol: 'tcp' | 'udp',
  timeoutS = 2,
): Promise<PortProbeResult> {
  const target = protocol === 'tcp' ? `TCP:${ip}:${port},connect-timeout=${timeoutS}` : `UDP-SENDTO:${ip}:${port}`;
  const r = await execa('ip', ['netns', 'exec', ns, 'socat', '-u', 'STDIN', target], {
    input: 'calilab probe\n',
    reject: false,
    timeout: (timeoutS + 3) * 1000,
  });
  return { ok: r.exitCode === 0, output: `${r.stdout}${r.stderr}`.trim() };
}
