/**
 * How the app turns an uploaded file into an Analysis: an Analyzer. In Workers (an isolate per request)
 * and in tests it runs in the request's own thread; on Node the server hands it to a pool of worker
 * threads (pool.ts) so that one slow or hostile file never holds up the event loop. Either way it is the
 * same core call, readWorkbook then analyzeWorkbook: the same analysis through every door.
 */
import { type Analysis, type AnalyzeOptions, analyzeWorkbook } from '@budget-sync/core';
import { type ReadOptions, readWorkbook } from '@budget-sync/core/readers';

export interface AnalyzeInput {
  /** The file. An analyzer may take its buffer (transfer it to another thread): use the returned bytes after. */
  bytes: Uint8Array;
  fileName: string;
  read: ReadOptions;
  analyze: AnalyzeOptions;
}

export interface Analyzed {
  analysis: Analysis;
  /** The file's bytes, the same content as the input's (the input's buffer may have been moved). */
  bytes: Uint8Array;
}

export type Analyzer = (input: AnalyzeInput) => Promise<Analyzed>;

/** Reads and analyses in the calling thread. Throws the reader's FileReadError for input it cannot read. */
export function analyzeBytes(input: AnalyzeInput): Analysis {
  return analyzeWorkbook(readWorkbook(input.bytes, input.fileName, input.read), input.analyze);
}

export const analyzeInProcess: Analyzer = async (input) => ({ analysis: analyzeBytes(input), bytes: input.bytes });

/** A buffer filled by the bytes alone can be transferred as is; other bytes are copied into one that is. */
export function ownBuffer(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const whole = bytes.buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  // A copy into a buffer of its own (a Buffer's slice() would share the pooled memory).
  return whole ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
}
