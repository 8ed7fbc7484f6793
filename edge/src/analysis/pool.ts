/**
 * The analysis pool (Node only): a few worker threads that read and analyse uploaded files, so that the
 * server's event loop keeps answering (health checks, budget checks, other uploads) while a large or
 * hostile file is parsed. Files wait in a queue for a free thread. Each file gets a time limit and each
 * thread a heap limit (`resourceLimits`); a file that hits one gets a FileReadError `file.too_complex`
 * naming the file and the limit, and its thread is replaced. The file's bytes are transferred to the
 * thread and back (not copied); only the analysis is cloned on its way back.
 *
 * One pool per process (`sharedAnalysisPool`), made on first use; idle threads do not keep the process alive.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type Analysis, type AnalyzeOptions, FileReadError, type FileErrorCode } from '@budget-sync/core';
import type { ReadOptions } from '@budget-sync/core/readers';
import { type AnalyzeInput, type Analyzed, ownBuffer } from './analyzer.ts';
import { decodeLines, type EncodedLines, LINE_FIELDS } from './lines-codec.ts';

export interface PoolOptions {
  /** Worker threads; default 1 on a 2-core machine, 2 on more. */
  threads?: number;
  /** Longest one file may take to read and analyse. */
  timeoutMs?: number;
  /** Heap (old generation) a thread may use. */
  memoryMb?: number;
}

/** What travels to a thread. */
export interface PoolRequest {
  id: number;
  buffer: ArrayBuffer;
  fileName: string;
  read: ReadOptions;
  analyze: AnalyzeOptions;
  /** `gzip`: send back the file gzipped (level 1, for keeping) instead of its bytes. */
  keep: 'bytes' | 'gzip';
}

type WorkerError =
  | { file: true; code: FileErrorCode; fileName: string; message: string; row: number | null; column: number | null }
  | { file: false; message: string };

/** What comes back: the analysis without its lines, and the lines encoded. */
export type PoolReply =
  | { id: number; analysis: Analysis; lines: EncodedLines; buffer: ArrayBuffer }
  | { id: number; analysis: Analysis; lines: EncodedLines; gzip: ArrayBuffer; size: number }
  | { id: number; error: WorkerError };

export interface AnalyzedKept {
  analysis: Analysis;
  /** The file as its size and gzip, the shape applyImport keeps (db's KeptFile). */
  kept: { size: number; gzip: Promise<Uint8Array> };
}

interface Job {
  request: PoolRequest;
  resolve(reply: PoolReply): void;
  reject(e: unknown): void;
}

interface Thread {
  worker: Worker;
  job: Job | null;
  timer: ReturnType<typeof setTimeout> | null;
}

export const DEFAULT_POOL_OPTIONS = {
  threads: availableParallelism() > 2 ? 2 : 1,
  timeoutMs: 120_000,
  memoryMb: 2048,
} as const satisfies Required<PoolOptions>;

const WORKER_URL = new URL('./pool-worker.ts', import.meta.url);

/**
 * The young generation of a thread's heap. V8's default (sized for the main thread) let a 1M-row analysis
 * keep ≈ 25 MB more in new space, on top of the parent's own; a smaller one costs no measurable time
 * there. The heap limit of the defence is the old generation's (memoryMb), untouched by this.
 */
const YOUNG_GENERATION_MB = 8;

/** A thread that analysed more lines than this is ended and replaced (see #recycle). */
const RECYCLE_AFTER_LINES = 100_000;

export class AnalysisPool {
  readonly #options: Required<PoolOptions>;
  readonly #threads: Thread[] = [];
  readonly #queue: Job[] = [];
  #nextId = 1;
  #closed = false;

  constructor(options: PoolOptions = {}) {
    this.#options = { ...DEFAULT_POOL_OPTIONS, ...options };
  }

  /** The Analyzer of the app (analyzer.ts): the file's bytes come back with the analysis. */
  readonly analyze = async (input: AnalyzeInput): Promise<Analyzed> => {
    const reply = await this.#run(input, 'bytes');
    if (!('buffer' in reply)) throw new Error('analysis pool: a reply without the file');
    return { analysis: withLines(reply), bytes: new Uint8Array(reply.buffer) };
  };

  /** For a file to be kept with its import: the gzip is made in the thread, beside the analysis. */
  async analyzeAndKeep(input: AnalyzeInput): Promise<AnalyzedKept> {
    const reply = await this.#run(input, 'gzip');
    if (!('gzip' in reply)) throw new Error('analysis pool: a reply without the kept file');
    return { analysis: withLines(reply), kept: { size: reply.size, gzip: Promise.resolve(new Uint8Array(reply.gzip)) } };
  }

  /** Stops every thread; queued and running files are refused. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const job of this.#queue.splice(0)) job.reject(new Error('the analysis pool was closed'));
    await Promise.all(this.#threads.splice(0).map((t) => this.#retire(t, new Error('the analysis pool was closed'))));
  }

  #run(input: AnalyzeInput, keep: PoolRequest['keep']): Promise<PoolReply> {
    if (this.#closed) return Promise.reject(new Error('the analysis pool was closed'));
    const bytes = ownBuffer(input.bytes);
    const request: PoolRequest = {
      id: this.#nextId++,
      buffer: bytes.buffer,
      fileName: input.fileName,
      read: input.read,
      analyze: input.analyze,
      keep,
    };
    return new Promise<PoolReply>((resolve, reject) => {
      this.#queue.push({ request, resolve, reject });
      this.#dispatch();
    }).then((reply) => {
      if ('error' in reply) throw rebuildError(reply.error);
      return reply;
    });
  }

  #dispatch(): void {
    while (this.#queue.length > 0) {
      let thread = this.#threads.find((t) => t.job === null);
      if (!thread) {
        if (this.#threads.length >= this.#options.threads) return;
        thread = this.#spawn();
      }
      const job = this.#queue.shift() as Job;
      this.#start(thread, job);
    }
  }

  #spawn(): Thread {
    const worker = new Worker(WORKER_URL, {
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: this.#options.memoryMb, maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
    });
    const thread: Thread = { worker, job: null, timer: null };
    worker.unref();
    worker.on('message', (reply: PoolReply) => {
      if ('lines' in reply && reply.lines.columns.length > RECYCLE_AFTER_LINES * LINE_FIELDS) void this.#recycle(thread, reply);
      else this.#finish(thread, (job) => job.resolve(reply));
    });
    worker.on('error', (e: Error & { code?: string }) => {
      const job = thread.job;
      const limit =
        e.code === 'ERR_WORKER_OUT_OF_MEMORY' && job
          ? tooComplex(job.request.fileName, `more than ${this.#options.memoryMb} MB of memory`)
          : e;
      void this.#retire(thread, limit);
    });
    worker.on('exit', () => void this.#retire(thread, new Error('an analysis thread stopped')));
    this.#threads.push(thread);
    return thread;
  }

  #start(thread: Thread, job: Job): void {
    thread.job = job;
    thread.worker.ref();
    const { fileName } = job.request;
    thread.timer = setTimeout(() => {
      void this.#retire(thread, tooComplex(fileName, `longer than ${formatSeconds(this.#options.timeoutMs)}`));
    }, this.#options.timeoutMs);
    thread.worker.postMessage(job.request, [job.request.buffer]);
  }

  #finish(thread: Thread, settle: (job: Job) => void): void {
    const job = thread.job;
    if (thread.timer) clearTimeout(thread.timer);
    thread.timer = null;
    thread.job = null;
    thread.worker.unref();
    if (job) settle(job);
    this.#dispatch();
  }

  /**
   * Ends a thread that has just analysed a large file, then hands the reply on. The thread's heap still
   * holds that analysis (garbage it has not collected yet); ending the thread returns it at once, before
   * the lines are rebuilt here, so that the two copies never add up (1M lines: a 0.7 GB peak otherwise).
   */
  async #recycle(thread: Thread, reply: PoolReply): Promise<void> {
    const i = this.#threads.indexOf(thread);
    if (i >= 0) this.#threads.splice(i, 1);
    const job = thread.job;
    if (thread.timer) clearTimeout(thread.timer);
    thread.job = null;
    thread.worker.removeAllListeners('exit');
    thread.worker.on('error', () => {});
    await thread.worker.terminate();
    job?.resolve(reply);
    this.#dispatch();
  }

  /** Takes a thread out of the pool (its file, if any, fails with `why`) and lets the queue go on. */
  async #retire(thread: Thread, why: unknown): Promise<void> {
    const i = this.#threads.indexOf(thread);
    if (i < 0) return;
    this.#threads.splice(i, 1);
    this.#finish(thread, (job) => job.reject(why));
    thread.worker.removeAllListeners('exit');
    thread.worker.on('error', () => {});
    await thread.worker.terminate();
  }
}

function withLines(reply: { analysis: Analysis; lines: EncodedLines }): Analysis {
  reply.analysis.lines = decodeLines(reply.lines);
  return reply.analysis;
}

function rebuildError(error: WorkerError): Error {
  if (!error.file) return new Error(`analysis failed in a worker thread: ${error.message}`);
  return new FileReadError(error.code, error.fileName, error.message, { row: error.row, column: error.column });
}

function formatSeconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

function tooComplex(fileName: string, what: string): FileReadError {
  const base = fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1) || 'the file';
  return new FileReadError(
    'file.too_complex',
    fileName,
    `"${base}" needed ${what} to read and analyse, the limit for one file; nothing was imported. Split it into smaller files, or remove what it does not need (other sheets, formatting), and upload them again.`,
  );
}

let shared: AnalysisPool | null = null;

/**
 * The process's pool, made on first use from BUDGET_SYNC_ANALYSIS_THREADS, BUDGET_SYNC_ANALYSIS_TIMEOUT_SECONDS
 * and BUDGET_SYNC_ANALYSIS_MEMORY_MB (positive numbers; the defaults otherwise).
 */
export function sharedAnalysisPool(env: Record<string, string | undefined> = process.env): AnalysisPool {
  if (shared) return shared;
  const number = (name: string): number | undefined => {
    const text = env[name]?.trim();
    if (!text) return undefined;
    const n = Number(text);
    if (!(n > 0)) throw new Error(`Invalid configuration: ${name} must be a positive number, not "${text}"`);
    return n;
  };
  const threads = number('BUDGET_SYNC_ANALYSIS_THREADS');
  const seconds = number('BUDGET_SYNC_ANALYSIS_TIMEOUT_SECONDS');
  const memoryMb = number('BUDGET_SYNC_ANALYSIS_MEMORY_MB');
  shared = new AnalysisPool({
    ...(threads !== undefined ? { threads: Math.ceil(threads) } : {}),
    ...(seconds !== undefined ? { timeoutMs: seconds * 1000 } : {}),
    ...(memoryMb !== undefined ? { memoryMb } : {}),
  });
  return shared;
}
