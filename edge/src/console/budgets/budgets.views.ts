/** Views of the budgets: filters, per-department charts and tables, the export link, and the budget check. */
import type { BudgetSummaryRow, CheckResult, DimensionChoice } from '@budget-sync/db';
import { chartLegend, departmentChart } from '../chart.ts';
import { isNegative, money, STATUS_LABEL } from '../format.ts';
import { type Html, html } from '../html.ts';

export interface PeriodChoice {
  value: string;
  label: string;
}

const COLUMNS = ['budget', 'reserved', 'committed', 'actual', 'available'] as const;
const TITLES: Record<(typeof COLUMNS)[number], string> = {
  budget: 'Budget',
  reserved: 'Reserved',
  committed: 'Committed',
  actual: 'Actual',
  available: 'Available',
};

// Each cell carries its column's name (data-label): on a phone a row becomes one block of named figures
// (table.stack) instead of a table cut off at the screen's edge.
function figures(r: Pick<BudgetSummaryRow, (typeof COLUMNS)[number]>): Html {
  return html`${COLUMNS.map(
    (k) => html`<td class="num${k === 'available' && isNegative(r[k]) ? ' neg' : ''}" data-label="${TITLES[k]}">${money(r[k])}</td>`,
  )}`;
}

function head(first: string, currency: string): Html {
  return html`<thead><tr><th scope="col">${first}</th>${COLUMNS.map(
    (k) => html`<th scope="col" class="num">${TITLES[k]} <span class="muted">${currency}</span></th>`,
  )}<th scope="col" class="num">Used</th></tr></thead>`;
}

/** Over its budget: more reserved, committed and spent than the budget holds. */
function overspent(r: Pick<BudgetSummaryRow, 'available'>): boolean {
  return isNegative(r.available);
}

/** The flag a department carries when any of its categories is over budget, even when the department is not. */
function overFlag(categories: readonly BudgetSummaryRow[]): Html {
  const over = categories.filter(overspent);
  if (over.length === 0) return html``;
  const names = over
    .slice(0, 3)
    .map((r) => r.key)
    .join(', ');
  return html` <span class="badge failed over" title="${names}${over.length > 3 ? '…' : ''}">${over.length} ${over.length === 1 ? 'category' : 'categories'} over budget</span>`;
}

function slug(text: string, i: number): string {
  return `dept-${i}-${text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 40)}`;
}

export interface BudgetsInput {
  years: number[];
  fiscalYear: number | undefined;
  period: string | undefined;
  choices: PeriodChoice[];
  departments: Array<{ department: BudgetSummaryRow; categories: BudgetSummaryRow[] }>;
  totals: Pick<BudgetSummaryRow, 'key' | (typeof COLUMNS)[number]>;
  /** Revenue by department: shown apart, never summed into the budget to spend. */
  revenue: BudgetSummaryRow[];
  /** The organization's currency, which the figures are in. */
  currency: string;
  dimensionChoices: DimensionChoice[];
  /** The dimension filters in force: name → value. */
  dimensions: Record<string, string>;
  csvHref: string;
}

/** One select per dimension of the year: `dim.NAME`, "All" or one of its values. */
function dimensionFilters(v: BudgetsInput): Html {
  return html`${v.dimensionChoices.map((d, i) => {
    const chosen = Object.entries(v.dimensions).find(([n]) => n.trim().toLowerCase() === d.name.trim().toLowerCase())?.[1];
    return html`<div class="field"><label for="dim-${i}">${d.name}</label>
<select id="dim-${i}" name="dim.${d.name}" data-dimension="${d.name}"><option value="">All</option>${d.values.map(
      (value) =>
        html`<option value="${value}"${chosen !== undefined && chosen.toLowerCase() === value.toLowerCase() ? html` selected` : ''}>${value}</option>`,
    )}</select></div>`;
  })}`;
}

function revenueSection(rows: readonly BudgetSummaryRow[]): Html {
  if (rows.length === 0) return html``;
  return html`<section class="card" aria-labelledby="revenue-h" id="revenue">
<h2 id="revenue-h">Revenue</h2>
<p class="hint">Revenue lines are reported here, apart: they are never a budget to spend, and no check counts them.</p>
<div class="table-wrap" role="region" aria-labelledby="revenue-h" tabindex="0">
<table>
<thead><tr><th scope="col">Department</th><th scope="col" class="num">Revenue budget</th><th scope="col" class="num">Actual</th></tr></thead>
<tbody>${rows.map((r) => html`<tr><th scope="row">${r.key}</th><td class="num">${money(r.budget)}</td><td class="num">${money(r.actual)}</td></tr>`)}</tbody>
</table>
</div>
</section>`;
}

export function budgetsView(v: BudgetsInput): Html {
  if (v.fiscalYear === undefined) {
    return html`<h1>Budgets</h1><div class="card"><p>There are no budget lines yet. <a href="/upload">Upload a budget file</a> to start.</p></div>`;
  }
  const periodLabel = v.choices.find((p) => p.value === v.period)?.label ?? 'whole year';
  return html`<div class="page-head">
<h1>Budgets FY${v.fiscalYear}${v.period ? html` <span class="muted">· ${periodLabel}</span>` : ''} <span class="muted" id="currency">· amounts in ${v.currency}</span></h1>
<div class="actions"><a class="button secondary" href="${v.csvHref}" download>Export CSV</a><a class="button secondary" href="/check">Check a budget</a></div>
</div>
<form class="card fields" method="get" action="/budgets" aria-label="Filter the budgets">
<div class="field narrow"><label for="fiscalYear">Fiscal year</label>
<select id="fiscalYear" name="fiscalYear">${v.years.map((y) => html`<option value="${y}"${y === v.fiscalYear ? html` selected` : ''}>FY${y}</option>`)}</select></div>
<div class="field"><label for="period">Period</label>
<select id="period" name="period"><option value="">Whole year</option>${v.choices.map(
    (p) => html`<option value="${p.value}"${p.value === v.period ? html` selected` : ''}>${p.label} (${p.value})</option>`,
  )}</select></div>
${dimensionFilters(v)}
<div class="field narrow"><button type="submit">Show</button></div>
</form>
<section class="card" aria-labelledby="by-dept">
<h2 id="by-dept">By department</h2>
<div class="table-wrap" role="region" aria-labelledby="dept-caption" tabindex="0">
<table id="departments" class="stack">
<caption id="dept-caption" class="vh">Budget and consumption by department, in ${v.currency}</caption>
${head('Department', v.currency)}
<tbody>${v.departments.map(
    ({ department: d, categories }, i) =>
      html`<tr${overspent(d) || categories.some(overspent) ? html` class="over"` : ''}><th scope="row"><a href="#${slug(d.key, i)}">${d.key}</a>${overFlag(categories)}</th>${figures(d)}<td class="num" data-label="Used">${d.utilizationPercent}%</td></tr>`,
  )}</tbody>
<tfoot><tr class="total"><th scope="row">${v.totals.key}</th>${figures(v.totals)}<td></td></tr></tfoot>
</table>
</div>
</section>
${revenueSection(v.revenue)}
${chartLegend()}
${v.departments.map(({ department: d, categories }, i) => {
  const id = slug(d.key, i);
  return html`<section class="card dept" id="${id}" aria-labelledby="${id}-h">
<div class="dept-head"><h3 id="${id}-h">${d.key}${overFlag(categories)}</h3><span class="muted">${money(d.available)} ${v.currency} available of ${money(d.budget)} · ${d.utilizationPercent}% used</span></div>
${departmentChart(`${id}-chart`, d.key, categories)}
<details${categories.some(overspent) ? html` open` : ''}>
<summary>Figures by category</summary>
<div class="table-wrap" role="region" aria-label="${d.key} by category" tabindex="0">
<table class="stack">
${head('Category', v.currency)}
<tbody>${categories.map(
    (r) =>
      html`<tr${overspent(r) ? html` class="over"` : ''}><th scope="row">${r.key}${overspent(r) ? html` <span class="badge failed over">over budget</span>` : ''}</th>${figures(r)}<td class="num" data-label="Used">${r.utilizationPercent}%</td></tr>`,
  )}</tbody>
</table>
</div>
</details>
</section>`;
})}`;
}

export interface CheckInput {
  form: { department: string; category: string; project: string; period: string; amount: string; dimensions: string };
  result: CheckResult | null;
  departments: string[];
  categories: string[];
}

export function checkView(v: CheckInput): Html {
  const f = v.form;
  const r = v.result;
  const tone = r?.decision === 'pass' ? 'success' : r?.decision === 'warn' ? 'warn' : 'error';
  return html`<p><a href="/budgets">← Budgets</a></p>
<h1>Check a budget</h1>
<p class="lead">Ask what a purchase request would ask: is there budget left for this amount? Nothing is reserved.</p>
<form class="card" method="get" action="/check">
<div class="fields">
<div class="field"><label for="department">Department</label><input id="department" name="department" type="text" list="departments" required value="${f.department}" autocomplete="off"></div>
<div class="field"><label for="category">Category <span class="hint">(optional: without one, the whole department)</span></label><input id="category" name="category" type="text" list="categories" value="${f.category}" autocomplete="off"></div>
<div class="field"><label for="project">Project <span class="hint">(optional)</span></label><input id="project" name="project" type="text" value="${f.project}" autocomplete="off"></div>
<div class="field"><label for="dimensions">Dimensions <span class="hint">(optional)</span></label><input id="dimensions" name="dimensions" type="text" value="${f.dimensions}" placeholder="fund=6064; program=Pools" autocomplete="off"></div>
<div class="field narrow"><label for="period">Period</label><input id="period" name="period" type="text" required value="${f.period}" aria-describedby="period-hint" autocomplete="off"></div>
<div class="field narrow"><label for="amount">Amount</label><input id="amount" name="amount" type="text" inputmode="decimal" required value="${f.amount}" autocomplete="off"></div>
</div>
<p id="period-hint" class="hint">Period: a month such as 2026-03, a fiscal quarter such as 2026-Q1, or a fiscal year such as FY2026.</p>
<datalist id="departments">${v.departments.map((d) => html`<option value="${d}">`)}</datalist>
<datalist id="categories">${v.categories.map((d) => html`<option value="${d}">`)}</datalist>
<div class="actions"><button type="submit">Check</button></div>
</form>
${
  r
    ? html`<section class="card" aria-labelledby="answer-h" id="check-result">
<h2 id="answer-h">Answer: <span class="badge ${r.decision}" id="decision">${STATUS_LABEL[r.decision] ?? r.decision}</span></h2>
<div class="notice ${tone}" role="status"><p>${r.message}</p></div>
<dl class="facts">
<dt>Budget line</dt><dd>${r.line ? r.line.period : r.lines > 1 ? `${r.lines} lines of ${r.level.period}` : 'none'} (${r.controlLevel} control, ${r.basis} basis)</dd>
<dt>Budget</dt><dd>${money(r.budget)} ${r.currency}</dd>
<dt>Reserved</dt><dd>${money(r.reserved)}</dd>
<dt>Committed</dt><dd>${money(r.committed)}</dd>
<dt>Actual</dt><dd>${money(r.actual)}</dd>
<dt>Available now</dt><dd>${money(r.available)}</dd>
<dt>Available after</dt><dd${isNegative(r.availableAfter) ? html` class="neg"` : ''}>${money(r.availableAfter)}</dd>
<dt>Tolerance</dt><dd>${money(r.tolerance)}</dd>
</dl>
</section>`
    : ''
}`;
}
