/**
 * Core's analysis and the API's answers as the sidebar shows them: small, plain, capped. A 50,000-row
 * sheet may carry thousands of issues; the sidebar gets the first ones and the counts.
 */
import { type Analysis, columnName, type Issue, KIND_LABEL } from '@budget-sync/core';
import type { ColumnView, Field, FileKindName, IssueCounts, IssueView, KindView, MappingOverrides } from '../shared/contract.ts';
import { overrideFor } from './overrides.ts';

export const ISSUES_SHOWN = 200;

export function issueWhere(row: number | null, column: number | null): string | null {
  if (row === null) return null;
  return column === null ? `row ${row}` : `${columnName(column)}${row}`;
}

export function issueViews(issues: readonly Issue[]): { issues: IssueView[]; issueCounts: IssueCounts; issuesTruncated: boolean } {
  const issueCounts: IssueCounts = { error: 0, warning: 0, info: 0 };
  for (const i of issues) issueCounts[i.severity] += 1;
  // Errors first, then warnings: what blocks the import is what the user must see without scrolling.
  const rank = { error: 0, warning: 1, info: 2 } as const;
  const ordered = issues
    .map((issue, index) => ({ issue, index }))
    .sort((a, b) => rank[a.issue.severity] - rank[b.issue.severity] || a.index - b.index)
    .slice(0, ISSUES_SHOWN)
    .map(({ issue }) => ({
      severity: issue.severity,
      code: issue.code,
      message: issue.message,
      row: issue.row,
      column: issue.column,
      where: issueWhere(issue.row, issue.column),
    }));
  return { issues: ordered, issueCounts, issuesTruncated: issues.length > ordered.length };
}

export function kindView(kind: Analysis['kind']): KindView {
  return { kind: kind.kind as FileKindName, label: KIND_LABEL[kind.kind], confidence: kind.confidence, reasons: kind.reasons };
}

/** Every column of the header, mapped or ignored, in sheet order. */
export function columnViews(analysis: Analysis, overrides: MappingOverrides): ColumnView[] {
  const columns: ColumnView[] = [];
  for (const m of analysis.mapping) {
    columns.push({
      column: m.column,
      letter: columnName(m.column),
      header: m.header,
      field: m.field as Field,
      confidence: m.confidence,
      method: m.method,
      reason: m.reason,
      needsConfirmation: m.needsConfirmation,
      period: m.period ?? null,
      overridden: m.method === 'override',
    });
  }
  for (const c of analysis.ignoredColumns) {
    columns.push({
      column: c.column,
      letter: columnName(c.column),
      header: c.header,
      field: null,
      confidence: null,
      method: null,
      reason: c.reason,
      needsConfirmation: false,
      period: null,
      overridden: overrideFor(overrides, c.header) === null,
    });
  }
  return columns.sort((a, b) => a.column - b.column);
}
