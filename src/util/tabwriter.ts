// Go's text/tabwriter (src/text/tabwriter/tabwriter.go) with a space pad character and no flags:
// the elastic-tabstop algorithm kubectl (k8s.io/cli-runtime/pkg/printers/tabwriter.go:25-36, via
// github.com/liggitt/tabwriter, the same algorithm) and calicoctl (commands/common/printer.go:133)
// print their tables with. A cell is text terminated by a tab; the text after a line's last tab
// is not part of any column and is written unpadded. A column block is a run of consecutive lines
// that have a cell in that column; every cell of the block is padded to max(minwidth, widest cell
// + padding). Widths count code points (utf8.RuneCountInString).

export interface TabwriterOptions {
  minwidth: number;
  padding: number;
}

const width = (s: string) => [...s].length;

/** Formats `text` (cells separated by \t, lines by \n) as tabwriter.Writer followed by Flush does. */
export function tabwrite(text: string, o: TabwriterOptions): string {
  const lines = text.split('\n').map((l) => l.split('\t'));
  const widths: number[] = [];
  const out: string[] = [];
  const writeLines = (line0: number, line1: number) => {
    for (let i = line0; i < line1; i++) {
      const cells = lines[i];
      out.push(cells.map((c, j) => (j < widths.length ? c + ' '.repeat(widths[j] - width(c)) : c)).join(''));
    }
  };
  // tabwriter.go, (*Writer).format: recursive over columns, left to right.
  const format = (line0: number, line1: number) => {
    const column = widths.length;
    for (let cur = line0; cur < line1; cur++) {
      if (column >= lines[cur].length - 1) continue;
      writeLines(line0, cur);
      line0 = cur;
      let w = o.minwidth;
      for (; cur < line1 && column < lines[cur].length - 1; cur++)
        w = Math.max(w, width(lines[cur][column]) + o.padding);
      widths.push(w);
      format(line0, cur);
      widths.pop();
      line0 = cur;
    }
    writeLines(line0, line1);
  };
  format(0, lines.length);
  return out.join('\n');
}

/** Rows as tab-separated lines. `terminated`: every cell ends in a tab, the last one included, so
 *  the last column is padded too (calicoctl's templates); otherwise the last cell is not (kubectl). */
export function tabwriteRows(rows: string[][], o: TabwriterOptions & { terminated: boolean }): string {
  return tabwrite(rows.map((r) => r.join('\t') + (o.terminated ? '\t' : '')).join('\n') + '\n', o);
}
