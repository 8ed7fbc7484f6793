/**
 * Bulk writes at COPY speed. node-postgres streams rows with COPY FROM STDIN (text format); drivers
 * without COPY (Neon's, on Workers) get one `INSERT … SELECT FROM unnest(…)` per chunk instead.
 * Either way it is a handful of statements, never one per row (DESIGN §4). pg-copy-streams is loaded
 * only on the COPY path: the Workers bundle carries it but never evaluates it (Workers never copy).
 */
import { once } from 'node:events';
import type pg from 'pg';

export type BulkValue = string | number | null;

export interface BulkTable {
  /** Table name, already safe to splice into SQL (a constant, never user input). */
  table: string;
  columns: readonly string[];
  /** Postgres array types for the unnest fallback, one per column, e.g. `uuid[]`. */
  types: readonly string[];
  /**
   * For the unnest fallback: a cast per column (null for none) from its element type, for a column whose
   * values travel as literals of another type (an array column sent as array-literal text).
   */
  casts?: readonly (string | null)[];
}

export async function bulkInsert(
  client: pg.PoolClient,
  target: BulkTable,
  rows: Iterable<readonly BulkValue[]>,
  supportsCopy: boolean,
): Promise<void> {
  if (supportsCopy) await copyRows(client, target, rows);
  else await unnestRows(client, target, rows);
}

const CHUNK_BYTES = 256 * 1024;

async function copyRows(client: pg.PoolClient, target: BulkTable, rows: Iterable<readonly BulkValue[]>): Promise<void> {
  const { from: copyFrom } = await import('pg-copy-streams');
  const stream = client.query(copyFrom(`COPY ${target.table} (${target.columns.join(', ')}) FROM STDIN`));
  const done = new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
  });
  // Avoid an unhandled rejection if writing fails before we await `done`.
  done.catch(() => {});
  let chunk = '';
  for (const row of rows) {
    chunk += encodeRow(row);
    if (chunk.length >= CHUNK_BYTES) {
      if (!stream.write(chunk)) await Promise.race([once(stream, 'drain'), done]);
      chunk = '';
    }
  }
  stream.end(chunk);
  await done;
}

/** One row of COPY text format: tab-separated, `\N` for null, backslash escapes. */
function encodeRow(row: readonly BulkValue[]): string {
  let out = '';
  for (let i = 0; i < row.length; i++) {
    if (i > 0) out += '\t';
    const v = row[i];
    if (v === null || v === undefined) out += '\\N';
    else if (typeof v === 'number') out += String(v);
    else out += escapeCopy(v);
  }
  return `${out}\n`;
}

const NEEDS_ESCAPE = /[\\\t\n\r]/;

function escapeCopy(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return s;
  return s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

const UNNEST_CHUNK = 20_000;

async function unnestRows(client: pg.PoolClient, target: BulkTable, rows: Iterable<readonly BulkValue[]>): Promise<void> {
  const select = target.casts
    ? target.columns.map((c, i) => (target.casts?.[i] ? `u.${c}::${target.casts[i]}` : `u.${c}`)).join(', ')
    : '*';
  const sql = `INSERT INTO ${target.table} (${target.columns.join(', ')}) SELECT ${select} FROM unnest(${target.types
    .map((t, i) => `$${i + 1}::${t}`)
    .join(', ')}) AS u(${target.columns.join(', ')})`;
  let columns: BulkValue[][] = target.columns.map(() => []);
  let n = 0;
  const flush = async () => {
    if (n === 0) return;
    await client.query(sql, columns);
    columns = target.columns.map(() => []);
    n = 0;
  };
  for (const row of rows) {
    for (let i = 0; i < columns.length; i++) (columns[i] as BulkValue[]).push(row[i] ?? null);
    if (++n >= UNNEST_CHUNK) await flush();
  }
  await flush();
}
