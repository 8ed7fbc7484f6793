/**
 * Import speed on a real PostgreSQL (DATABASE_URL's server, or the embedded one): 100k new lines from a
 * parsed analysis, the same 100k again (no changes), and a replace with 10% changed — next to a raw
 * `COPY FROM STDIN` of the same rows into the same table, timed in the same run.
 */
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { type Analysis, analyzeWorkbook, formatMinor, parseDecimal } from '@budget-sync/core';
import { readWorkbook } from '@budget-sync/core/readers';
import { applyImport, createOrganization, type Database } from '@budget-sync/db';
import { openDatabase } from '@budget-sync/db/node';
import pg from 'pg';
import { budgetCsv } from './generate.ts';
import { rawCopy } from './raw-copy.ts';
import { type Metric, round, type Suite } from './types.ts';

const LINES = 100_000;
const RUNS = 3;

export const importSuite: Suite = async (log) => {
  const target = await benchDatabase(log);
  const db = await openDatabase({ url: target.url });
  try {
    log(`  analysing ${LINES.toLocaleString('en')} generated lines (not timed)`);
    const bytes = new TextEncoder().encode(budgetCsv(LINES));
    const analysis = analyzeWorkbook(readWorkbook(bytes, 'bench.csv'));
    if (analysis.lines.length !== LINES) throw new Error(`expected ${LINES} lines, got ${analysis.lines.length}`);
    const changed = withChangedAmounts(analysis, 10);

    const fresh: number[] = [];
    const copy: number[] = [];
    const nochange: number[] = [];
    const replace: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      // Alternate ours and the baseline so that both see the table at the same sizes.
      const { org } = await createOrganization(db.pool, { name: `bench ${run}` });
      fresh.push(await timed(() => importInto(db, org.id, analysis, 'merge', 'succeeded')));
      const baselineOrg = await createOrganization(db.pool, { name: `baseline ${run}` });
      copy.push(await timed(() => rawCopy(db, copyRows(baselineOrg.org.id, analysis))));
      nochange.push(await timed(() => importInto(db, org.id, analysis, 'merge', 'no_changes')));
      replace.push(await timed(() => importInto(db, org.id, changed, 'replace', 'succeeded')));
      log(
        `  run ${run + 1}: fresh ${fresh[run]?.toFixed(0)} ms, COPY ${copy[run]?.toFixed(0)} ms, no-change ${nochange[run]?.toFixed(0)} ms, replace ${replace[run]?.toFixed(0)} ms`,
      );
    }
    const perS = (ms: number) => LINES / (ms / 1000);
    const freshRate = perS(median(fresh));
    const copyRate = perS(median(copy));
    const metrics: Metric[] = [
      {
        name: 'import.fresh100k.rows_per_s',
        value: Math.round(freshRate),
        unit: 'rows/s',
        baseline: Math.round(copyRate),
        ratio: round(freshRate / copyRate),
      },
      { name: 'import.fresh100k.copy_ratio', value: round(freshRate / copyRate), unit: 'ratio' },
      {
        name: 'import.nochange100k.ms',
        value: Math.round(median(nochange)),
        unit: 'ms',
        baseline: Math.round(median(copy)),
        ratio: round(median(nochange) / median(copy)),
      },
      {
        name: 'import.replace100k.rows_per_s',
        value: Math.round(perS(median(replace))),
        unit: 'rows/s',
        baseline: Math.round(copyRate),
        ratio: round(perS(median(replace)) / copyRate),
      },
    ];
    return metrics;
  } finally {
    await db.close();
    await target.drop();
  }
};

async function importInto(db: Database, orgId: string, analysis: Analysis, mode: 'merge' | 'replace', expect: string): Promise<void> {
  const r = await applyImport(db, {
    orgId,
    analysis,
    mode,
    acceptWarnings: true,
    actor: 'bench',
    source: 'bench',
    fileName: 'bench.csv',
    sha256: createHash('sha256').update(String(Math.random())).digest('hex'),
  });
  if (r.status !== expect) throw new Error(`bench import ended ${r.status}, expected ${expect}: ${r.reason}`);
}

/** The baseline's rows: the analysis' lines as COPY text, with random ids. */
function* copyRows(orgId: string, analysis: Analysis): Generator<string> {
  for (const l of analysis.lines) {
    yield `${crypto.randomUUID()}\t${orgId}\t${l.department}\t${l.category}\t${l.project ?? '\\N'}\t${l.period}\t${l.periodStart}\t${l.periodEnd}\t${l.fiscalYear}\t${l.amount}\t${l.currency}\t${l.owner ?? '\\N'}\t${l.notes ?? '\\N'}\n`;
  }
}

function withChangedAmounts(a: Analysis, everyNth: number): Analysis {
  return {
    ...a,
    lines: a.lines.map((l, i) => (i % everyNth === 0 ? { ...l, amount: formatMinor((parseDecimal(l.amount) as bigint) + 100n) } : l)),
  };
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** A database of its own on DATABASE_URL's server, or on the embedded server. Dropped afterwards. */
export async function benchDatabase(log: (s: string) => void): Promise<{ url: string; drop(): Promise<void> }> {
  let serverUrl = process.env.DATABASE_URL;
  let stopEmbedded = async () => {};
  if (!serverUrl) {
    const { startEmbeddedPostgres } = await import('../../db/src/embedded.ts');
    const server = await startEmbeddedPostgres({ dataDir: join(process.cwd(), '.scratch', 'bench-postgres') });
    serverUrl = server.url;
    stopEmbedded = () => server.stop();
    log('  on the embedded PostgreSQL');
  } else log('  on the server named by DATABASE_URL');
  const name = `bs_bench_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await stopEmbedded();
    },
  };
}
