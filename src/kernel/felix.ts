// Applies the Felix part of a plan to each node namespace: clean out what an earlier mode left
// (on live changes), create the desired devices, routes and neighbours, then FDB entries,
// and WireGuard peers. One or two processes per node, all nodes in parallel.
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { felixCleanup, felixCreate, felixFdb, wireguardConf, type FelixNode } from '../calico/felix/dataplane.ts';
import { WIREGUARD } from '../calico/felix/encap.ts';
import type { Plan } from '../plan/plan.ts';
import { ipBatch, KernelError, nsExec } from './exec.ts';

export interface WireguardKey {
  privateKey: string;
  publicKey: string;
}

/** A Curve25519 key pair as wg(8) writes them (base64 of the raw 32 bytes), without wg genkey. */
export function generateWireguardKey(): WireguardKey {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  const raw = (k: typeof privateKey, field: 'd' | 'x') =>
    Buffer.from(k.export({ format: 'jwk' })[field]!, 'base64url').toString('base64');
  return { privateKey: raw(privateKey, 'd'), publicKey: raw(publicKey, 'x') };
}

/** Keys live in the lab's state dir (0700); private keys are 0600 and never printed. */
export function wireguardKeys(stateDir: string, nodes: string[]): Map<string, WireguardKey> {
  const dir = join(stateDir, 'wireguard');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keys = new Map<string, WireguardKey>();
  for (const n of nodes) {
    const f = join(dir, `${n}.key`);
    if (!existsSync(f)) {
      const k = generateWireguardKey();
      writeFileSync(f, k.privateKey + '\n', { mode: 0o600 });
      writeFileSync(join(dir, `${n}.pub`), k.publicKey + '\n', { mode: 0o644 });
    }
    keys.set(n, {
      privateKey: readFileSync(f, 'utf8').trim(),
      publicKey: readFileSync(join(dir, `${n}.pub`), 'utf8').trim(),
    });
  }
  return keys;
}

async function applyNode(
  f: FelixNode,
  plan: Plan,
  keys: Map<string, WireguardKey> | undefined,
  fresh: boolean,
): Promise<void> {
  if (!fresh)
    await execa('ip', ['-n', f.netns, '-force', '-batch', '-'], {
      input: felixCleanup().join('\n') + '\n',
      reject: false,
    });
  await ipBatch(`felix dataplane on ${f.node}`, felixCreate(f), f.netns);
  const fdb = felixFdb(f);
  if (fdb.length) {
    try {
      await execa('bridge', ['-n', f.netns, '-batch', '-'], { input: fdb.join('\n') + '\n' });
    } catch (e) {
      throw KernelError.from(`VXLAN FDB on ${f.node}`, (e as { stderr?: string }).stderr ?? String(e), e);
    }
  }
  if (f.wireguard && keys) {
    const conf = join(plan.stateDir, 'wireguard', `${f.node}.conf`);
    const peers = f.wireguard.peers.map((p) => ({ ...p, publicKey: keys.get(p.node)!.publicKey }));
    writeFileSync(conf, wireguardConf(keys.get(f.node)!.privateKey, f.wireguard.fwmark, peers), { mode: 0o600 });
    await nsExec(`WireGuard peers on ${f.node}`, f.netns, ['wg', 'setconf', WIREGUARD.dev, conf]);
  }
}

/** `fresh`: the namespaces were just made, so there is nothing of an earlier mode to remove. */
export async function applyFelix(plan: Plan, fresh: boolean): Promise<void> {
  const keys = plan.felix.some((f) => f.wireguard)
    ? wireguardKeys(
        plan.stateDir,
        plan.felix.map((f) => f.node),
      )
    : undefined;
  await Promise.all(plan.felix.map((f) => applyNode(f, plan, keys, fresh)));
}

/** The public keys Felix has published (Node status.wireguardPublicKey), read without creating any. */
export function publishedKeys(stateDir: string): Map<string, string> {
  const dir = join(stateDir, 'wireguard');
  const keys = new Map<string, string>();
  if (!existsSync(dir)) return keys;
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.pub')))
    keys.set(f.slice(0, -'.pub'.length), readFileSync(join(dir, f), 'utf8').trim());
  return keys;
}
