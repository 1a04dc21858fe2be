// Kernel tools (ip, nft, tcpdump, bird, wg) must come from the system, never from a PATH entry
// like node_modules/.bin: under `npm test` ava's dependency @vercel/nft puts an `nft` there,
// which silently "succeeded" instead of loading the natOutgoing ruleset.
export const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function systemPath(path = process.env.PATH ?? ''): string {
  const rest = path.split(':').filter((p) => p && !p.includes('node_modules') && !SYSTEM_PATH.split(':').includes(p));
  return [SYSTEM_PATH, ...rest].join(':');
}

/** Called once at start-up by every entry point (CLI, npm test, test workers). */
export function useSystemPath(): void {
  process.env.PATH = systemPath();
}
