/**
 * The API server for the `check` bench, in a child process of its own so that the load generator in the
 * parent does not share its event loop: the real createApp on @hono/node-server with one pg pool, as
 * `budget-sync serve` runs it, plus a bench-only bare route on the same app and pool that runs `SELECT 1`
 * (the ceiling the check is compared with; it is never part of the product). Prints `{"port":N}` once
 * listening; stops on SIGTERM.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { openDatabase } from '@budget-sync/db/node';
import { createApp, parseConfig } from '@budget-sync/edge';

const url = process.env.BENCH_DATABASE_URL;
if (!url) throw new Error('BENCH_DATABASE_URL is not set');
// The pool size `budget-sync serve` uses (edge/src/node.ts).
const db = await openDatabase({ url, max: Number(process.env.BENCH_POOL_SIZE ?? 20), migrate: false });
// Configured from the environment as `budget-sync serve` is (BUDGET_SYNC_AUTH_CACHE_SECONDS=0: no key cache).
const app = createApp({ database: async () => ({ db, release: async () => {} }), config: parseConfig(process.env) });
// Under /api/ so it passes the same body limit and database lease as the real routes; no auth, no validation.
app.post('/api/bench/select1', async (c) => {
  await c.req.text();
  const lease = await c.var.database();
  await lease.pool.query('SELECT 1');
  return c.json({ ok: true });
});
const http = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
http.once('listening', () => {
  process.stdout.write(`${JSON.stringify({ port: (http.address() as AddressInfo).port })}\n`);
});
process.once('SIGTERM', () => {
  http.closeAllConnections();
  http.close(() => {
    void db.close().then(() => process.exit(0));
  });
});
