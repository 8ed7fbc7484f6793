/**
 * What `budget-sync import` shows: the diff (what was or would be inserted, updated, removed), the issues
 * that matter with where they are in the spreadsheet, and one closing line saying what happened and,
 * when the import was refused, what to do. The JSON diff comes from core (importDiff), as the API's does.
 */
import type { Analysis, Issue } from '@budget-sync/core';
import type { ImportResult } from '@budget-sync/db';
import { lineLabel, plural, where } from './text.ts';

/** How many lines of each kind the JSON diff lists; the counts give the totals. */
export const JSON_DIFF_LIMIT = 100;
const TEXT_DIFF_LIMIT = 20;
const TEXT_ISSUE_LIMIT = 20;

export interface ImportView {
  file: string;
  orgName: string;
  baseCurrency: string;
  analysis: Analysis;
  result: ImportResult;
  /** What to do to get a refused import in; null when it was not refused. */
  hint: string | null;
  /** The --override-kind reason, if given. */
  overrideKind: string | undefined;
}

export function formatImport(v: ImportView): string {
  const { result: r, analysis: a } = v;
  const out: string[] = [];
  const sheet = a.sheet && a.format !== 'csv' && a.format !== 'tsv' ? ` (sheet "${a.sheet}")` : '';
  out.push(`${v.file}${sheet} → ${v.orgName}, ${r.plan.mode} mode`);
  const p = r.plan;
  const done = r.status === 'succeeded' || r.status === 'no_changes';
  const counts = `${p.inserts.length} to insert, ${p.updates.length} to update, ${p.removes.length} to remove, ${p.unchanged} unchanged`;
  out.push(
    done
      ? `${p.inserts.length} inserted, ${p.updates.length} updated, ${p.removes.length} removed, ${p.unchanged} unchanged.`
      : r.status === 'dry_run'
        ? `Would insert ${p.inserts.length}, update ${p.updates.length}, remove ${p.removes.length}; ${p.unchanged} unchanged.`
        : `Nothing was written (the file had ${counts}).`,
  );

  const money = (amount: string, currency: string) => (currency === v.baseCurrency ? amount : `${amount} ${currency}`);
  // One row per line shown: the label, the amount (before, for an update) and what follows it.
  const changes: { mark: string; label: string; amount: string; after: string }[] = [];
  const section = (mark: string, total: number, lines: { label: string; amount: string; after: string }[]) => {
    for (const l of lines) changes.push({ mark, ...l });
    if (total > lines.length) changes.push({ mark: ' ', label: `… and ${total - lines.length} more`, amount: '', after: '' });
  };
  section(
    '+',
    p.inserts.length,
    p.inserts.slice(0, TEXT_DIFF_LIMIT).map((l) => ({ label: lineLabel(l), amount: money(l.amount, l.currency), after: '' })),
  );
  section(
    '~',
    p.updates.length,
    p.updates.slice(0, TEXT_DIFF_LIMIT).map((u) => {
      const other = u.changes.filter((c) => c !== 'amount' && c !== 'currency');
      return {
        label: lineLabel(u.stored),
        amount: money(u.stored.amount, u.stored.currency),
        after: ` → ${money(u.line.amount, u.line.currency)}${other.length > 0 ? ` (${other.join(', ')} changed)` : ''}`,
      };
    }),
  );
  section(
    '-',
    p.removes.length,
    p.removes.slice(0, TEXT_DIFF_LIMIT).map((s) => ({ label: lineLabel(s), amount: money(s.amount, s.currency), after: '' })),
  );
  if (changes.length > 0) {
    const lines = changes.filter((c) => c.amount !== '');
    const labelWidth = Math.max(0, ...lines.map((c) => c.label.length));
    const amountWidth = Math.max(0, ...lines.map((c) => c.amount.length));
    out.push('');
    for (const c of changes) {
      out.push(c.amount === '' ? `  ${c.label}` : `${c.mark} ${c.label.padEnd(labelWidth)}  ${c.amount.padStart(amountWidth)}${c.after}`);
    }
  }

  // An overridden kind is said once, with its reason, rather than listed as an error.
  const overridden = a.kind.kind !== 'budget' && !!v.overrideKind?.trim();
  const issues = issuesThatMatter(overridden ? r.issues.filter((i) => i.code !== 'kind.mismatch') : r.issues);
  if (overridden)
    out.push('', `This file looks like ${a.kind.kind.replace('_', ' ')}; it is treated as a budget because: ${v.overrideKind?.trim()}`);
  if (issues.text.length > 0) out.push('', 'Issues:', ...issues.text);

  out.push('', closingLine(v));
  return `${out.join('\n')}\n`;
}

/** Errors, then warnings, in row order; informational notes are only counted. */
function issuesThatMatter(all: readonly Issue[]): { text: string[] } {
  const rank = (i: Issue) => (i.severity === 'error' ? 0 : 1);
  const shown = all
    .filter((i) => i.severity !== 'info')
    .sort((x, y) => rank(x) - rank(y) || (x.row ?? 0) - (y.row ?? 0) || (x.column ?? 0) - (y.column ?? 0));
  const text = shown.slice(0, TEXT_ISSUE_LIMIT).map((i) => {
    const at = where(i.row, i.column);
    return `  ${i.severity.toUpperCase()} ${i.code}${at ? ` (${at})` : ''}: ${i.message}`;
  });
  if (shown.length > TEXT_ISSUE_LIMIT) text.push(`  … and ${shown.length - TEXT_ISSUE_LIMIT} more (all of them are in --json output)`);
  const infos = all.length - shown.length;
  if (infos > 0 && text.length > 0) text.push(`  (${plural(infos, 'note')} not shown; see budget-sync analyze)`);
  return { text };
}

function closingLine(v: ImportView): string {
  const r = v.result;
  const c = r.counts;
  switch (r.status) {
    case 'succeeded':
      return (
        `Imported ${v.file} into ${v.orgName}: ${c.inserted} inserted, ${c.updated} updated, ${c.removed} removed, ${c.unchanged} unchanged ` +
        `(import ${r.importId}). To undo it: budget-sync imports revert ${r.importId}`
      );
    case 'no_changes':
      return `Nothing to change: every line of ${v.file} already matches the budget of ${v.orgName} (recorded as import ${r.importId}).`;
    case 'dry_run':
      return r.reason === null
        ? 'Dry run: nothing was written. The import would go ahead; run the same command without --dry-run to import.'
        : `Dry run: nothing was written. The import would be refused: ${r.reason}${v.hint ? `\nTo import it: ${v.hint}` : ''}`;
    case 'rejected':
      return `Not imported (import ${r.importId} records why): ${r.reason}${v.hint ? `\nTo import it: ${v.hint}` : ''}`;
    default:
      return `The import failed and nothing was written (import ${r.importId}): ${r.reason}`;
  }
}

/**
 * What to do about a refused import, following the order in which decideImport refuses: the kind, then
 * errors, then no lines, then unaccepted warnings.
 */
export function whatToDo(analysis: Analysis, issues: readonly Issue[], overrideKind: string | undefined): string {
  const overridden = analysis.kind.kind !== 'budget' && !!overrideKind?.trim();
  if (analysis.kind.kind !== 'budget' && !overridden) {
    return 'if this file really is a budget, rerun the same command with --override-kind "why this file is a budget".';
  }
  const errors = issues.filter((i) => i.severity === 'error' && !(overridden && i.code === 'kind.mismatch'));
  if (errors.some((i) => i.code === 'pii.detected')) {
    return 'remove the columns with personal identifiers from the file, then import it again.';
  }
  // A field missing from the header (no column for it), not from one row's cell: a mapping problem.
  if (errors.some((i) => i.code === 'header.not_found' || (i.code === 'field.missing' && i.column === null))) {
    return 'map the columns yourself with --map "Header=field" (or choose the sheet with --sheet), then import again.';
  }
  if (errors.length > 0) return 'fix the errors above in the spreadsheet, then import it again (budget-sync analyze FILE checks it first).';
  if (analysis.lines.length === 0)
    return 'check what Budget Sync found with budget-sync analyze FILE, and map the columns with --map "Header=field".';
  const unconfirmed = issues.some((i) => i.code === 'mapping.unconfirmed');
  return `review the warnings above; if they are expected, rerun the same command with --accept-warnings${
    unconfirmed ? ' (or confirm the doubtful columns with --map "Header=field")' : ''
  }.`;
}
