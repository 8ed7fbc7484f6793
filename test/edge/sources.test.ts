/**
 * Data sources over HTTP: add (credentials encrypted, never returned), list with the last run, change,
 * remove, and sync now — on the Node server with the ingest worker's sync, and a clean 501 where the
 * runtime has none (Workers). Another org's sources are invisible.
 *
 * The API speaks for a tenant: a folder source is a folder inside the org's own folder under
 * BUDGET_SYNC_FOLDER_ROOT (never another org's, /etc, /proc or a link out), and no host, endpoint or URL
 * may be on the server's own network unless BUDGET_SYNC_ALLOW_PRIVATE_NETWORKS is set.
 */
import { randomBytes } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { addressKind } from '@budget-sync/db';
import { nodePlaceGuard } from '@budget-sync/db/node';
import { createApp, DEFAULT_CONFIG } from '@budget-sync/edge';
import { syncSource } from '@budget-sync/ingest-worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/postgres.ts';
import { budgetCsv, call, type Doc, expectProblem, jsonOf, newOrg, type TestApp, type TestOrg, testApp } from './helpers.ts';

process.env.BUDGET_SYNC_SECRET_KEY = randomBytes(32).toString('base64');
delete process.env.BUDGET_SYNC_ALLOW_PRIVATE_NETWORKS;
/** The operator's root of organization folders. */
const root = mkdtempSync(join(tmpdir(), 'budget-sync-api-root-'));
process.env.BUDGET_SYNC_FOLDER_ROOT = root;

const db = await freshDatabase();
/** Like the Node server: the app can run a sync now. */
const node: TestApp = {
  db,
  unexpected: [],
  app: createApp({
    database: async () => ({ db, release: async () => {} }),
    config: { ...DEFAULT_CONFIG, authCacheMs: 0 },
    placeGuard: nodePlaceGuard,
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
    const dir = join(root, org.orgId, 'incoming');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'budget.csv'), budgetCsv([['Marketing', 'Travel', '2026-01', '100.00']]));
    const created = await jsonOf(
      await call(node, 'POST', '/api/sources', {
        key: admin,
        json: { type: 'folder', config: { directory: './incoming/', stabilitySeconds: 0 }, afterImport: 'move' },
      }),
    );
    expect(created.config).toMatchObject({ directory: 'incoming' });
    expect(created.config).not.toHaveProperty('operatorPath');
    const synced = await call(node, 'POST', `/api/sources/${created.id}/sync`, { key: admin });
    expect(synced.status).toBe(200);
    const report = await jsonOf(synced);
    expect(report.status).toBe('succeeded');
    expect(report.files).toEqual([expect.objectContaining({ name: 'budget.csv', status: 'imported' })]);
    expect(readdirSync(join(dir, 'archive'))).toEqual(['budget.csv']);
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
      await call(edge, 'POST', '/api/sources', {
        key: admin,
        json: { type: 'sftp', config: { host: 'sftp.example.com', username: 'u' }, secrets: { password: 'p' } },
      }),
    );
    await expectProblem(await call(edge, 'POST', `/api/sources/${created.id}/sync`, { key: admin }), 501, 'sources.sync_unavailable');
    // Where nothing can check a folder (Workers), an org gets none.
    const refused = await expectProblem(
      await call(edge, 'POST', '/api/sources', { key: admin, json: { type: 'folder', config: { directory: 'incoming' } } }),
      422,
      'source.folder_refused',
    );
    expect(refused.field).toBe('config.directory');
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

describe("folder sources stay inside the org's folder", () => {
  // "leave": run without the fix, these tests must not move a file of the machine (only tmp files).
  const addFolder = (key: string, directory: string, afterImport: 'leave' | 'move' = 'leave') =>
    call(node, 'POST', '/api/sources', { key, json: { type: 'folder', config: { directory, stabilitySeconds: 0 }, afterImport } });
  const sourcesOf = async (key: string) => (await jsonOf(await call(node, 'GET', '/api/sources', { key }))).sources as Doc[];

  /** Org A's folder, holding a file that org B must never see. */
  function orgAFolder(): string {
    const dir = join(root, org.orgId, 'private');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'a-budget.csv'), budgetCsv([['Secret', 'Travel', '2026-01', '5.00']]));
    return dir;
  }

  it('refuses org B a folder of org A, /etc, /proc/self, a climb out, and a link out of its folder', async () => {
    const aDir = orgAFolder();
    const own = join(root, other.orgId);
    mkdirSync(own, { recursive: true });
    symlinkSync(aDir, join(own, 'to-a'));
    symlinkSync('/etc', join(own, 'to-etc'));
    symlinkSync('/proc/self', join(own, 'to-proc'));
    const attempts = [
      aDir,
      join(root, org.orgId),
      `../${org.orgId}/private`,
      '/etc',
      '/proc/self',
      '../../../../etc',
      'in/../../..',
      '~root',
      'to-a',
      'to-etc',
      'to-etc/ssl',
      'to-proc',
    ];
    for (const directory of attempts) {
      const body = await expectProblem(await addFolder(other.admin, directory), 422, 'source.folder_refused');
      expect(body.field, directory).toBe('config.directory');
      expect(body.detail, directory).toMatch(/your organization's folder/);
    }
    expect(await sourcesOf(other.admin)).toEqual([]);
    // Its own folder (made when missing) and a folder inside it are fine.
    const created = await jsonOf(await addFolder(other.admin, 'drop/2026'));
    expect(created.config).toMatchObject({ directory: 'drop/2026' });
    // …and a change cannot point the source elsewhere.
    for (const directory of ['/etc', `../${org.orgId}`, 'to-a']) {
      await expectProblem(
        await call(node, 'PATCH', `/api/sources/${created.id}`, { key: other.admin, json: { config: { directory } } }),
        422,
        'source.folder_refused',
      );
    }
  });

  it('offers no folder source when the operator set no folder root', async () => {
    delete process.env.BUDGET_SYNC_FOLDER_ROOT;
    try {
      const body = await expectProblem(await addFolder(admin, 'incoming'), 422, 'source.folder_refused');
      expect(body.detail).toMatch(/BUDGET_SYNC_FOLDER_ROOT/);
    } finally {
      process.env.BUDGET_SYNC_FOLDER_ROOT = root;
    }
  });

  it('refuses at sync time a folder swapped for a link after it was configured, and reads and moves nothing', async () => {
    const aDir = orgAFolder();
    const dir = join(root, other.orgId, 'swapped');
    mkdirSync(dir, { recursive: true });
    const created = await jsonOf(await addFolder(other.admin, 'swapped', 'move'));
    expect(created.id).toEqual(expect.any(String));
    // Later the folder becomes a link to org A's folder.
    rmSync(dir, { recursive: true });
    symlinkSync(aDir, dir);
    const report = await jsonOf(await call(node, 'POST', `/api/sources/${created.id}/sync`, { key: other.admin }));
    expect(report.status).toBe('failed');
    expect(report.reason).toMatch(/outside your organization's folder/);
    expect(report.files).toEqual([]);
    expect(readdirSync(aDir)).toEqual(['a-budget.csv']);
    const imports = await db.pool.query('SELECT 1 FROM import_history WHERE org_id = $1', [other.orgId]);
    expect(imports.rowCount).toBe(0);
  });
});

describe("hosts on the server's own network", () => {
  const addSftp = (host: string) =>
    call(node, 'POST', '/api/sources', {
      key: admin,
      json: { type: 'sftp', config: { host, username: 'budget' }, secrets: { password: 'secret-password' } },
    });
  const addS3 = (endpoint: string) =>
    call(node, 'POST', '/api/sources', {
      key: admin,
      json: { type: 's3', config: { bucket: 'b', endpoint, accessKeyId: 'AKIA' }, secrets: { secretAccessKey: 'x' } },
    });
  /** Loopback, private, link-local and metadata addresses in the spellings resolvers accept. */
  const PRIVATE_HOSTS = [
    '127.0.0.1',
    '2130706433',
    '0x7f.0.0.1',
    '0177.0.0.1',
    '127.1',
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '100.100.100.200',
    '169.254.169.254',
    '0xa9fea9fe',
    '0.0.0.0',
    '::1',
    '[::1]',
    '::ffff:127.0.0.1',
    '::ffff:a9fe:a9fe',
    '0:0:0:0:0:0:0:1',
    'fd00:ec2::254',
    'fc00::1',
    'fe80::1%eth0',
    'localhost',
    'LocalHost.',
    'db.localhost',
    'metadata.google.internal',
  ];

  it('refuses an SFTP host on it, naming the field and what to do', async () => {
    for (const host of PRIVATE_HOSTS) {
      const body = await expectProblem(await addSftp(host), 422, 'source.address_refused');
      expect(body.field, host).toBe('config.host');
      expect(body.detail, host).toMatch(/BUDGET_SYNC_ALLOW_PRIVATE_NETWORKS=1/);
    }
    // A port inside the host is no host.
    const withPort = await expectProblem(await addSftp('10.0.0.1:6379'), 422, 'input.invalid');
    expect(withPort.field).toBe('config.host');
  });

  it('refuses an S3 endpoint on it (the metadata address in several spellings)', async () => {
    for (const endpoint of [
      'http://169.254.169.254/',
      'http://169.254.169.254/latest/meta-data/',
      'http://2852039166/',
      'http://0xa9.0xfe.0xa9.0xfe/',
      'http://[::ffff:169.254.169.254]/',
      'http://[fd00:ec2::254]/',
      'http://localhost:9000',
      'https://10.1.2.3',
    ]) {
      const body = await expectProblem(await addS3(endpoint), 422, 'source.address_refused');
      expect(body.field, endpoint).toBe('config.endpoint');
    }
  });

  it('refuses a name that resolves to a private address (checked after DNS resolution)', async () => {
    // This machine's own name resolves to its loopback or private address; nothing lists it by name.
    const name = hostname();
    const resolved = await lookup(name, { all: true });
    expect(resolved.every((a) => addressKind(a.address) !== null)).toBe(true);
    const body = await expectProblem(await addSftp(name), 422, 'source.address_refused');
    expect(body.detail).toMatch(/resolves to a loopback, private, link-local or reserved address/);
    await expectProblem(await addS3(`http://${name}:9000`), 422, 'source.address_refused');
  });

  it('accepts public hosts, and private ones when the operator allows them', async () => {
    expect((await addSftp('203.0.114.7')).status).toBe(201);
    expect((await addS3('https://s3.eu-central-1.example.com')).status).toBe(201);
    process.env.BUDGET_SYNC_ALLOW_PRIVATE_NETWORKS = '1';
    try {
      for (const host of ['127.0.0.1', '10.0.0.1', 'localhost', hostname()]) expect((await addSftp(host)).status, host).toBe(201);
      expect((await addS3('http://169.254.169.254/')).status).toBe(201);
    } finally {
      delete process.env.BUDGET_SYNC_ALLOW_PRIVATE_NETWORKS;
    }
  });
});
