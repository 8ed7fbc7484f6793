/**
 * Data sources over HTTP: add (credentials encrypted, never returned), list with the last run, change,
 * remove, and sync now — on the Node server with the ingest worker's sync, and a clean 501 where the
 * runtime has none (Workers). Another org's sources are invisible.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, DEFAULT_CONFIG } from '@budget-sync/edge';
import { syncSource } from '@budget-sync/ingest-worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/postgres.ts';
import { budgetCsv, call, type Doc, expectProblem, jsonOf, newOrg, type TestApp, type TestOrg, testApp } from './helpers.ts';

process.env.BUDGET_SYNC_SECRET_KEY = randomBytes(32).toString('base64');

const db = await freshDatabase();
/** Like the Node server: the app can run a sync now. */
const node: TestApp = {
  db,
  unexpected: [],
  app: createApp({
    database: async () => ({ db, release: async () => {} }),
    config: { ...DEFAULT_CONFIG, authCacheMs: 0 },
    console: { syncSource: async (d, id) => syncSource(d, id, { trigger: 'api' }) },
  }),
};
/** Like Workers: no way to reach files. */
const edge: TestApp = testApp(db);
let org: TestOrg;
let other: TestOrg;
let admin: string;

beforeAll(async () => {
  org = await newOrg(db);
  other = await newOrg(db, 'Other');
  admin = await org.key('sources:admin');
});

describe('data sources over the API', () => {
  it('adds an SFTP source whose credentials are stored but never returned', async () => {
    const password = `pw-${randomBytes(8).toString('hex')}`;
    const res = await call(node, 'POST', '/api/sources', {
      key: admin,
      json: {
        type: 'sftp',
        name: 'Nightly SFTP',
        config: { host: 'sftp.example.com', username: 'budget', directory: '/out', glob: '*.csv' },
        secrets: { password },
        schedule: '0 2 * * *',
        timezone: 'Europe/Berlin',
      },
    });
    expect(res.status).toBe(201);
    const text = await res.text();
    expect(text).not.toContain(password);
    const created = JSON.parse(text) as Doc;
    expect(created).toMatchObject({ name: 'Nightly SFTP', type: 'sftp', hasSecrets: true, schedule: '0 2 * * *', lastRun: null });
    const listed = await call(node, 'GET', '/api/sources', { key: admin });
    expect(await listed.clone().text()).not.toContain(password);
    expect(((await jsonOf(listed)).sources as Doc[]).map((s) => s.name)).toEqual(['Nightly SFTP']);
    const stored = await db.pool.query('SELECT secret_ciphertext::text AS c, config::text AS k FROM data_sources WHERE id = $1', [
      created.id,
    ]);
    expect(JSON.stringify(stored.rows)).not.toContain(password);
  });

  it('syncs a folder source now and reports each file; changes and removes it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'budget-sync-api-source-'));
    writeFileSync(join(dir, 'budget.csv'), budgetCsv([['Marketing', 'Travel', '2026-01', '100.00']]));
    const created = await jsonOf(
      await call(node, 'POST', '/api/sources', { key: admin, json: { type: 'folder', config: { directory: dir, stabilitySeconds: 0 } } }),
    );
    const synced = await call(node, 'POST', `/api/sources/${created.id}/sync`, { key: admin });
    expect(synced.status).toBe(200);
    const report = await jsonOf(synced);
    expect(report.status).toBe('succeeded');
    expect(report.files).toEqual([expect.objectContaining({ name: 'budget.csv', status: 'imported' })]);
    const listed = (await jsonOf(await call(node, 'GET', '/api/sources', { key: admin }))).sources as Doc[];
    expect(listed.find((s) => s.id === created.id)?.lastRun).toMatchObject({ status: 'succeeded', trigger: 'api' });

    const changed = await jsonOf(
      await call(node, 'PATCH', `/api/sources/${created.id}`, { key: admin, json: { enabled: false, mode: 'replace' } }),
    );
    expect(changed).toMatchObject({ enabled: false, mode: 'replace' });
    expect((await call(node, 'DELETE', `/api/sources/${created.id}`, { key: admin })).status).toBe(204);
    await expectProblem(await call(node, 'DELETE', `/api/sources/${created.id}`, { key: admin }), 404, 'source.not_found');
  });

  it('answers 501 for sync where the runtime cannot reach files, and refuses bad input with 4xx', async () => {
    const created = await jsonOf(
      await call(edge, 'POST', '/api/sources', { key: admin, json: { type: 'folder', config: { directory: '/tmp' } } }),
    );
    await expectProblem(await call(edge, 'POST', `/api/sources/${created.id}/sync`, { key: admin }), 501, 'sources.sync_unavailable');
    await expectProblem(
      await call(edge, 'POST', '/api/sources', { key: admin, json: { type: 'ftp', config: {} } }),
      400,
      'request.invalid',
    );
    await expectProblem(
      await call(edge, 'POST', '/api/sources', { key: admin, json: { type: 'sftp', config: { host: 'h' }, schedule: 'every day' } }),
      422,
      'input.invalid',
    );
    await expectProblem(await call(edge, 'PATCH', '/api/sources/not-a-uuid', { key: admin, json: {} }), 404, 'source.not_found');
  });

  it("needs sources:admin, and one org never sees another's sources", async () => {
    await expectProblem(await call(node, 'GET', '/api/sources', { key: await org.key('imports:write') }), 403, 'auth.forbidden');
    const mine = (await jsonOf(await call(node, 'GET', '/api/sources', { key: admin }))).sources as Doc[];
    expect(mine.length).toBeGreaterThan(0);
    const theirs = await jsonOf(await call(node, 'GET', '/api/sources', { key: other.admin }));
    expect(theirs.sources).toEqual([]);
    const id = mine[0]?.id as string;
    await expectProblem(await call(node, 'POST', `/api/sources/${id}/sync`, { key: other.admin }), 404, 'source.not_found');
    await expectProblem(
      await call(node, 'PATCH', `/api/sources/${id}`, { key: other.admin, json: { enabled: false } }),
      404,
      'source.not_found',
    );
    await expectProblem(await call(node, 'DELETE', `/api/sources/${id}`, { key: other.admin }), 404, 'source.not_found');
  });
});
