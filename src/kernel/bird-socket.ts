// A client for BIRD's control socket, so that status polls cost no process (birdc would cost
// ~170 ms each inside the TCG VM). Protocol: a greeting, then per command lines "NNNN-text" /
// " text" ending with a line "NNNN text" whose code is 0xxx (done) or 8xxx/9xxx (error).
import { createConnection } from 'node:net';

export class BirdError extends Error {}

export function birdCommand(socket: string, command: string, timeoutMs = 5000): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const conn = createConnection(socket);
    let buf = '';
    let greeted = false;
    const lines: string[] = [];
    const timer = setTimeout(() => {
      conn.destroy();
      reject(new BirdError(`${socket}: no answer to "${command}" within ${timeoutMs} ms`));
    }, timeoutMs);
    const finish = (err?: Error) => {
      clearTimeout(timer);
      conn.end();
      if (err) reject(err);
      else resolve(lines);
    };
    conn.on('error', (e) => finish(new BirdError(`${socket}: ${e.message}`)));
    conn.on('data', (d) => {
      buf += d.toString();
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (!greeted) {
          if (/^0001 /.test(line)) {
            greeted = true;
            conn.write(command + '\n');
          }
          continue;
        }
        const m = line.match(/^(\d{4})([ -])(.*)$/);
        if (m) {
          if (m[2] === ' ' && /^[089]/.test(m[1])) {
            if (m[3]) lines.push(m[3]);
            return finish(/^[89]/.test(m[1]) ? new BirdError(`bird: ${command}: ${m[3]}`) : undefined);
          }
          lines.push(m[3]);
        } else {
          lines.push(line.replace(/^ /, ''));
        }
      }
    });
  });
}

export interface ProtocolRow {
  name: string;
  proto: string;
  table: string;
  state: string;
  since: string;
  info: string;
}

/** Parses `show protocols` (with `timeformat protocol iso long`: "YYYY-MM-DD HH:MM:SS"). */
export function parseProtocols(lines: string[]): ProtocolRow[] {
  return lines
    .filter((l) => l.trim() && !/^Name\s+Proto/.test(l))
    .map((l) => {
      const [name, proto, table, state, ...rest] = l.trim().split(/\s+/);
      const hasTime = /^\d{4}-\d\d-\d\d$/.test(rest[0] ?? '') && /^\d\d:\d\d:\d\d/.test(rest[1] ?? '');
      const since = hasTime ? `${rest[0]} ${rest[1]}` : (rest[0] ?? '');
      const info = rest.slice(hasTime ? 2 : 1).join(' ');
      return { name, proto, table, state, since, info };
    });
}

export async function bgpSessions(socket: string): Promise<ProtocolRow[]> {
  return parseProtocols(await birdCommand(socket, 'show protocols')).filter((p) => p.proto === 'BGP');
}
