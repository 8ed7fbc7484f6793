/**
 * A keep-alive HTTP load generator on undici: N connections, each sending its next request as soon as
 * the previous answer is read (closed loop, like autocannon), for a fixed time. Latencies are kept with
 * microsecond resolution (autocannon's histogram rounds to whole milliseconds, too coarse for sub-ms p50).
 */
import { Pool } from 'undici';

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface LoadOptions {
  connections: number;
  durationMs: number;
  /** The i-th request of the run (i counts from 0 across all connections). */
  request: (i: number) => LoadRequest;
  /** The status every answer must have; others are counted as errors. */
  expectStatus: number;
}

export interface LoadResult {
  requests: number;
  errors: number;
  /** The first unexpected answer, for the log. */
  firstError: string | null;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** The raw figures, so that several runs can be summarized as one. */
  latencies: number[];
  elapsedMs: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] as number;
}

export async function runLoad(origin: string, options: LoadOptions): Promise<LoadResult> {
  const pool = new Pool(origin, { connections: options.connections, pipelining: 1 });
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | null = null;
  let counter = 0;
  const started = performance.now();
  const end = started + options.durationMs;
  const loop = async () => {
    while (performance.now() < end) {
      const req = options.request(counter++);
      const t0 = performance.now();
      const res = await pool.request({ origin, ...req });
      const text = await res.body.text();
      const t1 = performance.now();
      if (res.statusCode === options.expectStatus) latencies.push(t1 - t0);
      else {
        errors++;
        firstError ??= `${res.statusCode} ${text.slice(0, 300)}`;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: options.connections }, loop));
  } finally {
    await pool.close();
  }
  return summarize([{ latencies, elapsedMs: performance.now() - started, errors, firstError }]);
}

/** Several runs as one: all their latencies, their requests over their summed time. */
export function summarize(runs: ReadonlyArray<Pick<LoadResult, 'latencies' | 'elapsedMs' | 'errors' | 'firstError'>>): LoadResult {
  const latencies = runs.flatMap((r) => r.latencies);
  const elapsedMs = runs.reduce((t, r) => t + r.elapsedMs, 0);
  const sorted = Float64Array.from(latencies).sort();
  return {
    requests: latencies.length,
    errors: runs.reduce((t, r) => t + r.errors, 0),
    firstError: runs.find((r) => r.firstError !== null)?.firstError ?? null,
    rps: latencies.length / (elapsedMs / 1000),
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    latencies,
    elapsedMs,
  };
}
