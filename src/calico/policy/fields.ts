// Reading a user's policy object field by field: each check knows the field's path, so an error
// says where it is, what is wrong and how to fix it, e.g.
// "policies.yaml document 2: spec.ingress[0].ports[0].port: 70000 is not a port; write ...".

export class PolicyInputError extends Error {
  constructor(
    /** Where the object came from: "policies.yaml document 2", "topology.yaml policies[3]". */
    readonly source: string,
    /** The field, e.g. "spec.ingress[0].from[1].podSelector.matchLabels"; "" for the object. */
    readonly path: string,
    readonly problem: string,
    readonly fix: string,
    options?: ErrorOptions,
  ) {
    super(`${source}: ${path ? `${path}: ` : ''}${problem}; ${fix}`, options);
    this.name = 'PolicyInputError';
  }
}

export type Obj = Record<string, unknown>;

export const isObject = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A value as the user wrote it, for messages. */
export function shown(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return String(v);
}

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++)
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}

export const join = (path: string, key: string | number): string =>
  typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key;

/** Reads one object; every method takes the path of the value it checks. */
export class Reader {
  constructor(readonly source: string) {}

  fail(path: string, problem: string, fix: string): never {
    throw new PolicyInputError(this.source, path, problem, fix);
  }

  /** A mapping whose keys are all among `known` (for `what`, e.g. "a NetworkPolicyPeer"). */
  object(v: unknown, path: string, what: string, known: readonly string[]): Obj {
    if (!isObject(v))
      this.fail(path, `${shown(v)} is not a mapping`, `write ${what} as a mapping of ${known.join(', ')}`);
    for (const key of Object.keys(v)) {
      if (known.includes(key)) continue;
      const d = (k: string) => distance(k.toLowerCase(), key.toLowerCase());
      const near = known.filter((k) => d(k) <= 2).sort((a, b) => d(a) - d(b))[0];
      const hint = near ? `did you mean ${near}? ` : '';
      this.fail(join(path, key), 'unknown field', `${hint}${what} has the fields ${known.join(', ')}`);
    }
    return v;
  }

  string(v: unknown, path: string, fix: string): string {
    if (typeof v !== 'string') this.fail(path, `${shown(v)} is not a string`, fix);
    return v;
  }

  list(v: unknown, path: string, fix: string): unknown[] {
    if (!Array.isArray(v)) this.fail(path, `${shown(v)} is not a list`, fix);
    return v;
  }

  strings(v: unknown, path: string, fix: string): string[] {
    return this.list(v, path, fix).map((x, i) => this.string(x, join(path, i), fix));
  }

  /** A mapping of strings to strings (labels). */
  stringMap(v: unknown, path: string, fix: string): Record<string, string> {
    if (!isObject(v)) this.fail(path, `${shown(v)} is not a mapping`, fix);
    for (const [k, x] of Object.entries(v)) this.string(x, join(path, k), `${fix} (quote values like "true" or "80")`);
    return v as Record<string, string>;
  }

  number(v: unknown, path: string, fix: string): number {
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(path, `${shown(v)} is not a number`, fix);
    return v;
  }

  integer(v: unknown, path: string, lo: number, hi: number, what: string): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi)
      this.fail(path, `${shown(v)} is not ${what}`, `write a whole number from ${lo} to ${hi}`);
    return v;
  }

  boolean(v: unknown, path: string): boolean {
    if (typeof v !== 'boolean') this.fail(path, `${shown(v)} is not true or false`, 'write true or false');
    return v;
  }
}
