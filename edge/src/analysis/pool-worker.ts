/**
 * A thread of the analysis pool (pool.ts): analyses one file per message with core's reader and analysis
 * (analyzer.ts's analyzeBytes, as every door) and posts the result back. The file's buffer arrives
 * transferred and goes back transferred (or, for a kept copy, its gzip does), so nothing is copied but
 * the analysis itself.
 */
import { promisify } from 'node:util';
import { parentPort } from 'node:worker_threads';
import { gzip } from 'node:zlib';
import { isFileReadError } from '@budget-sync/core';
import { analyzeBytes, ownBuffer } from './analyzer.ts';
import { encodeLines } from './lines-codec.ts';
import type { PoolReply, PoolRequest } from './pool.ts';

const gzipAsync = promisify(gzip);

async function handle(job: PoolRequest): Promise<{ reply: PoolReply; transfer: ArrayBuffer[] }> {
  const bytes = new Uint8Array(job.buffer);
  // The kept copy is compressed on the thread pool while this thread analyses (as the ingest did in-process).
  const kept = job.keep === 'gzip' ? gzipAsync(bytes, { level: 1 }) : null;
  kept?.catch(() => {});
  try {
    const full = analyzeBytes({ bytes, fileName: job.fileName, read: job.read, analyze: job.analyze });
    // A kept file's bytes are not sent back: once gzipped (long done, level 1 is faster than the
    // analysis) they are detached, which frees them now, not at some later garbage collection, so that
    // they are not held beside the lines and their encoding (a 1M-row CSV's 73 MB; the sync's peak fell ≈ 45 MB).
    const size = bytes.byteLength;
    const gz = kept ? ownBuffer(await kept) : null;
    // ES2024's ArrayBuffer.prototype.transfer (Node 22), not in this project's TypeScript lib yet.
    if (gz) (job.buffer as ArrayBuffer & { transfer(length: number): ArrayBuffer }).transfer(0);
    // The lines go back encoded (lines-codec.ts), the rest of the analysis as it is.
    const lines = encodeLines(full.lines);
    const analysis = { ...full, lines: [] };
    if (gz) {
      const reply: PoolReply = { id: job.id, analysis, lines, gzip: gz.buffer, size };
      return { reply, transfer: [gz.buffer, lines.columns.buffer] };
    }
    return { reply: { id: job.id, analysis, lines, buffer: job.buffer }, transfer: [job.buffer, lines.columns.buffer] };
  } catch (e) {
    const error = isFileReadError(e)
      ? { file: true as const, code: e.code, fileName: e.file, message: e.message, row: e.row, column: e.column }
      : { file: false as const, message: e instanceof Error ? (e.stack ?? e.message) : String(e) };
    return { reply: { id: job.id, error }, transfer: [] };
  }
}

parentPort?.on('message', (job: PoolRequest) => {
  void handle(job).then(({ reply, transfer }) => parentPort?.postMessage(reply, transfer));
});
