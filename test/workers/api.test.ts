/**
 * The API inside workerd, through the Worker's own fetch (edge/src/worker.ts as wrangler.toml's main):
 * the Neon driver's Pool per request over WebSockets (a local proxy to the test Postgres), imports on
 * the unnest path with node:zlib, and "No overspend, ever" under 200 concurrent reservations. The same
 * app is tested in depth on Node (test/edge); this proves the Workers runtime gives the same answers.
 */
import { env, exports } from 'cloudflare:workers';
import {
  authenticateApiKey,
  endConsoleSession,
  findConsoleSession,
  membershipsOf,
  startConsoleSession,
  startPersonSession,
} from '@budget-sync/db';
import { neonConfig, Pool } from '@neondatabase/serverless';
import type pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { lyingZipBomb } from '../core/readers/helpers.ts';
import { BUDGET_CSV, CSV_NAME, type IdTokens, PEOPLE } from './fixture.ts';

type Doc = Record<string, unknown>;

interface Call {
  key?: string;
  json?: unknown;
  body?: BodyInit;
  headers?: Record<string, string>;
}

async function call(method: string, path: string, c: Call = {}): Promise<Response> {
  const headers: Record<string, string> = { ...c.headers };
  if (c.key !== undefined) headers.authorization = `Bearer ${c.key}`;
  let body = c.body;
  if (c.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(c.json);
  }
  return exports.default.fetch(`https://budget-sync.test${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
}

async function json(res: Response): Promise<Doc> {
  return (await res.json()) as Doc;
}

async function expectProblem(res: Response, status: number, code: string): Promise<Doc> {
  const text = await res.text();
  expect({ status: res.status, body: text.slice(0, 400) }).toMatchObject({ status });
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(text) as Doc;
  expect(body).toMatchObject({ status, code, type: `/api/docs#problem-${code}` });
  return body;
}

function csvForm(text: string, name = CSV_NAME, fields: Record<string, string> = {}): FormData {
  const form = new FormData();
  form.set('file', new File([text], name, { type: 'text/csv' }));
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  return form;
}

/** A Neon Pool of the test's own, through the same driver and proxy as the Worker, ended after `use` (workerd ties sockets to a request). */
async function withPool<T>(use: (pool: pg.Pool) => Promise<T>): Promise<T> {
  neonConfig.wsProxy = (host, port) => `${env.NEON_WS_PROXY}?address=${host}:${port}`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineTLS = false;
  neonConfig.pipelineConnect = false;
  const pool = new Pool({ connectionString: env.DATABASE_URL, max: 1 });
  try {
    // Neon's Pool is node-postgres' API, as the Worker's Database says.
    return await use(pool as unknown as pg.Pool);
  } finally {
    await pool.end();
  }
}

async function sql<T>(text: string, params: unknown[] = []): Promise<T[]> {
  return withPool(async (pool) => (await pool.query(text, params)).rows as T[]);
}

const admin = env.TEST_ADMIN_KEY;
const reserver = env.TEST_RESERVE_KEY;
const reader = env.TEST_READ_KEY;

describe('the Worker', () => {
  it('answers health through a Neon Pool, and 404s unknown routes as problem+json', async () => {
    const res = await call('GET', '/api/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    await expectProblem(await call('GET', '/api/nothing-here'), 404, 'route.not_found');
  });

  it('401s without a key or with an unknown one, 403s a key without the scope', async () => {
    const missing = await call('GET', '/api/settings');
    await expectProblem(missing, 401, 'auth.missing_key');
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
    await expectProblem(await call('GET', '/api/settings', { key: 'bsk_not_a_real_key' }), 401, 'auth.invalid_key');
    const forbidden = await expectProblem(
      await call('POST', '/api/excel/import', { key: reader, body: csvForm(BUDGET_CSV) }),
      403,
      'auth.forbidden',
    );
    expect(forbidden.requiredScope).toBe('imports:write');
  });

  it('limits wrong keys per CF-Connecting-IP (10, then 429 with Retry-After), never a valid key, and ignores X-Forwarded-For', async () => {
    const from = (ip: string, spoof?: string) => ({ 'cf-connecting-ip': ip, ...(spoof ? { 'x-forwarded-for': spoof } : {}) });
    const statuses = [];
    for (let i = 0; i < 12; i++) {
      const res = await call('GET', '/api/settings', { key: `bsk_wrong${i}`, headers: from('203.0.113.77', `198.51.100.${i}`) });
      statuses.push(res.status);
      if (i < 11) await res.body?.cancel();
      else {
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        await expectProblem(res, 429, 'auth.rate_limited');
      }
    }
    expect(statuses).toEqual([...Array(10).fill(401), 429, 429]);
    const valid = await call('GET', '/api/settings', { key: reader, headers: from('203.0.113.77') });
    expect(valid.status).toBe(403); // an imports:read key: authenticated (so only its scope refuses it), not limited
    await valid.body?.cancel();
    const admitted = await call('GET', '/api/settings', { key: admin, headers: from('203.0.113.77') });
    expect(admitted.status).toBe(200);
    await admitted.body?.cancel();
    await expectProblem(await call('GET', '/api/settings', { key: 'bsk_wrong', headers: from('203.0.113.78') }), 401, 'auth.invalid_key');
  });

  it('keeps console sessions in the database through the Neon driver: start, find, end', async () => {
    await withPool(async (pool) => {
      const auth = await authenticateApiKey(pool, admin);
      expect(auth).not.toBeNull();
      const started = await startConsoleSession(pool, { apiKeyId: auth?.keyId as string, csrf: 'c'.repeat(43), ttlSeconds: 60 });
      expect(started?.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const found = await findConsoleSession(pool, started?.token);
      expect(found).toMatchObject({ csrf: 'c'.repeat(43), auth: { keyId: auth?.keyId, orgId: auth?.orgId } });
      expect(await endConsoleSession(pool, started?.token)).toBe(true);
      expect(await findConsoleSession(pool, started?.token)).toBeNull();
    });
  });
});

describe('spreadsheets', () => {
  let importId: string;

  it('refuses a zip bomb whose headers lie about its size inside the isolate, stopping at the declared size', async () => {
    const form = new FormData();
    form.set('file', new File([lyingZipBomb(32 * 1024 * 1024) as Uint8Array<ArrayBuffer>], 'bomb.xlsx'));
    const body = await expectProblem(await call('POST', '/api/excel/analyze', { key: reader, body: form }), 422, 'file.zip_bomb');
    expect(body.file).toBe('bomb.xlsx');
    expect(body.detail).toMatch(
      /"bomb\.xlsx" is a zip bomb: its part xl\/worksheets\/sheet1\.xml unpacks to more than the 879 KB its headers declare/,
    );
  });

  it('analyze of a CSV upload gives exactly the answer the app gives on Node', async () => {
    const res = await call('POST', '/api/excel/analyze', { key: reader, body: csvForm(BUDGET_CSV) });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body).toEqual(inject('nodeAnalyzeBody'));
    expect(body).toMatchObject({ importable: true, diff: { counts: { inserted: 5, updated: 0, unchanged: 0, removed: 0 } } });
  });

  it('import lands the file (unnest writes, gzip via node:zlib) and shows in the history', async () => {
    const res = await call('POST', '/api/excel/import', { key: admin, body: csvForm(BUDGET_CSV) });
    const body = await json(res);
    expect({ status: res.status, body }).toMatchObject({ status: 201, body: { status: 'succeeded', counts: { inserted: 5 } } });
    importId = body.importId as string;

    const history = await json(await call('GET', '/api/imports/history', { key: reader }));
    expect(history.imports).toEqual([expect.objectContaining({ id: importId, source: 'api', fileName: CSV_NAME, status: 'succeeded' })]);
    expect(await json(await call('GET', `/api/imports/${importId}`, { key: reader }))).toMatchObject({
      id: importId,
      actor: expect.any(String),
    });

    // The kept file is real gzip of the upload: workerd's node:zlib wrote what any gunzip reads.
    const [file] = await sql<{ content_gzip: Uint8Array }>('SELECT content_gzip FROM import_files WHERE import_id = $1', [importId]);
    expect(file).toBeDefined();
    const unzipped = new Response(
      new Blob([file?.content_gzip as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip')),
    );
    expect(await unzipped.text()).toBe(BUDGET_CSV);

    const lines = await json(await call('GET', '/api/budgets?department=Marketing', { key: reserver }));
    expect(lines.lines).toEqual([
      expect.objectContaining({ category: 'Events', amount: '2500.50' }),
      expect.objectContaining({ category: 'Travel', amount: '1000.00' }),
    ]);
  });

  it('a second import changes one line and its revert (unnest version rows) puts it back', async () => {
    const changed = BUDGET_CSV.replace('4999.99', '5100.00');
    const second = await json(await call('POST', '/api/excel/import', { key: admin, body: csvForm(changed, 'v2.csv') }));
    expect(second).toMatchObject({ status: 'succeeded', counts: { inserted: 0, updated: 1, removed: 0 } });
    const revert = await call('POST', `/api/imports/${second.importId}/revert`, { key: admin });
    expect(revert.status).toBe(200);
    expect(await json(revert)).toMatchObject({ status: 'reverted', counts: { restored: 1 } });
    const cloud = await json(await call('GET', '/api/budgets?department=Engineering&category=Cloud', { key: reserver }));
    expect(cloud.lines).toEqual([expect.objectContaining({ amount: '4999.99' })]);
  });
});

describe('budget control', () => {
  const ASK = { department: 'Marketing', category: 'Travel', period: '2026-03' };

  it('check answers pass or fail with the figures and writes nothing', async () => {
    const pass = await json(await call('POST', '/api/budget/check', { key: reserver, json: { ...ASK, amount: '250.50' } }));
    expect(pass).toMatchObject({ decision: 'pass', budget: '1000.00', available: '1000.00', availableAfter: '749.50' });
    const fail = await json(await call('POST', '/api/budget/check', { key: reserver, json: { ...ASK, amount: 1000.01 } }));
    expect(fail).toMatchObject({ decision: 'fail', availableAfter: '-0.01' });
  });

  it('reserve → commit part → release the rest, with the line following; refusals are 409s', async () => {
    const res = await call('POST', '/api/budget/reservations', { key: reserver, json: { ...ASK, amount: '400', reference: 'PR-1' } });
    const r = await json(res);
    expect({ status: res.status, r }).toMatchObject({ status: 201, r: { status: 'held', reserved: '400.00' } });
    const commit = await json(await call('POST', `/api/budget/reservations/${r.id}/commit`, { key: reserver, json: { amount: 150 } }));
    expect(commit).toMatchObject({ status: 'partly_committed', reserved: '250.00', committed: '150.00' });
    const release = await json(await call('POST', `/api/budget/reservations/${r.id}/release`, { key: reserver }));
    expect(release).toMatchObject({ reserved: '0.00', committed: '150.00' });
    await expectProblem(
      await call('POST', `/api/budget/reservations/${r.id}/release`, { key: reserver }),
      409,
      'reservation.invalid_state',
    );
    const short = await expectProblem(
      await call('POST', '/api/budget/reservations', { key: reserver, json: { ...ASK, amount: '850.01' } }),
      409,
      'budget.insufficient',
    );
    expect(short.check).toMatchObject({ available: '850.00' });
    const lines = await json(await call('GET', '/api/budgets?department=Marketing&category=Travel', { key: reserver }));
    expect(lines.lines).toEqual([expect.objectContaining({ reserved: '0.00', committed: '150.00', available: '850.00' })]);
  });
});

describe('No overspend, ever (on Workers)', () => {
  const LINE = { department: 'Sales', category: 'Travel', period: '2026-03' };
  const REQUESTS = 200;
  const KEYED = 40;

  it('200 concurrent reservations, replays among them, never hold more than budget + tolerance', async () => {
    const settings = await call('PUT', '/api/settings', {
      key: admin,
      json: { overrides: [{ department: 'Sales', category: 'Travel', tolerancePercent: '10' }] },
    });
    expect(settings.status).toBe(200);
    const before = await json(await call('POST', '/api/budget/check', { key: reserver, json: { ...LINE, amount: '1' } }));
    expect(before).toMatchObject({ budget: '300.00', available: '300.00', tolerance: '30.00' });
    const limitCents = 33_000;

    // 160 distinct requests of 1.00–9.99 (about 880.00 asked of 330.00); the first 40 carry an
    // Idempotency-Key and are each sent twice, all 200 at once, replays interleaved with originals.
    const distinct = Array.from({ length: REQUESTS - KEYED }, (_, i) => ({
      amountCents: 100 + ((i * 7_919) % 900),
      reference: `storm-${i}`,
      key: i < KEYED ? `storm-${i}` : undefined,
    }));
    const sends = [...distinct, ...distinct.slice(0, KEYED)];
    for (let i = sends.length - 1; i > 0; i--) {
      const j = (i * 48_271) % (i + 1);
      [sends[i], sends[j]] = [sends[j] as (typeof sends)[number], sends[i] as (typeof sends)[number]];
    }
    const started = Date.now();
    const answers = await Promise.all(
      sends.map(async (s) => {
        const res = await call('POST', '/api/budget/reservations', {
          key: reserver,
          json: { ...LINE, amount: (s.amountCents / 100).toFixed(2), reference: s.reference },
          ...(s.key ? { headers: { 'Idempotency-Key': s.key } } : {}),
        });
        return { ...s, status: res.status, type: res.headers.get('content-type') ?? '', body: await json(res) };
      }),
    );
    const elapsed = Date.now() - started;

    for (const a of answers) {
      expect([201, 409], JSON.stringify(a.body)).toContain(a.status);
      if (a.status === 409) {
        expect(a.type).toMatch(/^application\/problem\+json/);
        expect(a.body.code).toBe('budget.insufficient');
      }
    }
    // A key's answers agree: at most one reservation behind them, whichever send got there first.
    const idsByKey = new Map<string, Set<string>>();
    for (const a of answers) {
      if (a.key && a.status === 201) idsByKey.set(a.key, (idsByKey.get(a.key) ?? new Set()).add(a.body.id as string));
    }
    for (const ids of idsByKey.values()) expect(ids.size).toBe(1);

    const held = new Map<string, number>();
    for (const a of answers) if (a.status === 201) held.set(a.body.id as string, a.amountCents);
    const heldCents = [...held.values()].reduce((s, c) => s + c, 0);
    expect(heldCents).toBeLessThanOrEqual(limitCents);
    // Refusals happened, so at that moment less than the refused amount (≤ 9.99) was left; it only shrinks.
    expect(answers.some((a) => a.status === 409)).toBe(true);
    expect(heldCents).toBeGreaterThan(limitCents - 1_000);

    // The database agrees: one row per key, and the line's reserved total is exactly what was answered 201.
    const dupes = await sql<{ k: string; n: number }>(
      `SELECT idempotency_key AS k, count(*)::int AS n FROM reservations
        WHERE idempotency_key LIKE 'storm-%' GROUP BY 1 HAVING count(*) > 1`,
    );
    expect(dupes).toEqual([]);
    const rows = await sql<{ n: number; cents: string }>(
      `SELECT count(*)::int AS n, coalesce(sum(amount), 0) * 100 AS cents FROM reservations WHERE reference LIKE 'storm-%'`,
    );
    expect(rows[0]).toMatchObject({ n: held.size });
    expect(Number(rows[0]?.cents)).toBe(heldCents);
    const line = await json(await call('GET', '/api/budgets?department=Sales&category=Travel', { key: reserver }));
    const reserved = (line.lines as Doc[])[0]?.reserved as string;
    expect(Math.round(Number(reserved) * 100)).toBe(heldCents);
    console.info(
      `workers storm: ${REQUESTS} requests in ${elapsed} ms, ${held.size} held (${(heldCents / 100).toFixed(2)} of ${(limitCents / 100).toFixed(2)}), ` +
        `${answers.filter((a) => a.status === 409).length} refused`,
    );
  });
});

describe('people on Workers (issue 15)', () => {
  const tokens = JSON.parse(env.TEST_ID_TOKENS) as IdTokens;

  it('a verified Google ID token is the person: /api/me, the role and the departments', async () => {
    const me = await json(await call('GET', '/api/me', { key: tokens.approver }));
    expect(me).toMatchObject({ kind: 'person', email: PEOPLE.approver, role: 'approver', departments: ['Marketing'] });
    expect(await json(await call('GET', '/api/me', { key: admin }))).toMatchObject({ kind: 'key', scopes: ['admin'] });
  });

  it('refuses an expired token, a foreign signature and a person without membership', async () => {
    await expectProblem(await call('GET', '/api/me', { key: tokens.expired }), 401, 'auth.invalid_token');
    await expectProblem(await call('GET', '/api/me', { key: tokens.foreign }), 401, 'auth.invalid_token');
    await expectProblem(await call('GET', '/api/me', { key: tokens.stranger }), 403, 'auth.no_membership');
  });

  it('every operation × role: allowed, or 403 auth.forbidden, as on Node', async () => {
    const doc = await json(await call('GET', '/api/openapi.json'));
    const paths = doc.paths as Record<string, Record<string, { 'x-required-scope'?: string }>>;
    const grants: Record<keyof typeof PEOPLE, string[]> = {
      viewer: ['budget:read', 'imports:read', 'sources:read'],
      editor: ['budget:read', 'imports:read', 'sources:read', 'imports:write'],
      approver: ['budget:read', 'imports:read', 'sources:read', 'imports:write', 'budget:check', 'budget:reserve'],
      admin: ['admin'],
    };
    for (const [path, item] of Object.entries(paths)) {
      for (const [method, op] of Object.entries(item)) {
        const scope = op['x-required-scope'];
        if (!scope) continue;
        for (const role of Object.keys(PEOPLE) as Array<keyof typeof PEOPLE>) {
          const held = grants[role];
          const allowed = scope === 'any' || held.includes('admin') || scope.split(' or ').some((s) => held.includes(s));
          const concrete = path.replace('{id}', '0197c3b2-5b4e-7c1a-9d10-2f6a1b3c4d5e').replace('{email}', 'nobody%40example.com');
          const res = await call(method.toUpperCase(), concrete, { key: tokens[role], ...(method === 'get' ? {} : { json: {} }) });
          const where = `${method} ${path} as ${role}`;
          if (allowed) {
            expect([401, 403], where).not.toContain(res.status);
            expect(res.status, where).toBeLessThan(500);
            await res.body?.cancel();
          } else await expectProblem(res, 403, 'auth.forbidden');
        }
      }
    }
  });

  it("keeps a person's console session through the Neon driver: start, find (with the role), end", async () => {
    await withPool(async (pool) => {
      const [member] = await membershipsOf(pool, PEOPLE.approver);
      expect(member?.person).toMatchObject({ role: 'approver', departments: ['Marketing'] });
      const started = await startPersonSession(pool, {
        orgId: member?.orgId as string,
        userId: member?.person?.userId as string,
        csrf: 'p'.repeat(43),
        ttlSeconds: 60,
      });
      const found = await findConsoleSession(pool, started?.token);
      expect(found?.auth).toMatchObject({ keyId: null, name: PEOPLE.approver, person: { role: 'approver' } });
      expect(await endConsoleSession(pool, started?.token)).toBe(true);
      expect(await findConsoleSession(pool, started?.token)).toBeNull();
    });
  });

  it('departments limit the approver: a check outside is 403 department.forbidden, reads are filtered', async () => {
    const body = { department: 'Sales', category: 'Travel', period: '2026-03', amount: '1.00' };
    await expectProblem(await call('POST', '/api/budget/check', { key: tokens.approver, json: body }), 403, 'department.forbidden');
    const lines = (await json(await call('GET', '/api/budgets', { key: tokens.approver }))).lines as Array<{ department: string }>;
    // The spreadsheets tests above imported Marketing, Sales and Engineering lines.
    expect(lines.length).toBeGreaterThan(0);
    expect(new Set(lines.map((l) => l.department))).toEqual(new Set(['Marketing']));
  });
});
