// iptables action fragments (felix/iptables/actions.go text, as the iptables model writes them) to
// Felix's nftables actions (felix/nftables/actions.go at v3.30.7, ToFragment; line numbers are
// that file's).
import type { ActionKind } from '../iptables/index.ts';
import type { Cursor } from './cursor.ts';

export interface ActionOpts {
  /** The nft name of a chain the iptables model jumps to (table_layer.go:56 namespaceName). */
  chain(name: string): string;
  /** v3.29's LogAction printed the bare prefix (`log prefix calico-packet level info`). */
  bareLogPrefix: boolean;
}

export interface NftAction {
  text: string;
  kind: ActionKind;
  target?: string;
}

/** Go's `%#x` of a uint32. */
const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;

/** :335-368 ClearMarkAction (`0/M`), SetMarkAction (`M/M`), SetMaskedMarkAction (`V/M`). nft has
 *  no masked set: Felix writes `mark & ~M ^ V`. A SetMaskedMark whose value equals its mask prints
 *  like a SetMark in iptables; both set the same bits. */
function markAction(c: Cursor): string {
  c.expect('--set-mark');
  const [value, mask] = c.next().split('/');
  const inverse = hex(~Number(mask));
  if (value === '0') return `meta mark set mark & ${inverse}`;
  if (value === mask) return `meta mark set mark or ${mask}`;
  return `meta mark set mark & ${inverse} ^ ${value}`;
}

/** :314 MasqAction: `fully-random` when iptables had --random-fully (the same feature flag). */
function masquerade(c: Cursor): string {
  return c.take('--random-fully') ? 'masquerade fully-random' : 'masquerade';
}

/** :254 LogAction: `log prefix "<prefix>: " level info` (v3.29.6: the bare prefix). */
function log(c: Cursor, opts: ActionOpts): string {
  c.expect('--log-prefix');
  const prefix = c.next();
  c.expect('--log-level');
  c.next();
  return opts.bareLogPrefix
    ? `log prefix ${prefix.replace(/: $/, '')} level info`
    : `log prefix "${prefix}" level info`;
}

const TERMINAL: Record<string, [string, ActionKind]> = {
  ACCEPT: ['accept', 'accept'],
  DROP: ['drop', 'drop'],
  RETURN: ['return', 'return'],
  NOTRACK: ['notrack', 'notrack'],
};

/** Translate the action (`--jump …` / `--goto …`) the cursor is at. */
export function translateAction(c: Cursor, opts: ActionOpts): NftAction {
  if (c.take('--goto')) {
    const target = opts.chain(c.next());
    return { text: `goto ${target}`, kind: 'goto', target };
  }
  c.expect('--jump');
  const what = c.next();
  if (Object.hasOwn(TERMINAL, what)) return { text: TERMINAL[what][0], kind: TERMINAL[what][1] };
  if (what === 'MARK') return { text: markAction(c), kind: 'mark' };
  if (what === 'MASQUERADE') return { text: masquerade(c), kind: 'masquerade' };
  if (what === 'LOG') return { text: log(c, opts), kind: 'log' };
  if (/^[A-Z]+$/.test(what)) c.fail(`unsupported iptables target ${what}`);
  const target = opts.chain(what);
  return { text: `jump ${target}`, kind: 'jump', target };
}
