/**
 * Budget-check latency, recorded in this process: a cumulative histogram (what Prometheus scrapes: it
 * never forgets, so rates over any window can be computed by the scraper) and a ring buffer of the latest
 * samples (what the console shows as p50/p95/p99 "lately"). Fixed memory, no I/O, runtime-neutral: on
 * Workers each isolate keeps its own, which is what an in-process figure can honestly say.
 */

/** Upper bounds in seconds; the checks take about a millisecond, so the buckets are fine-grained below 50 ms. */
export const LATENCY_BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] as const;

const RECENT_SAMPLES = 2048;

export interface LatencySummary {
  /** Checks recorded since the process started. */
  count: number;
  /** Over the latest samples (at most 2048); null before the first. */
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  recentSamples: number;
}

export interface LatencyHistogram {
  /** Cumulative counts per upper bound (seconds), then +Inf. */
  buckets: Array<{ le: number; count: number }>;
  count: number;
  sumSeconds: number;
}

export class LatencyRecorder {
  private readonly recent = new Float64Array(RECENT_SAMPLES);
  private next = 0;
  private filled = 0;
  private readonly bucketCounts = new Array<number>(LATENCY_BUCKETS_S.length).fill(0);
  private total = 0;
  private sumMs = 0;

  record(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    this.recent[this.next] = ms;
    this.next = (this.next + 1) % RECENT_SAMPLES;
    this.filled = Math.min(this.filled + 1, RECENT_SAMPLES);
    this.total++;
    this.sumMs += ms;
    const s = ms / 1000;
    const i = LATENCY_BUCKETS_S.findIndex((le) => s <= le);
    if (i >= 0) this.bucketCounts[i] = (this.bucketCounts[i] ?? 0) + 1;
  }

  summary(): LatencySummary {
    const samples = Array.from(this.recent.subarray(0, this.filled)).sort((a, b) => a - b);
    return {
      count: this.total,
      p50Ms: quantile(samples, 0.5),
      p95Ms: quantile(samples, 0.95),
      p99Ms: quantile(samples, 0.99),
      recentSamples: samples.length,
    };
  }

  histogram(): LatencyHistogram {
    let running = 0;
    const buckets = LATENCY_BUCKETS_S.map((le, i): { le: number; count: number } => {
      running += this.bucketCounts[i] ?? 0;
      return { le, count: running };
    });
    buckets.push({ le: Number.POSITIVE_INFINITY, count: this.total });
    return { buckets, count: this.total, sumSeconds: this.sumMs / 1000 };
  }
}

/** Nearest-rank quantile of sorted samples, rounded to 0.01 ms. */
function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return Math.round((sorted[rank] as number) * 100) / 100;
}

/** What the app records about itself while it runs. One per app; shared by the API, the console and /metrics. */
export interface ServiceMetrics {
  budgetChecks: LatencyRecorder;
  /** Uploads the console could not read at all (not a spreadsheet, corrupt, encrypted…): refused before any history row. */
  unreadableUploads: number;
  startedAt: Date;
}

export function createServiceMetrics(): ServiceMetrics {
  return { budgetChecks: new LatencyRecorder(), unreadableUploads: 0, startedAt: new Date() };
}
