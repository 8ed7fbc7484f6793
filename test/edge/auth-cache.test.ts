/**
 * The API-key cache: a valid key is looked up once per TTL (concurrent first requests share the lookup),
 * a revoked key keeps working only until its entry expires, unknown keys are never remembered (a key made
 * right after a refusal works at once), and the app honours BUDGET_SYNC_AUTH_CACHE_SECONDS.
 */
import { cachedKeyAuthenticator, createApiKey, revokeApiKey } from '@budget-sync/db';
import { parseConfig } from '@budget-sync/edge';
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/postgres.ts';
import { call, expectProblem, newOrg, testApp } from './helpers.ts';

const db = await freshDatabase();

/** The pool, counting the statements that go through it. */
function counting(pool: pg.Pool): { db: pg.Pool; count: () => number } {
  let n = 0;
  const wrapped = new Proxy(pool, {
    get(target, prop, receiver) {
      if (prop === 'query') {
        return (...args: Parameters<pg.Pool['query']>) => {
          n++;
          return (target.query as (...a: unknown[]) => unknown)(...args);
        };
      }
      return Reflect.get(target, prop, receiver);
    },
  });
  return { db: wrapped, count: () => n };
}

describe('cachedKeyAuthenticator', () => {
  it('looks a busy key up once per TTL, and refuses it once revoked and expired', async () => {
    const org = await newOrg(db);
    const key = await org.key('budget:read');
    let clock = 1_000;
    const authenticate = cachedKeyAuthenticator({ ttlMs: 5_000, now: () => clock });
    const q = counting(db.pool);

    const first = await Promise.all(Array.from({ length: 10 }, () => authenticate(q.db, key)));
    expect(first.every((a) => a?.orgId === org.orgId)).toBe(true);
    expect(q.count()).toBe(1);

    await revokeApiKey(db.pool, org.orgId, key.slice(0, 12));
    clock += 4_999;
    expect((await authenticate(q.db, key))?.orgId).toBe(org.orgId);
    expect(q.count()).toBe(1);
    clock += 1;
    expect(await authenticate(q.db, key)).toBeNull();
    expect(q.count()).toBe(2);
  });

  it('does not remember unknown keys', async () => {
    const org = await newOrg(db);
    const authenticate = cachedKeyAuthenticator({ ttlMs: 60_000 });
    const q = counting(db.pool);
    const unknown = 'bsk_thisKeyDoesNotExistAnywhere00000000000000';
    expect(await authenticate(q.db, unknown)).toBeNull();
    expect(await authenticate(q.db, unknown)).toBeNull();
    expect(q.count()).toBe(2);
    // Malformed keys never reach the database.
    expect(await authenticate(q.db, 'not-a-key')).toBeNull();
    expect(q.count()).toBe(2);
    const { apiKey } = await createApiKey(db.pool, { orgId: org.orgId, name: 'new', scopes: ['budget:read'] });
    expect((await authenticate(q.db, apiKey))?.name).toBe('new');
  });

  it('drops the oldest keys beyond maxEntries', async () => {
    const org = await newOrg(db);
    const keys = [await org.key('budget:read'), await org.key('budget:check'), await org.key('budget:reserve')];
    const authenticate = cachedKeyAuthenticator({ ttlMs: 60_000, maxEntries: 2 });
    const q = counting(db.pool);
    for (const k of keys) await authenticate(q.db, k);
    expect(q.count()).toBe(3);
    await authenticate(q.db, keys[2] as string);
    await authenticate(q.db, keys[1] as string);
    expect(q.count()).toBe(3);
    await authenticate(q.db, keys[0] as string);
    expect(q.count()).toBe(4);
  });
});

describe('the app', () => {
  it('reads BUDGET_SYNC_AUTH_CACHE_SECONDS (default 5 s, 0 disables)', () => {
    expect(parseConfig({}).authCacheMs).toBe(5_000);
    expect(parseConfig({ BUDGET_SYNC_AUTH_CACHE_SECONDS: '0' }).authCacheMs).toBe(0);
    expect(parseConfig({ BUDGET_SYNC_AUTH_CACHE_SECONDS: '1.5' }).authCacheMs).toBe(1_500);
    expect(() => parseConfig({ BUDGET_SYNC_AUTH_CACHE_SECONDS: '-1' })).toThrow(/BUDGET_SYNC_AUTH_CACHE_SECONDS/);
  });

  it('refuses a revoked key within the cache TTL', async () => {
    const t = testApp(db, { authCacheMs: 300 });
    const org = await newOrg(db);
    const key = await org.key('budget:read');
    expect((await call(t, 'GET', '/api/settings', { key })).status).toBe(200);
    await revokeApiKey(db.pool, org.orgId, key.slice(0, 12));
    // Within the TTL the remembered answer stands…
    expect((await call(t, 'GET', '/api/settings', { key })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 350));
    // …and after it the revocation holds.
    await expectProblem(await call(t, 'GET', '/api/settings', { key }), 401, 'auth.invalid_key');
  });
});
