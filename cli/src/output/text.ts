/** Small text helpers shared by the human outputs: aligned tables, spreadsheet column letters, line labels, plurals. */
import { columnName, type Direction, describeLine } from '@budget-sync/core';

/** Rows of cells as aligned columns, indented by two spaces; the first row is usually the heading. */
export function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const r of rows) {
    r.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, c.length);
    });
  }
  return rows
    .map(
      (r) =>
        `  ${r
          .map((c, i) => c.padEnd(widths[i] ?? 0))
          .join('  ')
          .trimEnd()}`,
    )
    .join('\n');
}

/** "row 7, column D", "row 7", "column D" or "" for where an issue is. */
export function where(row: number | null, column: number | null): string {
  const parts: string[] = [];
  if (row !== null) parts.push(`row ${row}`);
  if (column !== null) parts.push(`column ${columnName(column)}`);
  return parts.join(', ');
}

/**
 * "Marketing / Travel / 2026-01", with the project and further dimensions when there are any
 * (core's describeLine), and "(revenue)" for a revenue line.
 */
export function lineLabel(l: Parameters<typeof describeLine>[0] & { direction?: Direction }): string {
  return `${describeLine(l)}${l.direction === 'revenue' ? ' (revenue)' : ''}`;
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}
