/** Aligned plain-text tables for `flowtapd show`. */

export interface Column<R> {
  title: string;
  value(row: R): string;
  /** numbers are right-aligned */
  align?: 'left' | 'right';
}

/** Render rows under a header; every column as wide as its widest cell, two spaces apart. */
export function renderTable<R>(columns: Column<R>[], rows: R[]): string {
  const cells = rows.map((r) => columns.map((c) => c.value(r)));
  const widths = columns.map((c, i) => Math.max(c.title.length, ...cells.map((row) => row[i].length)));
  const line = (vals: string[]): string =>
    vals
      .map((v, i) => (columns[i].align === 'right' ? v.padStart(widths[i]) : i === vals.length - 1 ? v : v.padEnd(widths[i])))
      .join('  ')
      .trimEnd() + '\n';
  return line(columns.map((c) => c.title)) + cells.map(line).join('');
}
