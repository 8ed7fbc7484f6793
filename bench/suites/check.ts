/**
 * The budget check and reservations over real HTTP, on a real PostgreSQL (DATABASE_URL's server, or the
 * embedded one) with an org of 10,000 budget lines. The server runs in a child process (check-server.ts:
 * createApp on @hono/node-server, one pg pool); this process is the load generator, 32 keep-alive
 * connections. On 2 cores the generator, the server and Postgres share the CPU; with the server in its own
 * process at least the generator does not steal the server's event loop. Measured in one run, after a
 * warm-up: `POST /api/budget/check`, a bare route on the same app and pool that runs `SELECT 1` (the
 * baseline; the two alternate in rounds so that both see the same background load), and reservations,
 * each on a different line with its own Idempotency-Key. The server takes its settings from the
 * environment, as `budget-sync serve` does: BUDGET_SYNC_AUTH_CACHE_SECONDS=0 measures without the key cache.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { analyzeWorkbook } from '@budget-sync/core';
import { readWorkbook } from '@budget-sync/core/readers';
import { applyImport, createOrganization } from '@budget-sync/db';
import { openDatabase } from '@budget-sync/db/node';
import { budgetCsv } from './generate.ts';
import { benchDatabase } from './import.ts';
import { type LoadRequest, type LoadResult, runLoad, summarize } from './load.ts';
import { type Metric, round, type Suite } from './types.ts';

const LINES = 10_000;
const CONNECTIONS = 32;
const MEASURE_MS = 5_000;
const WARMUP_MS = 2_000;
/** Each measurement is split into rounds, bare and check alternating. */
const ROUNDS = 4;

export const checkSuite: Suite = async (log) => {
  const target = await benchDatabase(log);
  let server: { child: ChildProcess; port: number } | undefined;
  try {
    const { apiKey, bodies } = await seed(target.url, log);
    server = await startServer(target.url);
    const origin = `http://127.0.0.1:${server.port}`;
    const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
    const at = (i: number) => bodies[(i * 7919) % bodies.length] as string;
    const check = (i: number): LoadRequest => ({ method: 'POST', path: '/api/budget/check', headers, body: at(i) });
    const bare = (i: number): LoadRequest => ({ method: 'POST', path: '/api/bench/select1', headers, body: at(i) });
    const pid = server.child.pid as number;
    const load = async (name: string, durationMs: number, request: (i: number) => LoadRequest, expectStatus = 200) => {
      const cpu0 = cpuSeconds(pid);
      const r = await runLoad(origin, { connections: CONNECTIONS, durationMs, request, expectStatus });
      const cpuMs = ((cpuSeconds(pid) - cpu0) * 1000) / Math.max(1, r.requests);
      if (r.errors > 0) throw new Error(`${name}: ${r.errors} unexpected answers, first: ${r.firstError}`);
      log(
        `  ${name}: ${Math.round(r.rps)} req/s, p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms (${r.requests} requests), server CPU ${cpuMs.toFixed(3)} ms/request`,
      );
      return Object.assign(r, { cpuMs });
    };

    log(`  warm-up (${WARMUP_MS / 1000} s check, ${WARMUP_MS / 2000} s bare)`);
    await load('warm-up check', WARMUP_MS, check);
    await load('warm-up bare', WARMUP_MS / 2, bare);
    // Interleaved, so that both see the same machine: on a shared 2-core box the background changes by the second.
    const bareRuns: Measured[] = [];
    const checkRuns: Measured[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      bareRuns.push(await load(`bare SELECT 1 (${round + 1}/${ROUNDS})`, MEASURE_MS / ROUNDS, bare));
      checkRuns.push(await load(`check (${round + 1}/${ROUNDS})`, MEASURE_MS / ROUNDS, check));
    }
    const b = Object.assign(summarize(bareRuns), { cpuMs: meanCpu(bareRuns) });
    const c = Object.assign(summarize(checkRuns), { cpuMs: meanCpu(checkRuns) });
    log(
      `  bare: ${Math.round(b.rps)} req/s, p99 ${b.p99Ms.toFixed(2)} ms; check: ${Math.round(c.rps)} req/s, p99 ${c.p99Ms.toFixed(2)} ms`,
    );

    // Each reservation on another line, each with a key of its own. Reservations serialize per
    // department × category × project (the lock spans the periods, see reservations.ts), so the lines are
    // taken with the same prime stride as the checks: requests in flight together never share a lock.
    let run = 0;
    const reserve = (prefix: string) => (i: number) => ({
      method: 'POST' as const,
      path: '/api/budget/reservations',
      headers: { ...headers, 'idempotency-key': `${prefix}-${run}-${i}` },
      body: at(i),
    });
    await load('warm-up reserve', WARMUP_MS / 2, reserve('warm'), 201);
    run++;
    const r = await load('reserve', MEASURE_MS, reserve('bench'), 201);
    return metrics(c, b, r);
  } finally {
    if (server) await stopServer(server.child);
    await target.drop();
  }
};

type Measured = LoadResult & { cpuMs: number };

/** The server's CPU per request over several runs, weighted by their requests. */
function meanCpu(runs: readonly Measured[]): number {
  const n = runs.reduce((t, r) => t + r.requests, 0);
  return runs.reduce((t, r) => t + r.cpuMs * r.requests, 0) / Math.max(1, n);
}

/** CPU seconds (user + system) a process has used, from /proc: what the server spent, whatever else ran. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function metrics(c: Measured, b: Measured, r: Measured): Metric[] {
  return [
    { name: 'check.p50_ms', value: round(c.p50Ms, 3), unit: 'ms', baseline: round(b.p50Ms, 3), ratio: round(c.p50Ms / b.p50Ms) },
    { name: 'check.p99_ms', value: round(c.p99Ms, 3), unit: 'ms', baseline: round(b.p99Ms, 3), ratio: round(c.p99Ms / b.p99Ms) },
    { name: 'check.rps', value: Math.round(c.rps), unit: 'req/s', baseline: Math.round(b.rps), ratio: round(c.rps / b.rps) },
    { name: 'check.throughput_ratio', value: round(c.rps / b.rps), unit: 'ratio' },
    { name: 'reserve.rps', value: Math.round(r.rps), unit: 'req/s', baseline: Math.round(b.rps), ratio: round(r.rps / b.rps) },
    { name: 'reserve.p99_ms', value: round(r.p99Ms, 3), unit: 'ms', baseline: round(b.p99Ms, 3), ratio: round(r.p99Ms / b.p99Ms) },
    // The server process's own CPU per request: steadier than throughput on a shared machine.
    { name: 'check.server_cpu_ms', value: round(c.cpuMs, 3), unit: 'ms', baseline: round(b.cpuMs, 3), ratio: round(c.cpuMs / b.cpuMs) },
    { name: 'reserve.server_cpu_ms', value: round(r.cpuMs, 3), unit: 'ms', baseline: round(b.cpuMs, 3), ratio: round(r.cpuMs / b.cpuMs) },
  ];
}

/** An org with LINES budget lines (imported as a file would be) and its admin key; one check body per line. */
async function seed(url: string, log: (s: string) => void): Promise<{ apiKey: string; bodies: string[] }> {
  const db = await openDatabase({ url });
  try {
    const { org, apiKey } = await createOrganization(db.pool, { name: 'bench check' });
    const analysis = analyzeWorkbook(readWorkbook(new TextEncoder().encode(budgetCsv(LINES)), 'bench.csv'));
    const r = await applyImport(db, {
      orgId: org.id,
      analysis,
      mode: 'merge',
      acceptWarnings: true,
      actor: 'bench',
      source: 'bench',
      fileName: 'bench.csv',
      sha256: createHash('sha256').update('bench check').digest('hex'),
    });
    if (r.counts.inserted !== LINES) throw new Error(`seeding imported ${r.counts.inserted} lines, not ${LINES}: ${r.reason}`);
    log(`  org with ${LINES.toLocaleString('en')} budget lines`);
    const bodies = analysis.lines.map((l) =>
      JSON.stringify({ department: l.department, category: l.category, project: l.project, period: l.period, amount: '1.00' }),
    );
    return { apiKey, bodies };
  } finally {
    await db.close();
  }
}

async function startServer(url: string): Promise<{ child: ChildProcess; port: number }> {
  const script = fileURLToPath(new URL('./check-server.ts', import.meta.url));
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, BENCH_DATABASE_URL: url },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /\{"port":(\d+)\}/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`the bench server exited with ${code}`)));
  });
  return { child, port };
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  await exited;
}
