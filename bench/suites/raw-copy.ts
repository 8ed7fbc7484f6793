/**
 * The benchmarks' baseline: rows streamed by a bare `COPY FROM STDIN` into budget_lines (with its
 * indexes), nothing else. Each caller gives the rows as COPY text lines in the column order below.
 */
import type { Database } from '@budget-sync/db';
import { from as copyFrom } from 'pg-copy-streams';

export const RAW_COPY_COLUMNS =
  'id, org_id, department, category, project, period, period_start, period_end, fiscal_year, amount, currency, owner, notes';

export async function rawCopy(db: Database, rows: Iterable<string>): Promise<void> {
  const client = await db.pool.connect();
  try {
    const stream = client.query(copyFrom(`COPY budget_lines (${RAW_COPY_COLUMNS}) FROM STDIN`));
    const done = new Promise<void>((resolve, reject) => {
      stream.on('finish', resolve);
      stream.on('error', reject);
    });
    let chunk = '';
    for (const row of rows) {
      chunk += row;
      if (chunk.length > 256 * 1024) {
        if (!stream.write(chunk)) await new Promise((r) => stream.once('drain', r));
        chunk = '';
      }
    }
    stream.end(chunk);
    await done;
  } finally {
    client.release();
  }
}
