/**
 * Inline SVG charts, drawn on the server from numbers (no script, no library, no CDN). Widths are
 * percentages so a chart fills its container at 1280 px and at 400 px alike. Amounts only set bar
 * lengths here; the exact figures are in the table next to each chart.
 */
import type { BudgetSummaryRow } from '@budget-sync/db';
import { money } from './format.ts';
import { type Html, html, unsafeRaw } from './html.ts';

export const SERIES = [
  { key: 'actual', label: 'Actual', color: '#17324d' },
  { key: 'committed', label: 'Committed', color: '#3d6fb6' },
  { key: 'reserved', label: 'Reserved', color: '#8fb3e3' },
  { key: 'available', label: 'Available', color: '#d9e7f7' },
] as const;

const OVER = '#a4161a';
const ROW_H = 44;

function pct(n: number): string {
  return `${Math.max(0, Math.min(100, n)).toFixed(3)}%`;
}

export function chartLegend(): Html {
  return html`<ul class="legend" aria-hidden="true">${SERIES.map(
    (s) => html`<li><span class="sw-${s.key}"></span>${s.label}</li>`,
  )}<li><span class="sw-over"></span>Over budget</li></ul>`;
}

/** One bar per category: actual, committed and reserved stacked inside the budget's outline, then what is available. */
export function departmentChart(id: string, department: string, rows: readonly BudgetSummaryRow[]): Html {
  const n = (t: string) => Number(t);
  const scale = Math.max(1, ...rows.map((r) => Math.max(n(r.budget), n(r.reserved) + n(r.committed) + n(r.actual))));
  const height = rows.length * ROW_H + 4;
  const bars = rows.map((r, i) => {
    const y = i * ROW_H;
    let x = 0;
    const parts: string[] = [];
    for (const s of SERIES) {
      if (s.key === 'available') continue;
      const w = (n(r[s.key]) / scale) * 100;
      if (w > 0) parts.push(`<rect x="${pct(x)}" y="${y + 20}" width="${pct(w)}" height="16" fill="${s.color}"/>`);
      x += w;
    }
    const budgetW = (n(r.budget) / scale) * 100;
    if (budgetW > x) parts.push(`<rect x="${pct(x)}" y="${y + 20}" width="${pct(budgetW - x)}" height="16" fill="${SERIES[3].color}"/>`);
    if (x > budgetW)
      parts.push(`<rect x="${pct(budgetW)}" y="${y + 20}" width="${pct(x - budgetW)}" height="16" fill="${OVER}" fill-opacity="0.85"/>`);
    parts.push(`<rect x="0" y="${y + 20}" width="${pct(budgetW)}" height="16" fill="none" stroke="#17324d" stroke-width="1"/>`);
    return `<g>${parts.join('')}</g>`;
  });
  // Labels are HTML-escaped text nodes; everything else is numbers.
  const labels = rows.map(
    (r, i) =>
      html`<text x="0" y="${i * ROW_H + 14}" font-size="13" fill="#18202b">${r.key}</text><text x="100%" y="${i * ROW_H + 14}" font-size="12" fill="#525d6b" text-anchor="end">${r.utilizationPercent}% used of ${money(r.budget)}</text>`,
  );
  return html`<svg class="chart" id="${id}" width="100%" height="${height}" role="img" aria-labelledby="${id}-title">
<title id="${id}-title">${department}: budget and consumption by category</title>
${unsafeRaw(bars.join(''))}${labels}
</svg>`;
}

/** Imports per day as columns: went through (dark) and refused (amber) stacked. */
export function dailyChart(id: string, days: ReadonlyArray<{ day: string; succeeded: number; refused: number; imports: number }>): Html {
  const max = Math.max(1, ...days.map((d) => d.imports));
  const w = 100 / Math.max(1, days.length);
  const height = 120;
  const cols = days.map((d, i) => {
    const other = d.imports - d.succeeded - d.refused;
    const hs = (d.succeeded / max) * 100;
    const hr = (d.refused / max) * 100;
    const ho = (other / max) * 100;
    const x = pct(i * w + w * 0.15);
    const width = pct(w * 0.7);
    const base = 100;
    const parts = [
      hs > 0 ? `<rect x="${x}" y="${(base - hs).toFixed(2)}" width="${width}" height="${hs.toFixed(2)}" fill="#17324d"/>` : '',
      hr > 0 ? `<rect x="${x}" y="${(base - hs - hr).toFixed(2)}" width="${width}" height="${hr.toFixed(2)}" fill="#e0a100"/>` : '',
      ho > 0 ? `<rect x="${x}" y="${(base - hs - hr - ho).toFixed(2)}" width="${width}" height="${ho.toFixed(2)}" fill="${OVER}"/>` : '',
    ];
    return parts.join('');
  });
  const first = days[0]?.day ?? '';
  const last = days[days.length - 1]?.day ?? '';
  return html`<svg class="chart" id="${id}" width="100%" height="${height + 22}" role="img" aria-labelledby="${id}-title">
<title id="${id}-title">Imports per day from ${first} to ${last}</title>
<svg width="100%" height="${height}" viewBox="0 0 100 100" preserveAspectRatio="none">${unsafeRaw(cols.join(''))}<line x1="0" y1="100" x2="100" y2="100" stroke="#aab3bf" stroke-width="0.5"/></svg>
<text x="0" y="${height + 16}" font-size="12" fill="#525d6b">${first}</text>
<text x="100%" y="${height + 16}" font-size="12" fill="#525d6b" text-anchor="end">${last}</text>
</svg>`;
}
