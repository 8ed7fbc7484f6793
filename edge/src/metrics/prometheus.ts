/**
 * The Prometheus text exposition (format 0.0.4) of what operators watch: the org's import figures from
 * the history (counters over all time, a duration summary over the last 30 days) and this process's
 * budget-check latency histogram. Pure: figures in, text out.
 */
import type { ImportStatistics } from '@budget-sync/db';
import type { LatencyHistogram } from './latency.ts';

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export interface MetricsSnapshot {
  allTime: ImportStatistics;
  /** The window the duration summary covers. */
  recent: ImportStatistics;
  recentDays: number;
  budgetChecks: LatencyHistogram;
  unreadableUploads: number;
  startedAt: Date;
}

function num(n: number): string {
  if (n === Number.POSITIVE_INFINITY) return '+Inf';
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(12)));
}

class Exposition {
  private readonly lines: string[] = [];

  family(name: string, type: 'counter' | 'gauge' | 'summary' | 'histogram', help: string): this {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    return this;
  }

  sample(name: string, value: number, labels: Record<string, string> = {}): this {
    const l = Object.entries(labels)
      .map(([k, v]) => `${k}="${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')}"`)
      .join(',');
    this.lines.push(`${name}${l ? `{${l}}` : ''} ${num(value)}`);
    return this;
  }

  text(): string {
    return `${this.lines.join('\n')}\n`;
  }
}

export function renderPrometheus(m: MetricsSnapshot): string {
  const x = new Exposition();
  const a = m.allTime;
  x.family('budget_sync_imports_total', 'counter', "Imports in the organization's history, by outcome.")
    .sample('budget_sync_imports_total', a.succeeded - a.reverted, { status: 'succeeded' })
    .sample('budget_sync_imports_total', a.reverted, { status: 'reverted' })
    .sample('budget_sync_imports_total', a.rejected, { status: 'rejected' })
    .sample('budget_sync_imports_total', a.failed, { status: 'failed' });
  x.family(
    'budget_sync_imports_refused_total',
    'counter',
    'Imports refused, by reason: wrong_kind (not a budget file), validation (errors or unaccepted warnings).',
  )
    .sample('budget_sync_imports_refused_total', a.wrongKind, { reason: 'wrong_kind' })
    .sample('budget_sync_imports_refused_total', a.validationFailed, { reason: 'validation' });
  x.family('budget_sync_import_rows_total', 'counter', 'Spreadsheet rows read by imports (below the header).').sample(
    'budget_sync_import_rows_total',
    a.rows,
  );
  x.family('budget_sync_imports_success_ratio', 'gauge', `Share of imports that went through, over the last ${m.recentDays} days.`).sample(
    'budget_sync_imports_success_ratio',
    m.recent.imports === 0 ? 1 : m.recent.succeeded / m.recent.imports,
  );
  x.family('budget_sync_import_duration_seconds', 'summary', `Import duration over the last ${m.recentDays} days.`);
  if (m.recent.durationP50Ms !== null) x.sample('budget_sync_import_duration_seconds', m.recent.durationP50Ms / 1000, { quantile: '0.5' });
  if (m.recent.durationP95Ms !== null) x.sample('budget_sync_import_duration_seconds', m.recent.durationP95Ms / 1000, { quantile: '0.95' });
  x.sample('budget_sync_import_duration_seconds_sum', m.recent.durationSumMs / 1000).sample(
    'budget_sync_import_duration_seconds_count',
    m.recent.imports,
  );
  const h = m.budgetChecks;
  x.family(
    'budget_sync_budget_check_duration_seconds',
    'histogram',
    'Latency of POST /api/budget/check answered by this process, since it started.',
  );
  for (const b of h.buckets) x.sample('budget_sync_budget_check_duration_seconds_bucket', b.count, { le: num(b.le) });
  x.sample('budget_sync_budget_check_duration_seconds_sum', h.sumSeconds).sample(
    'budget_sync_budget_check_duration_seconds_count',
    h.count,
  );
  x.family(
    'budget_sync_console_unreadable_uploads_total',
    'counter',
    'Console uploads that were not a readable spreadsheet, since this process started.',
  ).sample('budget_sync_console_unreadable_uploads_total', m.unreadableUploads);
  x.family('budget_sync_process_start_time_seconds', 'gauge', 'When this process started, in seconds since the epoch.').sample(
    'budget_sync_process_start_time_seconds',
    Math.floor(m.startedAt.getTime() / 1000),
  );
  return x.text();
}
