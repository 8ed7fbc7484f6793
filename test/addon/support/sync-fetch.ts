/**
 * A synchronous HTTP client, as UrlFetchApp.fetch is in Apps Script, doing real requests. A worker
 * thread runs Node's fetch; the calling thread posts the request, blocks on Atomics.wait until the worker
 * signals, and takes the answer with receiveMessageOnPort (no event-loop turn needed). The server it calls
 * must not run on the blocked thread: the tests run the API as a separate process.
 */
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';

export interface SyncRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: Uint8Array | null;
  followRedirects: boolean;
}

export type SyncResponse = { ok: true; status: number; headers: Record<string, string>; body: Uint8Array } | { ok: false; error: string };

const TIMEOUT_MS = 60_000;

export class SyncFetcher {
  readonly #worker: Worker;
  readonly #port: MessagePort;
  readonly #signal = new Int32Array(new SharedArrayBuffer(4));

  constructor() {
    const { port1, port2 } = new MessageChannel();
    this.#worker = new Worker(new URL('./sync-fetch-worker.ts', import.meta.url), {
      workerData: { port: port2, signal: this.#signal.buffer },
      transferList: [port2],
    });
    this.#worker.unref();
    this.#port = port1;
  }

  fetch(request: SyncRequest): SyncResponse {
    Atomics.store(this.#signal, 0, 0);
    this.#port.postMessage(request);
    // UrlFetchApp's own deadline is about 60 s per call.
    if (Atomics.wait(this.#signal, 0, 0, TIMEOUT_MS) === 'timed-out') return { ok: false, error: 'Timeout' };
    const received = receiveMessageOnPort(this.#port);
    if (!received) throw new Error('sync fetch: the worker signalled without an answer');
    return received.message as SyncResponse;
  }

  async close(): Promise<void> {
    this.#port.close();
    await this.#worker.terminate();
  }
}
