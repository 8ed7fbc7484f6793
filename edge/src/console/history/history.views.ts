/** Views of the import history: the list with a status filter, and one import with its issues and revert. */
import { columnName } from '@budget-sync/core';
import type { ImportDetail, ImportRecord, ImportStatus } from '@budget-sync/db';
import type { ConsoleContext } from '../context.ts';
import { count, duration, FIELD_LABEL, instant, SET_LABEL, STATUS_LABEL } from '../format.ts';
import { type Html, html } from '../html.ts';
import { csrfField } from '../layout.ts';

export function statusBadge(status: string): Html {
  return html`<span class="badge ${status}">${STATUS_LABEL[status] ?? status}</span>`;
}

const FILTERS: ReadonlyArray<[ImportStatus | '', string]> = [
  ['', 'All'],
  ['succeeded', 'Imported'],
  ['no_changes', 'No changes'],
  ['rejected', 'Refused'],
  ['failed', 'Failed'],
  ['reverted', 'Reverted'],
];

function changes(r: ImportRecord): string {
  const n = r.counts;
  const parts = [
    n.inserted ? `${n.inserted} new` : '',
    n.updated ? `${n.updated} changed` : '',
    n.removed ? `${n.removed} removed` : '',
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : n.unchanged ? `${n.unchanged} unchanged` : '—';
}

function sourceLabel(r: ImportRecord): string {
  return r.sourceId ? `${r.source} source` : r.source;
}

export function historyList(v: {
  imports: readonly ImportRecord[];
  status: ImportStatus | undefined;
  next: string | null;
  paged: boolean;
}): Html {
  return html`<h1>Import history</h1>
<form class="fields card" method="get" action="/history" aria-label="Filter the history">
<div class="field narrow"><label for="status">Status</label>
<select id="status" name="status">${FILTERS.map(
    ([value, label]) => html`<option value="${value}"${(v.status ?? '') === value ? html` selected` : ''}>${label}</option>`,
  )}</select></div>
<div class="field narrow"><button type="submit" class="secondary">Show</button></div>
</form>
${
  v.imports.length === 0
    ? html`<div class="card"><p>No imports${v.status ? ' with this status' : ''} yet. <a href="/upload">Upload a file</a> or drop one into the inbox folder.</p></div>`
    : html`<div class="table-wrap" role="region" aria-labelledby="history-caption" tabindex="0">
<table id="history" class="stack">
<caption id="history-caption" class="vh">Imports, newest first</caption>
<thead><tr><th scope="col">When</th><th scope="col">File</th><th scope="col">Status</th><th scope="col">Changes</th><th scope="col">From</th><th scope="col">Who</th><th scope="col" class="num">Took</th></tr></thead>
<tbody>${v.imports.map(
        (r) => html`<tr data-import="${r.id}">
<td data-label="When">${instant(r.createdAt)}</td>
<th scope="row"><a href="/history/${r.id}">${r.fileName}</a></th>
<td data-label="Status">${statusBadge(r.status)}</td>
<td data-label="Changes">${changes(r)}</td>
<td data-label="From">${sourceLabel(r)}</td>
<td data-label="Who">${r.actor}</td>
<td class="num" data-label="Took">${duration(r.durationMs)}</td>
</tr>`,
      )}</tbody>
</table>
</div>`
}
<div class="actions">
${v.paged ? html`<a class="button secondary" href="/history${v.status ? `?status=${v.status}` : ''}">Newest</a>` : ''}
${v.next ? html`<a class="button secondary" href="/history?${String(new URLSearchParams({ ...(v.status ? { status: v.status } : {}), before: v.next }))}">Older</a>` : ''}
</div>`;
}

function issuesTable(d: ImportDetail): Html {
  if (d.issues.length === 0) return html`<p>No issues were recorded.</p>`;
  const sorted = [...d.issues].sort((a, b) => (a.row ?? 0) - (b.row ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  return html`<div class="table-wrap" role="region" aria-labelledby="detail-issues-caption" tabindex="0">
<table id="issues" class="stack">
<caption id="detail-issues-caption" class="vh">Issues of this import</caption>
<thead><tr><th scope="col">Severity</th><th scope="col" class="num">Row</th><th scope="col">Column</th><th scope="col">Code</th><th scope="col">Message</th></tr></thead>
<tbody>${sorted
    .slice(0, 300)
    .map(
      (i) =>
        html`<tr data-code="${i.code}" data-row="${i.row ?? ''}"><td class="inl"><span class="badge ${i.severity}">${i.severity}</span></td><td class="num inl" data-label="Row">${i.row ?? '—'}</td><td class="inl" data-label="Column">${i.column === null ? '—' : columnName(i.column)}</td><td class="inl"><code>${i.code}</code></td><td>${i.message}</td></tr>`,
    )}</tbody>
</table>
</div>`;
}

export function historyDetail(c: ConsoleContext, d: ImportDetail, options: { canRevert: boolean }): Html {
  const a = d.analysis;
  const n = d.counts;
  return html`<p><a href="/history">← Import history</a></p>
<h1>${d.fileName} ${statusBadge(d.status)}</h1>
${d.reason ? html`<div class="notice ${d.status === 'failed' ? 'error' : 'warn'}" role="status"><p><strong>Why:</strong> ${d.reason}</p></div>` : ''}
<section class="card" aria-labelledby="facts-h">
<h2 id="facts-h">Import</h2>
<dl class="facts">
<dt>When</dt><dd>${instant(d.createdAt)}</dd>
<dt>Who</dt><dd>${d.actor}, from ${d.source}</dd>
<dt>Kind</dt><dd>${d.kind.replaceAll('_', ' ')}${
    d.overrideKindReason
      ? d.status === 'rejected' || d.status === 'failed'
        ? html` — to be imported as a budget because: ${d.overrideKindReason} (the import did not go ahead)`
        : html` — imported as a budget because: ${d.overrideKindReason}`
      : ''
  }</dd>
<dt>Mode</dt><dd>${d.mode}</dd>
${
  Object.keys(d.set).length > 0
    ? html`<dt>Values set</dt><dd id="detail-set">${Object.entries(d.set).map(
        ([field, value], i) => html`${i > 0 ? ', ' : ''}${SET_LABEL[field as keyof typeof SET_LABEL] ?? field}: <strong>${value}</strong>`,
      )}</dd>`
    : ''
}
<dt>Changes</dt><dd id="detail-counts">${count(n.inserted, 'new line')}, ${count(n.updated, 'changed line')}, ${count(n.unchanged, 'unchanged line')}, ${count(n.removed, 'removed line')}</dd>
<dt>Took</dt><dd>${duration(d.durationMs)}</dd>
${a ? html`<dt>Sheet</dt><dd>${a.sheet ?? '—'}${a.headerRow !== null ? `, header on row ${a.headerRow}` : ''} (${a.layout})</dd><dt>Rows</dt><dd>${count(a.stats.rows, 'row')} → ${count(a.stats.lines, 'line')}</dd>` : ''}
<dt>File</dt><dd><span class="mono">sha256 ${d.sha256.slice(0, 16)}…</span>${d.fileKeptUntil ? html`, kept until ${instant(d.fileKeptUntil)}` : ''}</dd>
${d.revertedAt ? html`<dt>Reverted</dt><dd>${instant(d.revertedAt)} by ${d.revertedBy ?? 'someone'}</dd>` : ''}
</dl>
${
  d.status === 'succeeded' && options.canRevert
    ? html`<form method="post" action="/history/${d.id}/revert" class="actions" data-confirm="Revert this import? Its new lines are removed and changed lines get their earlier amounts back.">
${csrfField(c)}<button type="submit" class="danger" id="revert">Revert this import</button>
<span class="hint">Puts the budget back as it was before, unless its lines changed since or hold money that reverting would strand or overspend.</span>
</form>`
    : ''
}
</section>
${
  a && a.mapping.length > 0
    ? html`<section class="card" aria-labelledby="mapping-h"><h2 id="mapping-h">Mapping</h2><ul class="pill-list">${a.mapping
        .filter((m) => m.period === undefined)
        .map((m) => html`<li>${columnName(m.column)} ${m.header} → ${FIELD_LABEL[m.field] ?? m.field}</li>`)}</ul></section>`
    : ''
}
<section class="card" aria-labelledby="issues-h">
<h2 id="issues-h">Issues (${d.issues.length})</h2>
${issuesTable(d)}
</section>`;
}
