// A cursor over the words of one rule of the iptables model (its `body`: comments, matches,
// action), for translating it fragment by fragment. Quoted words ("calico-packet: ") are one token.

export function tokenize(text: string): string[] {
  return [...text.matchAll(/"([^"]*)"|(\S+)/g)].map((x) => x[1] ?? x[2]);
}

export class Cursor {
  private i = 0;
  private readonly tokens: string[];

  constructor(readonly source: string) {
    this.tokens = tokenize(source);
  }

  done(): boolean {
    return this.i >= this.tokens.length;
  }

  peek(): string | undefined {
    return this.tokens[this.i];
  }

  next(): string {
    if (this.done()) this.fail('unexpected end');
    return this.tokens[this.i++];
  }

  /** Consume `word` if it comes next. */
  take(word: string): boolean {
    if (this.peek() !== word) return false;
    this.i++;
    return true;
  }

  expect(word: string): void {
    if (!this.take(word)) this.fail(`expected ${word}`);
  }

  /** The entry of `table` named by the next word (own keys only: no `toString` from a rule). */
  pick<T>(table: Record<string, T>, what: string): T {
    const word = this.next();
    return Object.hasOwn(table, word) ? table[word] : this.fail(`unknown ${what} ${word}`);
  }

  fail(why: string): never {
    throw new Error(`nft translation: ${why} at word ${this.i + 1} of "${this.source}"`);
  }
}
