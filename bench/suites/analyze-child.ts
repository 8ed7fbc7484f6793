/**
 * Child process for the 1M-row figures, so that each peak RSS is that run's alone. By default it reads the
 * file and analyzes it as the CLI does (the bytes are a view of the read buffer; the caller keeps no
 * reference of its own once the workbook is read). With --baseline it loads only papaparse and streams
 * the file from disk through it (a read stream piped into papaparse, counting rows and keeping none):
 * the least any reader of the file must hold.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { peakRssMb } from '../../test/support/peak-rss.ts';

const args = process.argv.slice(2);
const baseline = args[0] === '--baseline';
const path = args[args.length - 1] as string;

/** Loads what a mode needs (not timed), then returns the run to time. */
async function prepare(): Promise<() => Promise<number>> {
  if (baseline) {
    const { default: Papa } = await import('papaparse');
    // papaparse's duplex stream, piped: the read stream waits while papaparse is behind (given the stream
    // itself, papaparse queues every chunk the disk delivers, and its peak depends on the disk's speed).
    return () =>
      new Promise<number>((resolve, reject) => {
        let lines = 0;
        const parser = Papa.parse(Papa.NODE_STREAM_INPUT, {});
        parser.on('data', () => void lines++);
        parser.on('end', () => resolve(lines));
        parser.on('error', reject);
        createReadStream(path).on('error', reject).pipe(parser);
      });
  }
  const { analyzeWorkbook } = await import('@budget-sync/core');
  const { readWorkbook } = await import('@budget-sync/core/readers');
  // In a function of its own, so nothing here outlives the call but what the workbook itself keeps.
  return async () => {
    const buffer = readFileSync(path);
    const workbook = readWorkbook(new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength), basename(path));
    return analyzeWorkbook(workbook).lines.length;
  };
}

const run = await prepare();
const t0 = performance.now();
const lines = await run();
const ms = performance.now() - t0;
process.stdout.write(JSON.stringify({ ms, lines, peakRssMb: peakRssMb() }));
