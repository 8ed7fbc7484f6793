/**
 * Child process for the ingest figures: one sync of one source through the real path (syncSource:
 * download, hash, analyse, applyImport), so that its peak RSS is that run's alone. Prints one JSON object:
 * wall time, the download's share, the import transaction's own duration, peak RSS, and the outcome.
 */
import { openDatabase } from '@budget-sync/db/node';
import { syncSource } from '@budget-sync/ingest-worker';
import { peakRssMb } from '../../test/support/peak-rss.ts';

const [url, sourceId] = process.argv.slice(2);
if (!url || !sourceId) throw new Error('usage: ingest-child.ts DATABASE_URL SOURCE_ID');
const db = await openDatabase({ url, migrate: false, max: 4 });
try {
  let downloadStart = 0;
  let downloadEnd = 0;
  const t0 = performance.now();
  const report = await syncSource(db, sourceId, {
    trigger: 'bench',
    stabilityWindowMs: 0,
    onEvent: (e) => {
      if (e.type !== 'download') return;
      downloadStart ||= performance.now();
      if (e.transferred === e.total) downloadEnd = performance.now();
    },
  });
  const ms = performance.now() - t0;
  const file = report.files[0];
  const h = file?.importId
    ? await db.pool.query<{ duration_ms: number; inserted: number }>('SELECT duration_ms, inserted FROM import_history WHERE id = $1', [
        file.importId,
      ])
    : null;
  process.stdout.write(
    JSON.stringify({
      ms,
      downloadMs: downloadEnd - downloadStart,
      importMs: h?.rows[0]?.duration_ms ?? null,
      inserted: h?.rows[0]?.inserted ?? 0,
      status: file?.status ?? report.status,
      reason: file?.reason ?? report.reason,
      peakRssMb: peakRssMb(),
    }),
  );
} finally {
  await db.close();
}
