// A selector field as Calico's validator checks it (validator.go validateSelector, and the
// global() rules of validateEntityRule and validateNetworkPolicySpec).
import { type Reader, shown } from './fields.ts';
import { parseSelector, SelectorError } from './selector.ts';
import { tokenize } from './selector-tokens.ts';

const SYNTAX = 'write a Calico selector like app == "web" && tier in {"db", "cache"}';

/** global() may appear nowhere ('forbidden') or only alone ('alone', a namespaceSelector). */
export function readSelector(r: Reader, v: unknown, path: string, opts: { global: 'forbidden' | 'alone' }): string {
  const text = r.string(v, path, SYNTAX);
  try {
    parseSelector(text);
  } catch (e) {
    if (!(e instanceof SelectorError)) throw e;
    r.fail(path, `${shown(text)} is not a selector: ${e.message}`, SYNTAX);
  }
  if (opts.global === 'forbidden' && text.includes('global()'))
    r.fail(path, 'global() can only be used in an EntityRule namespaceSelector', 'remove global()');
  if (opts.global === 'alone' && text.includes('global(') && text !== 'global()') {
    const tokens = tokenize(text);
    if (tokens.length > 2 || tokens[0].kind !== 'global')
      r.fail(path, 'global() cannot be combined with other selectors', 'write namespaceSelector: global() on its own');
  }
  return text;
}
