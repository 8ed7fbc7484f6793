/** The import history for people: `imports list` as a table, `imports show` as one record with its issues. */
import type { ImportDetail, ImportRecord } from '@budget-sync/db';
import { plural, table, where } from './text.ts';

const ISSUES_SHOWN = 20;

const when = (iso: string) => iso.slice(0, 19).replace('T', ' ');

export function formatImportList(orgName: string, imports: readonly ImportRecord[]): string {
  if (imports.length === 0) return `${orgName} has no imports yet. Import a file with: budget-sync import FILE --org ID\n`;
  const rows = [['when (UTC)', 'id', 'status', 'file', 'by', 'ins', 'upd', 'rem', 'same']];
  for (const i of imports) {
    rows.push([
      when(i.createdAt),
      i.id,
      i.status,
      i.fileName,
      i.actor,
      String(i.counts.inserted),
      String(i.counts.updated),
      String(i.counts.removed),
      String(i.counts.unchanged),
    ]);
  }
  return `Imports of ${orgName}, newest first:\n${table(rows)}\n`;
}

export function formatImportDetail(d: ImportDetail): string {
  const out: string[] = [`Import ${d.id}`];
  const rows: string[][] = [];
  const reverted = d.revertedAt ? ` (reverted ${when(d.revertedAt)} UTC by ${d.revertedBy ?? 'unknown'})` : '';
  rows.push(['Status:', `${d.status}${reverted}`]);
  rows.push(['By:', `${d.actor} via ${d.source}`]);
  rows.push(['When:', `${when(d.createdAt)} UTC, took ${d.durationMs} ms`]);
  rows.push([
    'File:',
    `${d.fileName} (sha256 ${d.sha256.slice(0, 16)}…), ${d.kind}${d.overrideKindReason ? `, imported as a budget because: ${d.overrideKindReason}` : ''}`,
  ]);
  rows.push(['Mode:', d.mode]);
  const set = Object.entries(d.set);
  if (set.length > 0) rows.push(['Set:', set.map(([field, value]) => `${field}=${value}`).join(', ')]);
  rows.push([
    'Counts:',
    `${d.counts.inserted} inserted, ${d.counts.updated} updated, ${d.counts.removed} removed, ${d.counts.unchanged} unchanged`,
  ]);
  if (d.reason) rows.push(['Reason:', d.reason]);
  rows.push([
    'Original:',
    d.fileKeptUntil
      ? `kept until ${when(d.fileKeptUntil)} UTC; download it with: budget-sync imports download ${d.id} --out FILE`
      : 'not kept (its retention period ended, or it held personal identifiers and was never stored)',
  ]);
  out.push(table(rows));
  const shown = d.issues.filter((i) => i.severity !== 'info');
  if (shown.length > 0) {
    out.push('', 'Issues:');
    for (const i of shown.slice(0, ISSUES_SHOWN)) {
      const at = where(i.row, i.column);
      out.push(`  ${i.severity.toUpperCase()} ${i.code}${at ? ` (${at})` : ''}: ${i.message}`);
    }
    if (shown.length > ISSUES_SHOWN) out.push(`  … and ${shown.length - ISSUES_SHOWN} more (all of them are in --json output)`);
  }
  const infos = d.issues.length - shown.length;
  if (infos > 0) out.push('', `${plural(infos, 'informational note')} (see --json).`);
  return `${out.join('\n')}\n`;
}
