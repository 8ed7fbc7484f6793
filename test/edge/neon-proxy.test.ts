/**
 * The Neon serverless driver from Node, through the test WebSocket→TCP proxy the workerd tests use:
 * the proxy forwards only to the configured Postgres, and over it the services the Worker runs keep
 * their guarantees (row locks, transactions, the unnest import path) with Neon's Pool in place of pg's.
 */
import { type Database, reserveFunds } from '@budget-sync/db';
import { neonConfig, Pool } from '@neondatabase/serverless';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { importRows, newOrg } from '../db/helpers.ts';
import { freshDatabase } from '../support/postgres.ts';
import { startWsProxy, type WsProxy } from '../support/ws-proxy.ts';

const db = await freshDatabase();
let proxy: WsProxy;
let neon: Pool;

beforeAll(async () => {
  const u = new URL(db.url);
  proxy = await startWsProxy({ target: { host: u.hostname, port: Number(u.port || 5432) } });
  neonConfig.webSocketConstructor = WebSocket;
  neonConfig.wsProxy = (host, port) => `${proxy.address}?address=${host}:${port}`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineTLS = false;
  neonConfig.pipelineConnect = false;
  // In Node, coalesced writes can reorder with the socket's own buffering (DESIGN §4).
  neonConfig.coalesceWrites = false;
  neon = new Pool({ connectionString: db.url, max: 4 });
});

afterAll(async () => {
  await neon?.end();
  await proxy?.close();
});

describe('the WebSocket proxy', () => {
  it('refuses to forward anywhere but the configured Postgres', async () => {
    const before = proxy.refused();
    const status = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`ws://${proxy.address}?address=127.0.0.1:22`);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => reject(new Error('the proxy accepted another address')));
      ws.on('error', () => {});
    });
    expect(status).toBe(403);
    expect(proxy.refused()).toBe(before + 1);
  });
});

describe('Neon Pool over the proxy', () => {
  it('keeps SELECT … FOR UPDATE locks across connections until commit', async () => {
    const orgId = await newOrg(db, 'Locks');
    const a = await neon.connect();
    const b = await neon.connect();
    try {
      await a.query('BEGIN');
      await a.query('SELECT id FROM organizations WHERE id = $1 FOR UPDATE', [orgId]);
      await b.query('BEGIN');
      await expect(b.query('SELECT id FROM organizations WHERE id = $1 FOR UPDATE NOWAIT', [orgId])).rejects.toMatchObject({
        code: '55P03',
      });
      await b.query('ROLLBACK');
      await a.query('COMMIT');
      await b.query('BEGIN');
      expect((await b.query('SELECT id FROM organizations WHERE id = $1 FOR UPDATE NOWAIT', [orgId])).rowCount).toBe(1);
      await b.query('COMMIT');
    } finally {
      a.release();
      b.release();
    }
  });

  it('runs an import without COPY and concurrent reservations with the services unchanged', async () => {
    const viaNeon: Database = { pool: neon as unknown as pg.Pool, describe: 'neon', supportsCopy: false, close: async () => {} };
    const orgId = await newOrg(viaNeon, 'Neon Co');
    const result = await importRows(viaNeon, orgId, [
      ['Ops', 'Cloud', '2026-02', '100.00'],
      ['Ops', 'Travel', '2026-02', '50.00'],
    ]);
    expect(result).toMatchObject({ status: 'succeeded', counts: { inserted: 2 } });
    const ask = { department: 'Ops', category: 'Cloud', period: '2026-02', amount: '30', actor: 'test' };
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, () => reserveFunds(viaNeon.pool, orgId, ask)));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(3);
    expect(outcomes.filter((o) => o.status === 'rejected').map((o) => (o.reason as { code?: string }).code)).toEqual(
      Array(5).fill('budget.insufficient'),
    );
    const held = await db.pool.query<{ s: string }>('SELECT sum(reserved)::text AS s FROM reservations WHERE org_id = $1', [orgId]);
    expect(held.rows[0]?.s).toBe('90.00');
  });
});
