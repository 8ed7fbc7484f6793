/**
 * Health: the figures finance and support watch, over the last 30 days — imports per day, success rate,
 * rows per import, wrong files refused, validation failures, import duration p50/p95 — and the budget-check
 * latency this server measured. Operators scrape the same as Prometheus text at GET /metrics. A person
 * limited to departments sees the figures of the imports their history shows them, and the check latency
 * without the server's counts (those count every department's checks and uploads).
 */
import { importStatistics, importsPerDay } from '@budget-sync/db';
import { dailyChart } from '../chart.ts';
import type { ServiceMetrics } from '../../metrics/latency.ts';
import { RECENT_DAYS } from '../../metrics/metrics.index.ts';
import { visibilityOf } from '../../middleware/auth.ts';
import type { ConsoleContext } from '../context.ts';
import { count, duration, percent } from '../format.ts';
import { type Html, html } from '../html.ts';
import { consolePage } from '../layout.ts';

const CHART_DAYS = 14;

function figure(label: string, value: string, sub: string | Html, id: string): Html {
  return html`<div class="figure" id="${id}"><div class="label">${label}</div><div class="value">${value}</div><div class="sub">${sub}</div></div>`;
}

export function showHealth(metrics: ServiceMetrics) {
  return async (c: ConsoleContext) => {
    const db = await c.var.database();
    const orgId = c.var.auth.orgId;
    const visibleTo = visibilityOf(c.var.auth);
    const [s, days] = await Promise.all([
      importStatistics(db.pool, orgId, { days: RECENT_DAYS, visibleTo }),
      importsPerDay(db.pool, orgId, CHART_DAYS, visibleTo),
    ]);
    const checks = metrics.budgetChecks.summary();
    const perDay = s.imports / RECENT_DAYS;
    const content = html`<h1>Health</h1>
<p class="lead">Imports of the last ${RECENT_DAYS} days${visibleTo ? html` of your departments (${visibleTo.departments?.join(', ')}) and your own` : ''}, and how fast this server answers budget checks. Operators: the same figures are at <code>GET /metrics</code> (Prometheus text, admin key).</p>
<h2>Imports</h2>
<div class="grid">
${figure('Imports per day', perDay.toFixed(perDay < 1 ? 2 : perDay < 10 ? 1 : 0), `${count(s.imports, 'import')} in ${RECENT_DAYS} days`, 'fig-per-day')}
${figure('Success rate', percent(s.succeeded, s.imports), `${s.succeeded} went through`, 'fig-success')}
${figure('Rows per import', s.rowsPerImport === null ? '—' : s.rowsPerImport.toLocaleString('en-US'), `${count(s.rows, 'row')} read`, 'fig-rows')}
${figure('Wrong files refused', String(s.wrongKind), 'not a budget (payroll, invoices…)', 'fig-wrong-kind')}
${figure('Validation failures', String(s.validationFailed), 'budget files refused for their content', 'fig-validation')}
${figure('Import duration', `${duration(s.durationP50Ms)}`, html`median; p95 ${duration(s.durationP95Ms)}`, 'fig-duration')}
</div>
<section class="card" aria-labelledby="daily-h">
<h2 id="daily-h">Imports per day, last ${CHART_DAYS} days</h2>
<ul class="legend" aria-hidden="true"><li><span class="sw-actual"></span>Went through</li><li><span class="sw-refused"></span>Refused</li><li><span class="sw-over"></span>Failed</li></ul>
${dailyChart('daily-chart', days)}
<details>
<summary>Figures by day</summary>
<div class="table-wrap" role="region" aria-label="Imports by day" tabindex="0">
<table>
<thead><tr><th scope="col">Day (UTC)</th><th scope="col" class="num">Imports</th><th scope="col" class="num">Went through</th><th scope="col" class="num">Refused</th></tr></thead>
<tbody>${days.map((d) => html`<tr><th scope="row">${d.day}</th><td class="num">${d.imports}</td><td class="num">${d.succeeded}</td><td class="num">${d.refused}</td></tr>`)}</tbody>
</table>
</div>
</details>
</section>
<h2>Budget checks</h2>
<div class="grid">
${figure('Check latency p50', duration(checks.p50Ms), visibleTo ? 'of this server' : `over the last ${count(checks.recentSamples, 'check')}`, 'fig-check-p50')}
${figure('Check latency p95', duration(checks.p95Ms), html`p99 ${duration(checks.p99Ms)}`, 'fig-check-p95')}
${
  visibleTo
    ? ''
    : html`${figure('Checks answered', checks.count.toLocaleString('en-US'), `since ${metrics.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`, 'fig-check-count')}
${figure('Unreadable uploads', String(metrics.unreadableUploads), 'console uploads that were not a spreadsheet, since start', 'fig-unreadable')}`
}
</div>`;
    return c.html(consolePage(c, { title: 'Health', nav: 'health' }, content).value);
  };
}
