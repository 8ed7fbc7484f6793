/**
 * Collecting issues with a cap per code, so a million-row file full of one mistake reports the first
 * thousand places and a count of the rest instead of a million messages.
 */
import type { CanonicalField, Issue, Severity } from './types.ts';

const PER_CODE_LIMIT = 1000;

export class IssueList {
  readonly items: Issue[] = [];
  private readonly counts = new Map<string, number>();
  private readonly severities = new Map<string, Severity>();
  /** Per severity, every occurrence (listed or cut): one code may come at two severities (pii.detected). */
  private readonly bySeverity: Record<Severity, number> = { error: 0, warning: 0, info: 0 };

  add(
    severity: Severity,
    code: string,
    message: string,
    row: number | null = null,
    column: number | null = null,
    field?: CanonicalField,
  ): void {
    const n = (this.counts.get(code) ?? 0) + 1;
    this.counts.set(code, n);
    this.severities.set(code, severity);
    this.bySeverity[severity]++;
    if (n <= PER_CODE_LIMIT)
      this.items.push(field ? { severity, code, message, row, column, field } : { severity, code, message, row, column });
  }

  /** Takes over another list's issues (another sheet's), each message prefixed (`Sheet "Recettes": `). */
  absorb(other: IssueList, prefix: string): void {
    for (const i of other.items) this.add(i.severity, i.code, `${prefix}${i.message}`, i.row, i.column, i.field);
    for (const [code, n] of other.counts) {
      const listed = Math.min(n, PER_CODE_LIMIT);
      if (n > listed) {
        this.counts.set(code, (this.counts.get(code) ?? 0) + n - listed);
        this.bySeverity[other.severities.get(code) ?? 'info'] += n - listed;
      }
    }
  }

  count(severity: Severity): number {
    return this.bySeverity[severity];
  }

  /** Appends one summary issue per code whose occurrences were cut, and returns the list sorted by row. */
  finish(): Issue[] {
    for (const [code, n] of this.counts) {
      if (n > PER_CODE_LIMIT) {
        this.items.push({
          severity: this.severities.get(code) ?? 'info',
          code,
          message: `…and ${n - PER_CODE_LIMIT} more rows with the same problem (${code}); the first ${PER_CODE_LIMIT} are listed.`,
          row: null,
          column: null,
        });
      }
    }
    const rank: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
    return this.items.sort(
      (a, b) => (a.row ?? 0) - (b.row ?? 0) || rank[a.severity] - rank[b.severity] || (a.column ?? 0) - (b.column ?? 0),
    );
  }
}

export function columnName(col1: number): string {
  let n = col1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

/** "cell C40" for messages. */
export function cellRef(row: number, col1: number): string {
  return `cell ${columnName(col1)}${row}`;
}
