/** The worker behind SyncFetcher (sync-fetch.ts): one fetch per message, answered, then the signal. */
import { type MessagePort, workerData } from 'node:worker_threads';
import type { SyncRequest, SyncResponse } from './sync-fetch.ts';

const { port, signal } = workerData as { port: MessagePort; signal: SharedArrayBuffer };
const flag = new Int32Array(signal);

port.on('message', async (request: SyncRequest) => {
  let answer: SyncResponse;
  try {
    const res = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      ...(request.body !== null ? { body: request.body as Uint8Array<ArrayBuffer> } : {}),
      redirect: request.followRedirects ? 'follow' : 'manual',
    });
    const headers: Record<string, string> = {};
    res.headers.forEach((value, key) => {
      headers[key] = value;
    });
    answer = { ok: true, status: res.status, headers, body: new Uint8Array(await res.arrayBuffer()) };
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    answer = { ok: false, error: cause?.code ?? cause?.message ?? (e as Error).message };
  }
  port.postMessage(answer);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
