// Options and argument parsers several commands share, declared once so that every command reads
// and checks them alike (and a wrong value is a usage error, exit 2, before anything runs).
import { Argument, InvalidArgumentError, Option } from '@commander-js/extra-typings';

/** `-l, --lab <name>`: which running lab a command acts on. A new Option per command, as commander expects. */
export const labOption = () => new Option('-l, --lab <name>', 'lab name (default: the only running lab)');

/** `-o, --output <format>` limited to the formats this command prints. */
export const outputOption = <const F extends readonly string[]>(formats: F, description: string) =>
  new Option('-o, --output <format>', description).choices(formats);

/** An argParser for a number > 0; `whole` also refuses fractions (counts, MiB), seconds may be fractional. */
export function positive(whole: boolean): (value: string) => number {
  return (value) => {
    const n = Number(value);
    const ok = value.trim() !== '' && Number.isFinite(n) && n > 0 && (!whole || Number.isInteger(n));
    if (!ok) throw new InvalidArgumentError(whole ? 'expected a whole number above 0.' : 'expected a number above 0.');
    return n;
  };
}

/**
 * An argument with a closed set of values that also takes aliases in any case, as calicoctl takes
 * `IPPool`, `ippools` or `wep` for its kinds. The choices are listed in --help; the parser hands the
 * command the canonical name, so the command never sees an alias.
 */
export function aliasedChoice<const U extends string, const K extends string>(
  usage: U,
  description: string,
  aliases: Record<string, K>,
) {
  const kinds = [...new Set(Object.values(aliases))];
  // choices() only for the help line: argParser() replaces its check with ours, which knows the aliases.
  return new Argument(usage, description).choices(kinds).argParser((value: string): K => {
    const k = aliases[value.toLowerCase()];
    if (!k) throw new InvalidArgumentError(`Allowed choices are ${kinds.join(', ')}.`);
    return k;
  });
}
