/**
 * Views of the upload flow: the upload form (drop zone + file field), and the review of an analysed
 * file — what kind it is, the values it lacks (a department, a category, the first year: proposed, given or
 * missing, each an input with its warning), how its columns were mapped (with a select per column to
 * override), its issues at their rows and columns, the diff against the stored budget — and the form that
 * confirms the import.
 */
import {
  columnName,
  type Issue,
  KIND_LABEL,
  type MappingChoice,
  type MappingEntry,
  type ReviewField,
  reviewFields,
  SET_NAME_MAX,
  SETTABLE_FIELDS,
  type SettableField,
  type SetValues,
} from '@budget-sync/core';
// The fields a column can be mapped to: db's list, the one `--map` and remembered mappings use.
import { FIELDS } from '@budget-sync/db';
import type { SpreadsheetPreview } from '../../routes/excel/excel.workflow.ts';
import type { ConsoleContext } from '../context.ts';
import { count, FIELD_LABEL, money, SET_LABEL } from '../format.ts';
import { type Html, html } from '../html.ts';
import { csrfField } from '../layout.ts';

/** A column's choice in the review form: '' keeps what the analysis decided, 'ignore' drops the column. */
export type ColumnChoice = MappingChoice | 'ignore' | '';

/**
 * Form fields of the values the file lacks (`set.department`…), of the values the preview was made with
 * (`reviewed.set.…`), and of the defaults a field shows without their being given (`assumed.set.…`: the
 * currency's and the direction's, not sent as values set unless changed).
 */
export const SET_PREFIX = 'set.';
export const REVIEWED_PREFIX = 'reviewed.set.';
export const ASSUMED_PREFIX = 'assumed.set.';

/** The values typed into the review (blank: not given), those accepted, and why the others were refused. */
export interface GivenValues {
  typed: Partial<Record<SettableField, string>>;
  set: SetValues;
  errors: Partial<Record<SettableField, string>>;
}

export interface UploadedFile {
  name: string;
  /** The file's bytes, base64: the review form carries them to the confirmation (nothing is kept on the server). */
  base64: string;
  sheet: string | undefined;
}

const ACCEPT = '.xlsx,.xlsm,.xls,.csv,.tsv,.txt';

export function uploadForm(c: ConsoleContext, options: { canImport: boolean }): Html {
  return html`<h1>Upload a budget</h1>
<p class="lead">Budget Sync reads Excel and CSV files as finance teams make them — title rows, month columns, subtotals and all —
shows you what it understood and what would change, and imports only when you confirm.</p>
${options.canImport ? '' : html`<div class="notice info" role="status"><p>Your API key can analyse files but not import them (it lacks the scope imports:write).</p></div>`}
<form class="card" method="post" action="/upload" enctype="multipart/form-data" data-busy="Analyzing…">
${csrfField(c)}
<label class="drop" data-drop for="file">
<strong>Drop an Excel or CSV file here</strong>
<span class="hint">or choose one: .xlsx, .xlsm, .xls, .csv, .tsv</span><br>
<input id="file" name="file" type="file" accept="${ACCEPT}" required aria-describedby="file-hint">
<span class="chosen" aria-live="polite"></span>
</label>
<p id="file-hint" class="hint">Nothing is imported yet: you will see the analysis and the changes first.</p>
<details>
<summary>Options</summary>
<div class="field">
<label for="sheet">Sheet <span class="hint">(optional: by default Budget Sync picks the sheet that holds the budget)</span></label>
<input id="sheet" name="sheet" type="text" autocomplete="off">
</div>
</details>
<div class="actions"><button type="submit">Analyze</button></div>
</form>
<p class="muted">Files can also arrive on their own: <a href="/sources">sources</a> such as the inbox folder are synced automatically.</p>`;
}

function severityBadge(s: Issue['severity']): Html {
  return html`<span class="badge ${s}">${s === 'error' ? 'Error' : s === 'warning' ? 'Warning' : 'Info'}</span>`;
}

function issuesTable(issues: readonly Issue[]): Html {
  if (issues.length === 0) return html`<p>No issues: every row was read cleanly.</p>`;
  const rank = { error: 0, warning: 1, info: 2 } as const;
  const sorted = [...issues].sort(
    (a, b) => (a.row ?? 0) - (b.row ?? 0) || (a.column ?? 0) - (b.column ?? 0) || rank[a.severity] - rank[b.severity],
  );
  const shown = sorted.slice(0, 300);
  return html`<div class="table-wrap" role="region" aria-labelledby="issues-caption" tabindex="0">
<table id="issues" class="stack">
<caption id="issues-caption">Issues by row (${count(issues.length, 'issue')})</caption>
<thead><tr><th scope="col">Severity</th><th scope="col" class="num">Row</th><th scope="col">Column</th><th scope="col">Code</th><th scope="col">What Budget Sync found</th></tr></thead>
<tbody>${shown.map(
    (i) => html`<tr data-code="${i.code}" data-row="${i.row ?? ''}">
<td class="inl">${severityBadge(i.severity)}</td>
<td class="num inl" data-label="Row">${i.row ?? '—'}</td>
<td class="inl" data-label="Column">${i.column === null ? '—' : html`${columnName(i.column)} <span class="muted">(${i.column})</span>`}</td>
<td class="inl"><code>${i.code}</code></td>
<td>${i.message}</td>
</tr>`,
  )}</tbody>
</table>
</div>
${sorted.length > shown.length ? html`<p class="muted">The first ${shown.length} of ${sorted.length} issues are shown.</p>` : ''}`;
}

function choiceSelect(id: string, current: ColumnChoice, keepLabel: string, label: string): Html {
  const option = (value: string, text: string) =>
    html`<option value="${value}"${current === value ? html` selected` : ''}>${text}</option>`;
  return html`<label class="vh" for="${id}">${label}</label>
<select id="${id}" name="${id}">
${option('', keepLabel)}
${FIELDS.map((f) => option(f, FIELD_LABEL[f] ?? f))}
${option('ignore', 'Ignore this column')}
</select>`;
}

interface MappingRow {
  column: number;
  header: string;
  detected: string;
  how: string;
  needsConfirmation: boolean;
}

function mappingRows(p: SpreadsheetPreview): { rows: MappingRow[]; periodColumns: MappingEntry[] } {
  const rows: MappingRow[] = [];
  const periodColumns: MappingEntry[] = [];
  for (const m of p.analysis.mapping) {
    if (m.period !== undefined) {
      periodColumns.push(m);
      continue;
    }
    rows.push({
      column: m.column,
      header: m.header,
      detected:
        m.field === 'dimension' && m.dimension !== undefined
          ? `Dimension “${m.dimension}”${m.role === 'code' ? ', its codes' : ''}`
          : `${FIELD_LABEL[m.field] ?? m.field}${m.role === 'code' ? ', its codes' : ''}`,
      how: `${Math.round(m.confidence * 100)}% · ${m.reason}`,
      needsConfirmation: m.needsConfirmation,
    });
  }
  for (const col of p.analysis.ignoredColumns) {
    rows.push({ column: col.column, header: col.header, detected: 'Ignored', how: col.reason, needsConfirmation: false });
  }
  rows.sort((a, b) => a.column - b.column);
  return { rows, periodColumns };
}

function mappingTable(p: SpreadsheetPreview, choices: ReadonlyMap<number, ColumnChoice>): Html {
  const { rows, periodColumns } = mappingRows(p);
  if (rows.length === 0 && periodColumns.length === 0) return html`<p>No header row was found, so no columns could be mapped.</p>`;
  return html`<div class="table-wrap" role="region" aria-labelledby="mapping-caption" tabindex="0" data-mapping>
<table id="mapping" class="stack">
<caption id="mapping-caption" class="vh">Columns and what they hold</caption>
<thead><tr><th scope="col">Column</th><th scope="col">Header</th><th scope="col">Read as</th><th scope="col">Why</th><th scope="col">Use as</th></tr></thead>
<tbody>${rows.map((r) => {
    const id = `map.${r.column}`;
    const letter = columnName(r.column);
    return html`<tr data-column="${r.column}">
<td data-label="Column">${letter}</td>
<th scope="row">${r.header || html`<span class="muted">(no header)</span>`}<input type="hidden" name="header.${r.column}" value="${r.header}"></th>
<td data-label="Read as">${r.detected}${r.needsConfirmation ? html` <span class="badge warning">Check</span>` : ''}</td>
<td class="hint" data-label="Why">${r.how}</td>
<td data-label="Use as" class="wide">${choiceSelect(id, choices.get(r.column) ?? '', `Keep: ${r.detected}`, `Use column ${letter} (${r.header || 'no header'}) as`)}</td>
</tr>`;
  })}</tbody>
</table>
</div>
${
  periodColumns.length > 0
    ? html`<p><strong>Period columns</strong> (one budget line per cell):</p><ul class="pill-list">${periodColumns.map(
        (m) => html`<li>${columnName(m.column)} ${m.header} → ${m.period}</li>`,
      )}</ul>`
    : ''
}`;
}

type DiffLine = { department: string; category: string; project: string | null; period: string };

function diffTable<T extends DiffLine>(
  id: string,
  title: string,
  total: number,
  lines: readonly T[],
  columns: ReadonlyArray<{ head: string; cell: (l: T) => Html | string; num?: boolean }>,
): Html {
  if (total === 0) return html``;
  return html`<details${total <= 12 ? html` open` : ''}>
<summary>${title} (${total.toLocaleString('en-US')})</summary>
<div class="table-wrap" role="region" aria-label="${title}" tabindex="0">
<table id="${id}">
<thead><tr><th scope="col">Department</th><th scope="col">Category</th><th scope="col">Project</th><th scope="col">Period</th>${columns.map(
    (c) => html`<th scope="col"${c.num ? html` class="num"` : ''}>${c.head}</th>`,
  )}</tr></thead>
<tbody>${lines.map(
    (l) =>
      html`<tr><td>${l.department}</td><td>${l.category}</td><td>${l.project ?? ''}</td><td class="nowrap">${l.period}</td>${columns.map(
        (c) => html`<td${c.num ? html` class="num"` : ''}>${c.cell(l)}</td>`,
      )}</tr>`,
  )}</tbody>
</table>
</div>
${total > lines.length ? html`<p class="muted">The first ${lines.length} are listed.</p>` : ''}
</details>`;
}

function diffSection(p: SpreadsheetPreview): Html {
  const d = p.diff;
  const n = d.counts;
  return html`<div class="grid" id="diff-counts">
<div class="figure"><div class="label">New lines</div><div class="value">${n.inserted.toLocaleString('en-US')}</div></div>
<div class="figure"><div class="label">Changed lines</div><div class="value">${n.updated.toLocaleString('en-US')}</div></div>
<div class="figure"><div class="label">Unchanged</div><div class="value">${n.unchanged.toLocaleString('en-US')}</div></div>
<div class="figure"><div class="label">Removed <span class="hint">(replace mode)</span></div><div class="value">${n.removed.toLocaleString('en-US')}</div></div>
</div>
${diffTable('diff-inserted', 'New lines', n.inserted, d.inserted, [
  { head: 'Amount', cell: (l) => `${money(l.amount)} ${l.currency}`, num: true },
  { head: 'Row', cell: (l) => String(l.row), num: true },
])}
${diffTable('diff-updated', 'Changed lines', n.updated, d.updated, [
  { head: 'Before', cell: (l) => `${money(l.amountBefore)} ${l.currencyBefore}`, num: true },
  { head: 'After', cell: (l) => `${money(l.amountAfter)} ${l.currencyAfter}`, num: true },
  { head: 'Row', cell: (l) => String(l.row), num: true },
])}
${diffTable('diff-removed', 'Lines the file no longer has', n.removed, d.removed, [
  { head: 'Amount', cell: (l) => `${money(l.amount)} ${l.currency}`, num: true },
])}`;
}

const VALUE_HINT: Record<SettableField, string> = {
  department: 'the department of every line',
  category: 'the category of every line',
  fiscal_year: 'such as 2026 or FY2026',
  currency: 'a three-letter code such as EUR',
  direction: 'of every line',
};

/**
 * The values the file lacks, one input each (core's reviewFields: the department, category or first year
 * it proposed, was given, or misses; the currency and direction when nothing in the file says them), with
 * the warning, error or note that says why, tied to the input.
 */
function valuesSection(p: SpreadsheetPreview, given: GivenValues): Html {
  const fields: ReviewField[] = reviewFields(p.analysis);
  // A refused value keeps its field, whatever the analysis without it asks.
  for (const field of SETTABLE_FIELDS) {
    if (given.errors[field] !== undefined && !fields.some((f) => f.field === field))
      fields.push({ field, value: '', issue: null, note: null, assumed: false });
  }
  fields.sort((a, b) => SETTABLE_FIELDS.indexOf(a.field) - SETTABLE_FIELDS.indexOf(b.field));
  if (fields.length === 0) return html``;
  return html`<section class="card" aria-labelledby="values-h" data-stale-scope>
<h2 id="values-h">Values the file does not give</h2>
<p class="hint">They apply to every line; those you give are recorded with the import. Change one, then update the preview.</p>
<div class="fields values">${fields.map((f) => valueField(f, given))}</div>
<div class="actions">
<button type="submit" class="secondary" formaction="/upload" formnovalidate name="action" value="preview" data-refresh>Update preview</button>
<span class="hint" data-stale-note hidden>A value changed: update the preview to see its effect.</span>
</div>
</section>`;
}

function valueField(f: ReviewField, given: GivenValues): Html {
  const id = `set-${f.field}`;
  const error = given.errors[f.field];
  // A refused value is shown as typed, to be corrected; otherwise what the analysis used (given, proposed or the default).
  const value = error !== undefined ? (given.typed[f.field] ?? '') : f.value;
  const noteId = f.issue || f.note ? `${id}-note` : `${id}-hint`;
  const described = [error !== undefined ? `${id}-error` : '', noteId].filter(Boolean).join(' ');
  const note = f.issue
    ? html`<p id="${noteId}" class="hint">${severityBadge(f.issue.severity)} ${f.issue.message}</p>`
    : html`<p id="${noteId}" class="hint">${f.note ?? 'The value you gave.'}</p>`;
  const invalid = error !== undefined ? html` aria-invalid="true"` : '';
  const label = html`<label for="${id}">${SET_LABEL[f.field]} <span class="hint">(${VALUE_HINT[f.field]})</span></label>`;
  const control =
    f.field === 'direction'
      ? html`<select id="${id}" name="${SET_PREFIX}${f.field}" aria-describedby="${described}"${invalid}>
${
  // A direction given can be taken back: the default (or what the file says) applies again.
  f.assumed ? '' : html`<option value=""${value === '' ? html` selected` : ''}>Not set: the default, or what the file says</option>`
}
${(['expense', 'revenue'] as const).map((d) => html`<option value="${d}"${value === d ? html` selected` : ''}>${d === 'expense' ? 'Expense' : 'Revenue'}</option>`)}
</select>`
      : html`<input id="${id}" name="${SET_PREFIX}${f.field}" type="text" value="${value}" maxlength="${
          f.field === 'fiscal_year' ? 6 : f.field === 'currency' ? 12 : SET_NAME_MAX
        }" autocomplete="off"${f.field === 'fiscal_year' || f.field === 'currency' ? html` spellcheck="false"` : ''}${
          f.field === 'currency' ? html` autocapitalize="characters" size="6"` : ''
        } aria-describedby="${described}"${invalid}>`;
  // What the preview was made with: nothing given for a default shown (its own field says which it is).
  return html`<div class="field" data-set-field="${f.field}">
${label}
${control}
<input type="hidden" name="${REVIEWED_PREFIX}${f.field}" value="${f.assumed ? '' : value}">
${f.assumed ? html`<input type="hidden" name="${ASSUMED_PREFIX}${f.field}" value="${f.value}">` : ''}
${error !== undefined ? html`<p id="${id}-error" class="field-error">${SET_LABEL[f.field]} ${error}.</p>` : ''}
${note}
</div>`;
}

export interface ReviewInput {
  file: UploadedFile;
  preview: SpreadsheetPreview;
  choices: ReadonlyMap<number, ColumnChoice>;
  given: GivenValues;
  canImport: boolean;
  /** The confirmation's choices, kept when the page is shown again. */
  mode: 'merge' | 'replace';
  overrideReason: string;
}

export function reviewPage(c: ConsoleContext, r: ReviewInput): Html {
  const p = r.preview;
  const a = p.analysis;
  const errors = p.issues.filter((i) => i.severity === 'error' && i.code !== 'kind.mismatch');
  const warnings = p.issues.filter((i) => i.severity === 'warning');
  const notBudget = a.kind.kind !== 'budget';
  const blocked = errors.length > 0;
  // Errors the review's own fields can mend (a department, category or year the file does not give).
  const mendable =
    blocked &&
    errors.every((e) => e.code === 'field.missing' && ['department', 'category', 'fiscal_year', 'period'].includes(e.field ?? ''));
  const refused = SETTABLE_FIELDS.filter((f) => r.given.errors[f] !== undefined);
  const verdict =
    refused.length > 0
      ? // An error summary: each refused value, linking to its field.
        html`<div class="notice error" role="alert" id="values-errors"><p><strong>Correct ${refused.length === 1 ? 'this value' : 'these values'} first:</strong> ${refused.map(
          (f, i) => html`${i > 0 ? '; ' : ''}<a href="#set-${f}">${SET_LABEL[f]}</a> ${r.given.errors[f] ?? ''}`,
        )}.</p></div>`
      : blocked
        ? mendable
          ? html`<div class="notice error" role="alert"><p><strong>This file cannot be imported yet:</strong> it does not give ${count(errors.length, 'value')} every line needs. Give ${errors.length === 1 ? 'it' : 'them'} under “Values the file does not give” and update the preview, or fix the file and upload it again.</p></div>`
          : html`<div class="notice error" role="alert"><p><strong>This file cannot be imported yet:</strong> ${count(errors.length, 'error')} must be fixed in the file (see the rows below), then upload it again.</p></div>`
        : notBudget
          ? html`<div class="notice warn" role="status"><p><strong>This looks like ${KIND_LABEL[a.kind.kind]}, not a budget.</strong> It is refused unless you say why it should be imported as a budget.</p></div>`
          : warnings.length > 0
            ? html`<div class="notice warn" role="status"><p><strong>Ready to import once you accept ${count(warnings.length, 'warning')}.</strong></p></div>`
            : html`<div class="notice success" role="status"><p><strong>Ready to import.</strong> ${count(a.stats.lines, 'budget line')} read, no problems found.</p></div>`;
  return html`<h1>Review: ${r.file.name}</h1>
${verdict}
<section class="card" aria-labelledby="what">
<h2 id="what">What Budget Sync understood</h2>
<dl class="facts">
<dt>Kind</dt><dd><span class="badge ${notBudget ? 'warning' : 'succeeded'}" id="kind">${a.kind.kind.replace('_', ' ')}</span> <span class="muted">${Math.round(a.kind.confidence * 100)}% — ${a.kind.reasons.slice(1, 3).join('; ')}</span></dd>
<dt>Sheet</dt><dd>${a.sheet ?? '—'}${a.headerRow !== null ? html`, header on row ${a.headerRow}` : ''}, ${a.layout === 'wide' ? 'one column per period' : 'one row per line'}</dd>
${a.department ? html`<dt>Department</dt><dd>${a.department.value} <span class="muted">(every line; ${a.department.source})</span></dd>` : ''}
${a.category ? html`<dt>Category</dt><dd>${a.category.value} <span class="muted">(every line; ${a.category.source})</span></dd>` : ''}
<dt>Fiscal year</dt><dd>${a.fiscalYear.value ?? 'from each row'}${a.fiscalYear.source ? html` <span class="muted">(${a.fiscalYear.source})</span>` : ''}</dd>
<dt>Currency</dt><dd>${a.currency.value} <span class="muted">(${a.currency.source})</span></dd>
${a.direction ? html`<dt>Direction</dt><dd>${a.direction.value} <span class="muted">(every line; ${a.direction.source})</span></dd>` : ''}
<dt>Rows and lines</dt><dd>${count(a.stats.rows, 'row')} read → ${count(a.stats.lines, 'budget line')}, total ${money(a.stats.total)}</dd>
</dl>
</section>
<form method="post" action="/upload/import" data-busy="Working…">
${csrfField(c)}
<input type="hidden" name="fileName" value="${r.file.name}">
<input type="hidden" name="fileData" value="${r.file.base64}">
${r.file.sheet ? html`<input type="hidden" name="sheet" value="${r.file.sheet}">` : ''}
${valuesSection(p, r.given)}
<section class="card" aria-labelledby="mapping-h" data-stale-scope>
<h2 id="mapping-h">Mapping</h2>
<p class="hint">Change what a column holds with its “Use as” list, then update the preview. Your choices are remembered for the next files once an import goes through.</p>
${mappingTable(p, r.choices)}
<div class="actions">
<button type="submit" class="secondary" formaction="/upload" formnovalidate name="action" value="preview" data-refresh>Update preview</button>
<span class="hint" data-stale-note hidden>The mapping changed: update the preview to see its effect.</span>
</div>
</section>
<section class="card" aria-labelledby="issues-h">
<h2 id="issues-h">Issues</h2>
${issuesTable(p.issues)}
</section>
<section class="card" aria-labelledby="diff-h">
<h2 id="diff-h">What would change</h2>
${diffSection(p)}
</section>
<section class="card" aria-labelledby="confirm-h">
<h2 id="confirm-h">Import</h2>
${
  !r.canImport
    ? html`<p>Your API key cannot import (it lacks the scope imports:write).</p>`
    : blocked
      ? html`<p>${mendable ? 'Give the missing values above and update the preview, or fix the file and upload it again.' : 'Fix the errors listed above in the file and upload it again.'}</p><div class="actions"><a class="button secondary" href="/upload">Upload another file</a></div>`
      : html`<fieldset>
<legend>Mode</legend>
<label class="choice"><input type="radio" name="mode" value="merge"${r.mode === 'merge' ? html` checked` : ''}> <span><strong>Merge</strong> — add and update the lines of this file; leave other lines alone.</span></label>
<label class="choice"><input type="radio" name="mode" value="replace"${r.mode === 'replace' ? html` checked` : ''}> <span><strong>Replace</strong> — also remove lines of the same fiscal years and departments that this file no longer has.</span></label>
</fieldset>
${
  warnings.length > 0
    ? html`<label class="choice"><input type="checkbox" name="acceptWarnings" value="true" required> <span>I have read the ${count(warnings.length, 'warning')} above and want to import anyway.</span></label>`
    : ''
}
${
  notBudget
    ? html`<fieldset>
<legend>Import although it does not look like a budget</legend>
<label class="choice"><input type="checkbox" name="overrideKind" value="true"> <span>This file is a budget.</span></label>
<div class="field"><label for="reason">Why <span class="hint">(recorded in the history)</span></label><textarea id="reason" name="reason" maxlength="1000">${r.overrideReason}</textarea></div>
</fieldset>`
    : ''
}
<div class="actions">
${
  notBudget
    ? // Refused as it is: no primary "Import 0 changes" (nothing was read as lines); the way out is another file.
      html`<a class="button" href="/upload">Upload another file</a>
<button type="submit" id="confirm-import" class="secondary">Import as a budget anyway</button>`
    : html`<button type="submit" id="confirm-import">Import ${count(p.diff.counts.inserted + p.diff.counts.updated, 'change')}</button>
<a href="/upload">Cancel</a>`
}
</div>`
}
</section>
</form>`;
}
