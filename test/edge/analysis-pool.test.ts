/**
 * The analysis pool of the Node server and the ingest worker (edge/src/analysis/pool.ts), with real worker
 * threads: the same analysis as in-process, the file's bytes back after the trip, reader errors as they
 * are, and a file over the time or memory limit refused as file.too_complex naming the file and the limit
 * — after which the pool goes on with the next file.
 */
import { gunzipSync } from 'node:zlib';
import { isFileReadError } from '@budget-sync/core';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeInProcess } from '../../edge/src/analysis/analyzer.ts';
import { AnalysisPool } from '../../edge/src/analysis/pool.ts';

const CSV = new TextEncoder().encode(
  'Department,Category,Month,Budget Amount\nMarketing,Travel,2026-01,1000.00\nSales,Events,2026-02,250.50\n',
);
const pools: AnalysisPool[] = [];

function pool(options: ConstructorParameters<typeof AnalysisPool>[0]): AnalysisPool {
  const p = new AnalysisPool(options);
  pools.push(p);
  return p;
}

/** A CSV of `rows` budget rows: large enough to take a while, and memory, to analyse. */
function bigCsv(rows: number): Uint8Array {
  const lines = ['Department,Category,Project,Month,Budget Amount,Notes'];
  for (let i = 0; i < rows; i++)
    lines.push(`Dept ${i % 97},Cat ${i % 89},P${i},2026-${String((i % 12) + 1).padStart(2, '0')},${(i % 100_000) + 0.25},note ${i}`);
  return new TextEncoder().encode(lines.join('\n'));
}

async function refusal(p: Promise<unknown>): Promise<{ code: string; file: string; message: string }> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  if (!isFileReadError(e)) throw new Error(`expected a FileReadError, got ${String(e)}`);
  return e;
}

afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

describe('the analysis pool', () => {
  it('gives the analysis the request thread gives, and the bytes back; reader errors come back as they are', async () => {
    const p = pool({ threads: 1 });
    const input = { fileName: 'budget.csv', read: {}, analyze: { fiscalYearStartMonth: 1 } };
    const here = await analyzeInProcess({ ...input, bytes: CSV.slice() });
    const there = await p.analyze({ ...input, bytes: CSV.slice() });
    expect(there.analysis).toEqual(here.analysis);
    expect(there.bytes).toEqual(CSV);
    const err = await refusal(p.analyze({ ...input, bytes: new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d]), fileName: 'scan.pdf' }));
    expect(err).toMatchObject({ code: 'file.unsupported', file: 'scan.pdf' });
  });

  it('brings a large analysis back whole (its lines encoded on the way, its thread replaced after it)', async () => {
    const p = pool({ threads: 1 });
    const bytes = bigCsv(120_000);
    const input = { fileName: 'big.csv', read: {}, analyze: {} };
    const here = await analyzeInProcess({ ...input, bytes: bytes.slice() });
    const there = await p.analyze({ ...input, bytes: bytes.slice() });
    expect(there.analysis.lines).toHaveLength(120_000);
    expect(there.analysis).toEqual(here.analysis);
    // The next file goes to a fresh thread.
    expect((await p.analyze({ ...input, bytes: CSV.slice() })).analysis.lines).toHaveLength(2);
  });

  it('keeps a file as its size and gzip (its bytes freed in the thread), with the same analysis', async () => {
    const p = pool({ threads: 1 });
    const bytes = bigCsv(120_000);
    const input = { fileName: 'big.csv', read: {}, analyze: {} };
    const here = await analyzeInProcess({ ...input, bytes: bytes.slice() });
    const there = await p.analyzeAndKeep({ ...input, bytes: bytes.slice() });
    expect(there.analysis).toEqual(here.analysis);
    expect(there.kept.size).toBe(bytes.byteLength);
    expect(new Uint8Array(gunzipSync(await there.kept.gzip))).toEqual(bytes);
    const small = await p.analyzeAndKeep({ ...input, bytes: CSV.slice(), fileName: 'budget.csv' });
    expect(small.kept.size).toBe(CSV.byteLength);
    expect(new Uint8Array(gunzipSync(await small.kept.gzip))).toEqual(CSV);
  });

  it('refuses a file that takes longer than the time limit as file.too_complex, then goes on', async () => {
    const p = pool({ threads: 1, timeoutMs: 50 });
    const err = await refusal(p.analyze({ bytes: bigCsv(300_000), fileName: 'slow.csv', read: {}, analyze: {} }));
    expect(err.code).toBe('file.too_complex');
    expect(err.file).toBe('slow.csv');
    expect(err.message).toMatch(
      /^"slow\.csv" needed longer than 50 ms to read and analyse, the limit for one file; nothing was imported\./,
    );
    const next = await pool({ threads: 1 }).analyze({ bytes: CSV.slice(), fileName: 'next.csv', read: {}, analyze: {} });
    expect(next.analysis.lines).toHaveLength(2);
  });

  it('refuses a file that needs more memory than a thread may use as file.too_complex, then goes on', async () => {
    const p = pool({ threads: 1, memoryMb: 24 });
    const err = await refusal(p.analyze({ bytes: bigCsv(400_000), fileName: 'huge.csv', read: {}, analyze: {} }));
    expect(err.code).toBe('file.too_complex');
    expect(err.message).toMatch(/^"huge\.csv" needed more than 24 MB of memory to read and analyse, the limit for one file/);
    // The same pool replaces the thread it lost.
    const next = await p.analyze({ bytes: CSV.slice(), fileName: 'small.csv', read: {}, analyze: {} });
    expect(next.analysis.lines).toHaveLength(2);
  });
});
