/**
 * The API as it runs: `budget-sync serve --port 0` as a subprocess against a fresh database. The first
 * start creates the demo organization and prints its first admin's sign-in link (no key); an admin key made
 * for the demo organization works over real HTTP; the
 * 20 MB body limit holds; "No overspend, ever": 200 concurrent reservation requests at one budget line,
 * with replays among them, never hold more than budget + tolerance, and every answer is a 201 or a clean
 * 409 problem. SIGTERM stops the server cleanly (exit 0); a second start makes no second demo org.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApiKey } from '@budget-sync/db';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, dropDatabase } from '../support/postgres.ts';
import { deflatedPart, encode, lyingZipBomb, makeWorkbook, makeZip, zipParts } from '../core/readers/helpers.ts';
import { budgetCsv, csvUpload, fileUpload } from './helpers.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(root, 'cli/bin/budget-sync.js');

interface Server {
  child: ChildProcess;
  url: string;
  out: () => string;
  exited: Promise<number | null>;
}

let database: { name: string; url: string };
let sql: pg.Pool;
let server: Server;
let key: string;
const inbox = mkdtempSync(join(tmpdir(), 'budget-sync-inbox-'));

/** Starts `budget-sync serve --port 0` and waits until it says where it listens. */
function serve(): Promise<Server> {
  // Its own inbox folder: the default ./inbox at the repo root may hold a developer's files.
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--inbox', inbox], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: database.url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${out}${err}`)), 20_000);
    const poll = setInterval(() => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m && out.includes('Press Ctrl-C')) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve({ child, url: m[1] as string, out: () => out, exited });
      }
    }, 20);
    void exited.then((code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}: ${out}${err}`));
    });
  });
}

async function stop(s: Server): Promise<number | null> {
  s.child.kill('SIGTERM');
  return s.exited;
}

function api(path: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${key}`);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set('content-type', 'application/json');
    body = JSON.stringify(init.json);
  }
  return fetch(`${server.url}${path}`, { ...init, headers, body });
}

beforeAll(async () => {
  database = await createDatabase();
  sql = new pg.Pool({ connectionString: database.url, max: 2 });
  server = await serve();
});

afterAll(async () => {
  if (server.child.exitCode === null) await stop(server);
  await sql.end();
  await dropDatabase(database.name);
});

describe('budget-sync serve', () => {
  it("on first start creates the demo organization and prints its first admin's sign-in link, not a key", async () => {
    expect(server.out()).toMatch(/\n\s+http:\/\/\S+\/sign-in\/link\?token=[A-Za-z0-9_-]{43}\n/);
    expect(server.out()).not.toMatch(/bsk_[A-Za-z0-9_-]{43}/);
    const orgs = await sql.query<{ id: string; name: string; is_demo: boolean }>('SELECT id, name, is_demo FROM organizations');
    expect(orgs.rows.map(({ name, is_demo }) => ({ name, is_demo }))).toEqual([{ name: 'Demo organization', is_demo: true }]);
    key = (await createApiKey(sql, { orgId: orgs.rows[0]?.id as string, name: 'server test', scopes: ['admin'] })).apiKey;
    expect(await (await fetch(`${server.url}/api/health`)).json()).toEqual({ ok: true });
    const settings = await api('/api/settings');
    expect(settings.status).toBe(200);
    expect((await fetch(`${server.url}/api/settings`)).status).toBe(401);
  });

  it('refuses a body over 20 MB with 413 request.too_large', async () => {
    const res = await api('/api/budget/check', {
      method: 'POST',
      body: 'x'.repeat(21 * 1024 * 1024),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({ code: 'request.too_large', status: 413 });
  });
});

/**
 * A workbook that is slow to read and then refused: `rows` rows of 20 numbers, the last row with a cell in
 * column 1,001 (over the column limit, found only once the whole sheet is parsed). Built by hand (a
 * SheetJS-written workbook with the sheet part swapped), as SheetJS would take as long to write it.
 */
function slowWideWorkbook(rows: number): Uint8Array {
  const cells = (r: number) =>
    Array.from(
      { length: 20 },
      (_, c) => `<c r="${String.fromCharCode(65 + c)}${r}"><v>${(r * 7919 + c * 104_729) % 1_000_003}</v></c>`,
    ).join('');
  const xml = [
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>',
    ...Array.from({ length: rows }, (_, i) => `<row r="${i + 1}">${cells(i + 1)}</row>`),
    `<row r="${rows + 1}"><c r="ALM${rows + 1}"><v>1</v></c></row></sheetData></worksheet>`,
  ].join('');
  const small = makeWorkbook([{ name: 'Budget', rows: [['x']] }]);
  return makeZip(zipParts(small).map((p) => deflatedPart(p.name, p.name === 'xl/worksheets/sheet1.xml' ? encode(xml) : p.content)));
}

/** POSTs a multipart body with node:http; `sent` resolves once the whole body has gone out. */
function postMultipart(path: string, form: FormData): { sent: Promise<void>; answered: Promise<{ status: number; body: string }> } {
  const encoded = new Response(form);
  let sent!: () => void;
  const sentPromise = new Promise<void>((resolve) => {
    sent = resolve;
  });
  const answered = (async () => {
    const body = Buffer.from(await encoded.arrayBuffer());
    return new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${server.url}${path}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': encoded.headers.get('content-type') ?? '',
          'content-length': body.length,
        },
      });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (d: Buffer) => {
          text += d.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      req.end(body, () => sent());
    });
  })();
  return { sent: sentPromise, answered };
}

describe('hostile uploads', () => {
  it('refuses a zip bomb whose headers lie about its size with 422 file.zip_bomb naming the file and the limit', async () => {
    const res = await api('/api/excel/analyze', { method: 'POST', body: fileUpload(lyingZipBomb(64 * 1024 * 1024), 'bomb.xlsx') });
    const body = (await res.json()) as Record<string, unknown>;
    expect(res.status, JSON.stringify(body)).toBe(422);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(body).toMatchObject({ code: 'file.zip_bomb', file: 'bomb.xlsx' });
    expect(body.detail).toMatch(
      /"bomb\.xlsx" is a zip bomb: its part xl\/worksheets\/sheet1\.xml unpacks to more than the 879 KB its headers declare/,
    );
  });

  it('answers /api/health while a slow upload is being read: health answers before the upload does', async () => {
    const order: string[] = [];
    const upload = postMultipart('/api/excel/analyze', fileUpload(slowWideWorkbook(40_000), 'wide.xlsx'));
    await upload.sent;
    // The server still parses the form and looks the key and the organization up (a few ms) before it
    // reads the workbook (seconds): the probe goes out once that reading has begun.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const health = fetch(`${server.url}/api/health`).then(async (r) => {
      order.push('health');
      return r.status;
    });
    const refused = upload.answered.then((r) => {
      order.push('upload');
      return r;
    });
    const [healthStatus, answer] = await Promise.all([health, refused]);
    expect(healthStatus).toBe(200);
    expect(answer.status, answer.body).toBe(422);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'file.too_many_columns', file: 'wide.xlsx' });
    expect(order).toEqual(['health', 'upload']);
  });
});

describe('No overspend, ever', () => {
  const BUDGET = '1000.00';
  const LIMIT = 105_000n; // budget + 5% tolerance, in cents
  const UNIQUE = 160;
  const REPLAYS = 40;
  const ask = { department: 'Marketing', category: 'Travel', period: '2026-03' };
  /** 5.00 to 14.99, varied, so the requests together ask for far more than the limit. */
  const amountOf = (i: number) => `${5 + (i % 10)}.${String((i * 37) % 100).padStart(2, '0')}`;

  beforeAll(async () => {
    const imported = await api('/api/excel/import', {
      method: 'POST',
      body: csvUpload(budgetCsv([['Marketing', 'Travel', '2026-03', BUDGET]])),
    });
    expect(imported.status).toBe(201);
    expect((await api('/api/settings', { method: 'PUT', json: { tolerancePercent: '5' } })).status).toBe(200);
  });

  it('200 concurrent requests hold at most budget + tolerance; each answer is 201 or a clean 409; replays never hold twice', async () => {
    const requests = [
      ...Array.from({ length: UNIQUE }, (_, i) => ({ i, replay: false })),
      // The same key and body again, racing the first.
      ...Array.from({ length: REPLAYS }, (_, i) => ({ i, replay: true })),
    ];
    const answers = await Promise.all(
      requests.map(async ({ i, replay }) => {
        const res = await api('/api/budget/reservations', {
          method: 'POST',
          json: { ...ask, amount: amountOf(i), reference: `PR-${i}` },
          headers: { 'Idempotency-Key': `race-${i}` },
        });
        return {
          i,
          replay,
          status: res.status,
          type: res.headers.get('content-type') ?? '',
          body: (await res.json()) as Record<string, unknown>,
        };
      }),
    );

    for (const a of answers) {
      if (a.status === 201) {
        expect(a.type).toMatch(/^application\/json/);
      } else {
        expect(a.status, JSON.stringify(a.body)).toBe(409);
        expect(a.type).toMatch(/^application\/problem\+json/);
        expect(a.body).toMatchObject({ code: 'budget.insufficient', status: 409, check: { decision: 'fail' } });
      }
    }
    // Replays: one reservation per key, and both answers of a pair name it.
    const idsByKey = new Map<number, Set<string>>();
    for (const a of answers.filter((x) => x.status === 201)) {
      const set = idsByKey.get(a.i) ?? new Set<string>();
      set.add(a.body.id as string);
      idsByKey.set(a.i, set);
    }
    for (const [i, ids] of idsByKey) expect(ids.size, `race-${i}`).toBe(1);

    const rows = await sql.query<{ n: number; held: string; keys: number }>(
      // The race's reservations only: the demo organization's sample data holds a few of its own.
      `SELECT count(*)::int AS n, coalesce(sum(reserved), 0)::numeric(18,2)::text AS held, count(DISTINCT idempotency_key)::int AS keys
         FROM reservations WHERE idempotency_key LIKE 'race-%'`,
    );
    const { n, held, keys } = rows.rows[0] as { n: number; held: string; keys: number };
    expect(n).toBe(idsByKey.size);
    expect(keys).toBe(n);
    const heldCents = BigInt(held.replace('.', ''));
    expect(heldCents <= LIMIT, `held ${held}`).toBe(true);
    // It filled up: what is left is less than the largest request.
    expect(LIMIT - heldCents < 1500n, `held ${held}`).toBe(true);
    const line = await sql.query<{ reserved: string }>(
      "SELECT c.reserved::text FROM line_consumption c JOIN budget_lines b ON b.id = c.line_id WHERE b.department = 'Marketing' AND b.category = 'Travel' AND b.period = '2026-03'",
    );
    expect(line.rows.map((r) => r.reserved)).toEqual([held]);
    expect(answers.filter((a) => a.status === 201 && !a.replay)).toHaveLength(n);
    // A replay answers exactly as its first request did.
    for (const r of answers.filter((a) => a.replay)) {
      const first = answers.find((a) => !a.replay && a.i === r.i);
      expect(r.status, `race-${r.i}`).toBe(first?.status);
    }
  });
});

describe('stopping and starting again', () => {
  it('SIGTERM stops the server cleanly; a second start on the same database makes no demo organization', async () => {
    expect(await stop(server)).toBe(0);
    expect(server.out()).toMatch(/Stopped\.\n$/);
    server = await serve();
    expect(server.out()).not.toMatch(/bsk_/);
    expect(await (await fetch(`${server.url}/api/health`)).json()).toEqual({ ok: true });
    expect((await sql.query('SELECT 1 FROM organizations')).rowCount).toBe(1);
    expect(await stop(server)).toBe(0);
  });
});
