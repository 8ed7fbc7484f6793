/** The analysis for people: kind and why, the mapping with confidences, the first lines, issues by code. */
import type { Analysis, Issue } from '@budget-sync/core';
import { plural, table } from './text.ts';

const MAX_ROWS_LISTED = 12;

function rowsOf(list: Issue[]): string {
  const rows = list.map((i) => i.row).filter((r): r is number => r !== null);
  if (rows.length === 0) return '';
  const shown = rows.slice(0, MAX_ROWS_LISTED).join(', ');
  return rows.length > MAX_ROWS_LISTED
    ? ` (rows ${shown} and ${rows.length - MAX_ROWS_LISTED} more)`
    : ` (row${rows.length > 1 ? 's' : ''} ${shown})`;
}

export function formatAnalysis(a: Analysis): string {
  const out: string[] = [];
  const verdict = a.stats.importable ? 'ready to import' : 'NOT importable';
  out.push(`${a.file}${a.sheet && a.format !== 'csv' && a.format !== 'tsv' ? ` — sheet "${a.sheet}"` : ''}: ${verdict}`);
  out.push('');
  out.push(`Kind: ${a.kind.kind} (confidence ${a.kind.confidence.toFixed(2)})`);
  for (const r of a.kind.reasons) out.push(`  - ${r}`);
  if (a.sheets.length > 1) {
    out.push('Sheets:');
    for (const s of a.sheets) out.push(`  ${s.chosen ? '*' : ' '} ${s.name}: ${s.reason}`);
  }
  if (a.headerRow !== null) {
    out.push(`Header: row ${a.headerRow}. ${a.headerReason}`);
    out.push(`Layout: ${a.layout === 'wide' ? 'wide (one column per period)' : 'long (one row per budget line)'}`);
  }
  if (a.fiscalYear.value !== null) out.push(`Fiscal year: ${a.fiscalYear.value} (from ${a.fiscalYear.source})`);
  out.push(
    `Currency: ${a.currency.value} (${a.currency.source === 'default' ? 'default: the file names none' : `from ${a.currency.source}`})`,
  );
  for (const n of a.notes) out.push(`Note: ${n}`);

  const dims = a.mapping.filter((m) => m.method !== 'period_header' || m.field !== 'period');
  const periods = a.mapping.filter((m) => m.method === 'period_header' && m.field === 'period');
  if (dims.length > 0 || periods.length > 0) {
    out.push('', 'Mapping:');
    const rows = [['column', 'header', 'field', 'confidence', 'why']];
    for (const m of dims)
      rows.push([String(m.column), m.header, m.field, `${m.confidence.toFixed(2)}${m.needsConfirmation ? ' (confirm)' : ''}`, m.reason]);
    if (periods.length > 0) {
      const first = periods[0];
      const last = periods[periods.length - 1];
      rows.push([
        `${first?.column}-${last?.column}`,
        `${first?.header} … ${last?.header}`,
        'period',
        '0.95',
        `${periods.length} period columns`,
      ]);
    }
    out.push(table(rows));
  }
  if (a.ignoredColumns.length > 0) {
    out.push('Not imported:');
    for (const c of a.ignoredColumns) out.push(`  column ${c.column} "${c.header}": ${c.reason}`);
  }

  if (a.lines.length > 0) {
    out.push('', `Lines (first ${Math.min(10, a.lines.length)} of ${a.stats.lines}):`);
    const rows = [['row', 'department', 'category', 'project', 'period', 'amount', 'currency']];
    for (const l of a.lines.slice(0, 10))
      rows.push([String(l.sourceRow), l.department, l.category, l.project ?? '', l.period, l.amount, l.currency]);
    out.push(table(rows));
  }

  const byCode = new Map<string, Issue[]>();
  for (const i of a.issues) byCode.set(i.code, [...(byCode.get(i.code) ?? []), i]);
  if (byCode.size > 0) {
    out.push('', 'Issues:');
    for (const [code, list] of byCode) {
      const first = list[0] as Issue;
      out.push(`  ${first.severity.toUpperCase()} ${code} ×${list.length}${rowsOf(list)}`);
      for (const i of list.slice(0, 3)) out.push(`    ${i.message}`);
      if (list.length > 3) out.push(`    …`);
    }
  }
  out.push(
    '',
    `${plural(a.stats.rows, 'row')}, ${plural(a.stats.lines, 'line')}, total ${a.stats.total} ${a.currency.value}; ${plural(a.stats.errors, 'error')}, ${plural(a.stats.warnings, 'warning')}.`,
  );
  if (!a.stats.importable) {
    out.push(
      a.kind.kind !== 'budget'
        ? 'Not imported: this is not a budget file.'
        : 'Fix the errors above in the spreadsheet, then analyze again.',
    );
  }
  return `${out.join('\n')}\n`;
}
