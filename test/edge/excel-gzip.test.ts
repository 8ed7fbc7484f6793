/**
 * gzip-encoded bodies on the spreadsheet endpoints (the add-on sends big sheets so): the same answer as
 * plain JSON; the body limit holds for the decoded body (a small gzip cannot smuggle in a huge one);
 * broken gzip is 400 request.malformed_encoding; another encoding is 415; nobody inflates anything
 * before the key is checked.
 */
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/postgres.ts';
import { call, expectProblem, jsonOf, newOrg, type TestOrg, testApp } from './helpers.ts';

const db = await freshDatabase();
const LIMIT = 256 * 1024;
const t = testApp(db, { maxBodyBytes: LIMIT });
let org: TestOrg;

const sheet = {
  sheetName: 'FY2026',
  values: [
    ['Department', 'Category', 'Month', 'Budget Amount'],
    ['Marketing', 'Travel', '2026-01', 1200],
    ['Sales', 'Software', '2026-02', 800.5],
  ],
};

function gzipped(value: unknown): { body: Uint8Array<ArrayBuffer>; headers: Record<string, string> } {
  return {
    body: new Uint8Array(gzipSync(JSON.stringify(value))),
    headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
  };
}

beforeAll(async () => {
  org = await newOrg(db);
});

describe('Content-Encoding: gzip on /api/excel/*', () => {
  it('analyze answers a gzip body exactly as the same JSON sent plain', async () => {
    const plain = await jsonOf(await call(t, 'POST', '/api/excel/analyze', { key: org.admin, json: sheet }));
    const res = await call(t, 'POST', '/api/excel/analyze', { key: org.admin, ...gzipped(sheet) });
    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toEqual(plain);
  });

  it('import takes a gzip body', async () => {
    const res = await call(t, 'POST', '/api/excel/import', { key: org.admin, ...gzipped({ ...sheet, mode: 'merge' }) });
    expect(res.status).toBe(201);
    expect(await jsonOf(res)).toMatchObject({ status: 'succeeded', counts: { inserted: 2 } });
  });

  it('the body limit holds for the decoded body: a small gzip of a big body is 413', async () => {
    const big = { ...sheet, values: [...sheet.values, ...Array.from({ length: 20_000 }, () => ['Marketing', 'Travel', '2026-03', 1])] };
    const sent = gzipped(big);
    expect(sent.body.length).toBeLessThan(LIMIT);
    const res = await call(t, 'POST', '/api/excel/analyze', { key: org.admin, ...sent });
    await expectProblem(res, 413, 'request.too_large');
  });

  it('a body that is not gzip is 400 request.malformed_encoding; another encoding is 415', async () => {
    const broken = await call(t, 'POST', '/api/excel/analyze', {
      key: org.admin,
      body: JSON.stringify(sheet),
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    });
    await expectProblem(broken, 400, 'request.malformed_encoding');
    const br = await call(t, 'POST', '/api/excel/analyze', {
      key: org.admin,
      body: JSON.stringify(sheet),
      headers: { 'content-type': 'application/json', 'content-encoding': 'br' },
    });
    await expectProblem(br, 415, 'request.unsupported_encoding');
  });

  it('checks the key before decoding anything', async () => {
    const res = await call(t, 'POST', '/api/excel/analyze', {
      key: 'bsk_not-a-real-key-not-a-real-key-not-a-real',
      body: 'not gzip at all',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    });
    await expectProblem(res, 401, 'auth.invalid_key');
  });
});
