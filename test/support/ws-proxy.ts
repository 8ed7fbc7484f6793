/**
 * A WebSocket→TCP proxy in front of the test Postgres, so the Neon serverless driver (which speaks the
 * Postgres protocol over WebSockets) can reach a plain local server, from Node or from inside workerd
 * (DESIGN §4). It forwards only to the one configured host:port and refuses any other `address`, so it
 * cannot be used to reach anything else on the machine.
 *
 * Like Neon's pooled endpoint it queues connections beyond `maxUpstream` instead of letting them fail
 * with "too many clients": the concurrency tests open far more sockets than Postgres' max_connections.
 */
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';

export interface WsProxy {
  /** What the driver's `wsProxy` needs: `host:port/v2`, without protocol (the proxy speaks plain ws). */
  address: string;
  /** Most upstream connections open at once so far. */
  peakUpstream(): number;
  /** Upgrades refused because they named another address. */
  refused(): number;
  close(): Promise<void>;
}

export interface WsProxyOptions {
  /** The only Postgres address it forwards to. */
  target: { host: string; port: number };
  maxUpstream?: number;
}

function toBuffer(data: RawData): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.isBuffer(data) ? data : Buffer.from(data);
}

export async function startWsProxy(options: WsProxyOptions): Promise<WsProxy> {
  const allowed = `${options.target.host}:${options.target.port}`;
  const maxUpstream = options.maxUpstream ?? 16;
  const waiting: Array<() => void> = [];
  let open = 0;
  let peak = 0;
  let refused = 0;

  const acquire = () =>
    new Promise<void>((resolve) => {
      if (open < maxUpstream) {
        open++;
        peak = Math.max(peak, open);
        resolve();
      } else waiting.push(resolve);
    });
  const releaseSlot = () => {
    const next = waiting.shift();
    if (next) next();
    else open--;
  };

  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    verifyClient: (info: { req: IncomingMessage }, done: (ok: boolean, code?: number, message?: string) => void) => {
      const address = new URL(info.req.url ?? '/', 'http://proxy').searchParams.get('address');
      if (address === allowed) return done(true);
      refused++;
      done(false, 403, `only ${allowed} is allowed`);
    },
  });
  wss.on('connection', (ws: WebSocket) => {
    // The client starts talking (startup message) before a slot may be free: hold its bytes until then.
    const pending: Buffer[] = [];
    let tcp: net.Socket | undefined;
    let closed = false;
    ws.on('message', (data) => (tcp ? tcp.write(toBuffer(data)) : pending.push(toBuffer(data))));
    ws.on('close', () => {
      closed = true;
      tcp?.destroy();
    });
    ws.on('error', () => ws.terminate());
    acquire().then(() => {
      if (closed) return releaseSlot();
      const socket = net.connect(options.target.port, options.target.host);
      tcp = socket;
      socket.setNoDelay(true);
      for (const chunk of pending.splice(0)) socket.write(chunk);
      socket.on('data', (chunk) => ws.send(chunk));
      socket.on('error', () => ws.terminate());
      socket.once('close', () => {
        releaseSlot();
        ws.close();
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  const { port } = wss.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}/v2`,
    peakUpstream: () => peak,
    refused: () => refused,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}
