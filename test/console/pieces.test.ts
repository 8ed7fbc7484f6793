/**
 * The console's pure pieces without a browser: formula-safe CSV cells, money formatting from exact
 * decimal text, escaping in the HTML template, the latency recorder and the Prometheus text.
 */
import { csvCell, csvRow } from '../../edge/src/console/csv.ts';
import { money } from '../../edge/src/console/format.ts';
import { html } from '../../edge/src/console/html.ts';
import { LatencyRecorder } from '../../edge/src/metrics/latency.ts';
import { renderPrometheus } from '../../edge/src/metrics/prometheus.ts';
import { describe, expect, it } from 'vitest';

describe('CSV export cells', () => {
  it('prefixes text that a spreadsheet would run as a formula with a quote', () => {
    for (const evil of ['=HYPERLINK("http://x","y")', '+1+1', '-2+3', '@SUM(A1)', '\tcmd', '\rcmd']) {
      expect(csvCell(evil).replace(/^"|"$/g, '').startsWith("'")).toBe(true);
    }
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('=A1,"x"')).toBe(`"'=A1,""x"""`);
  });

  it('leaves plain decimals (negative available amounts included) and ordinary text alone', () => {
    expect(csvCell('-120.50')).toBe('-120.50');
    expect(csvCell('1234.00')).toBe('1234.00');
    expect(csvCell('Marketing')).toBe('Marketing');
    expect(csvCell(null)).toBe('');
    expect(csvRow(['a, b', 'say "hi"', 2026])).toBe('"a, b","say ""hi""",2026\r\n');
  });
});

describe('views', () => {
  it('format money from decimal text with separators, never through a float', () => {
    expect(money('1234567.5')).toBe('1,234,567.50');
    expect(money('-12.3')).toBe('\u221212.30');
    expect(money('90071992547409931.99')).toBe('90,071,992,547,409,931.99');
  });

  it('escape every interpolated value', () => {
    const name = '<script>alert("x")</script>';
    expect(html`<td>${name}</td>`.value).toBe('<td>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</td>');
    expect(html`<a title="${"a' onmouseover='x"}">`.value).toBe('<a title="a&#39; onmouseover=&#39;x">');
    expect(html`<ul>${['<b>', html`<li>ok</li>`]}</ul>`.value).toBe('<ul>&lt;b&gt;<li>ok</li></ul>');
  });
});

describe('metrics', () => {
  it('keep a cumulative histogram and recent percentiles of the check latency', () => {
    const r = new LatencyRecorder();
    for (let i = 1; i <= 100; i++) r.record(i / 10);
    expect(r.summary()).toMatchObject({ count: 100, p50Ms: 5, p95Ms: 9.5, p99Ms: 9.9 });
    const h = r.histogram();
    expect(h.buckets.find((b) => b.le === 0.005)?.count).toBe(50);
    expect(h.buckets.at(-1)).toEqual({ le: Number.POSITIVE_INFINITY, count: 100 });
  });

  it('render valid Prometheus text', () => {
    const stats = {
      imports: 10,
      succeeded: 7,
      rejected: 2,
      failed: 1,
      reverted: 1,
      wrongKind: 1,
      validationFailed: 1,
      rows: 500,
      rowsPerImport: 50,
      durationP50Ms: 40,
      durationP95Ms: 120,
      durationSumMs: 700,
    };
    const r = new LatencyRecorder();
    r.record(0.8);
    const text = renderPrometheus({
      allTime: stats,
      recent: stats,
      recentDays: 30,
      budgetChecks: r.histogram(),
      unreadableUploads: 0,
      startedAt: new Date(0),
    });
    for (const line of text.trim().split('\n')) {
      expect(line).toMatch(/^(# (HELP|TYPE) \w+ .+|\w+(\{\w+="[^"]*"(,\w+="[^"]*")*\})? -?[\d.e+-]+|\w+\{le="\+Inf"\} \d+)$/);
    }
    expect(text).toContain('budget_sync_imports_total{status="succeeded"} 6\n');
    expect(text).toContain('budget_sync_import_duration_seconds{quantile="0.95"} 0.12\n');
    expect(text).toContain('budget_sync_budget_check_duration_seconds_bucket{le="0.001"} 1\n');
  });
});
