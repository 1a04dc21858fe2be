// Network namespaces as the kernel lists them, and their removal. Deleting a namespace takes
// its veth ends (and so the peer ends elsewhere) and every route through them with it.
import { execa } from 'execa';

/** Every named namespace (`ip netns list`); empty when there are none. */
export async function liveNamespaces(): Promise<string[]> {
  const r = await execa('ip', ['-j', 'netns', 'list'], { reject: false });
  if (r.exitCode !== 0 || !r.stdout.trim()) return [];
  return (JSON.parse(r.stdout) as { name: string }[]).map((n) => n.name);
}

/** Deletes namespaces in one `ip -force -batch`; missing ones are not an error (idempotent). */
export async function deleteNamespaces(names: string[]): Promise<void> {
  if (!names.length) return;
  await execa('ip', ['-force', '-batch', '-'], {
    input: names.map((n) => `netns del ${n}`).join('\n') + '\n',
    reject: false,
  });
}
