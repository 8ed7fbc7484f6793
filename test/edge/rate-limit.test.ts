/**
 * Failed authentications are rate-limited per client (issue 13, defect 14: "No rate limit"), over real
 * HTTP against the Node server, whose client address is the socket's peer: 300 wrong keys at once get
 * exactly `limit` 401s and then 429 `auth.rate_limited` with Retry-After; a valid key from the same client
 * keeps working throughout and is never counted; console sign-ins with wrong keys are limited the same
 * way (and per key prefix); the window passes; X-Forwarded-For is only believed through the configured
 * number of trusted proxies. The sliding window's arithmetic and its memory bound are checked with an
 * injected clock.
 */
import { DEFAULT_CONFIG, parseConfig } from '@budget-sync/edge';
import { type NodeServer, startServer } from '@budget-sync/edge/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientOf, FailureLimiter, forwardedClient } from '../../edge/src/middleware/auth-failures.ts';
import { freshDatabase } from '../support/postgres.ts';
import { type Doc, newOrg, type TestOrg } from './helpers.ts';

const db = await freshDatabase();
const servers: NodeServer[] = [];
let org: TestOrg;

beforeAll(async () => {
  // An org first, so no start makes a demo org.
  org = await newOrg(db);
});

afterAll(async () => {
  for (const s of servers) await s.close();
});

/** A Node server of its own (its own failure counts) on the test database. */
async function server(config: Partial<typeof DEFAULT_CONFIG> = {}): Promise<NodeServer> {
  const s = await startServer({ port: 0, database: db, config: { ...DEFAULT_CONFIG, ...config } });
  servers.push(s);
  return s;
}

const wrongKey = (i: number) => `bsk_${String(i).padStart(43, 'x')}`;

function settings(s: NodeServer, key: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${s.url}/api/settings`, { headers: { authorization: `Bearer ${key}`, ...headers } });
}

async function statusOf(res: Response): Promise<number> {
  await res.body?.cancel();
  return res.status;
}

function tally(statuses: number[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const s of statuses) out[s] = (out[s] ?? 0) + 1;
  return out;
}

describe('wrong API keys', () => {
  it('300 wrong keys at once: the first 10 get 401, the other 290 get 429 auth.rate_limited with Retry-After', async () => {
    const s = await server();
    const answers = await Promise.all(Array.from({ length: 300 }, (_, i) => settings(s, wrongKey(i))));
    const limited = answers.filter((r) => r.status === 429);
    expect(tally(answers.map((r) => r.status))).toEqual({ 401: 10, 429: 290 });
    const res = limited[0] as Response;
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const body = (await res.json()) as Doc;
    expect(body).toMatchObject({ status: 429, code: 'auth.rate_limited', type: '/api/docs#problem-auth.rate_limited' });
    expect(body.retryAfterSeconds).toBe(retryAfter);
    expect(body.detail).toContain(`Wait ${retryAfter} s`);
    for (const r of answers) if (r !== res) await r.body?.cancel();
  });

  it('a valid key from the limited client still works, at once, and is never counted', async () => {
    const s = await server();
    const valid = await org.key('budget:read');
    // Valid requests before: they do not use up the allowance of failures.
    for (let i = 0; i < 50; i++) expect(await statusOf(await settings(s, valid))).toBe(200);
    const wrong = [];
    for (let i = 0; i < 15; i++) wrong.push(await statusOf(await settings(s, wrongKey(i))));
    expect(tally(wrong)).toEqual({ 401: 10, 429: 5 });
    // An attacker behind the same NAT as a real user must not lock the user out.
    const res = await settings(s, valid);
    expect(res.status).toBe(200);
    expect(res.headers.get('retry-after')).toBeNull();
    expect(((await res.json()) as Doc).controlLevel).toBe('block');
    expect(await statusOf(await settings(s, wrongKey(99)))).toBe(429);
    // A request without a key is no guess: 401 auth.missing_key, not counted, not limited.
    const missing = await fetch(`${s.url}/api/settings`);
    expect({ status: missing.status, code: ((await missing.json()) as Doc).code }).toEqual({ status: 401, code: 'auth.missing_key' });
  });

  it('the window passes: once Retry-After has gone by, a wrong key is a plain 401 again', async () => {
    const s = await server({ authFailureWindowMs: 1_000 });
    const first = [];
    for (let i = 0; i < 11; i++) first.push(await settings(s, wrongKey(i)));
    expect(tally(first.map((r) => r.status))).toEqual({ 401: 10, 429: 1 });
    const retryAfter = Number(first[10]?.headers.get('retry-after'));
    expect(retryAfter).toBe(1);
    for (const r of first) await r.body?.cancel();
    await new Promise((r) => setTimeout(r, retryAfter * 1000 + 50));
    expect(await statusOf(await settings(s, wrongKey(11)))).toBe(401);
  });

  it('X-Forwarded-For is ignored unless the operator trusts proxies; then each forwarded client has its own count', async () => {
    const direct = await server();
    // Without trusted proxies a client cannot escape its count by claiming to be someone else.
    const spoofed = [];
    for (let i = 0; i < 12; i++) spoofed.push(await statusOf(await settings(direct, wrongKey(i), { 'x-forwarded-for': `203.0.113.${i}` })));
    expect(tally(spoofed)).toEqual({ 401: 10, 429: 2 });

    const proxied = await server({ trustedProxies: 1 });
    const a = [];
    for (let i = 0; i < 11; i++) a.push(await statusOf(await settings(proxied, wrongKey(i), { 'x-forwarded-for': '198.51.100.7' })));
    expect(tally(a)).toEqual({ 401: 10, 429: 1 });
    // Another client behind the same proxy is not limited; what a client writes left of the proxy's entry is not believed.
    expect(await statusOf(await settings(proxied, wrongKey(0), { 'x-forwarded-for': '198.51.100.8' }))).toBe(401);
    expect(await statusOf(await settings(proxied, wrongKey(0), { 'x-forwarded-for': '198.51.100.8, 198.51.100.7' }))).toBe(429);
  });
});

describe('console sign-in', () => {
  async function signIn(s: NodeServer, apiKey: string, forwardedFor?: string): Promise<Response> {
    const page = await fetch(`${s.url}/sign-in`);
    await page.body?.cancel();
    const csrf = /bs_csrf=([^;]+)/.exec(page.headers.getSetCookie().join('\n'))?.[1] as string;
    return fetch(`${s.url}/sign-in`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        cookie: `bs_csrf=${csrf}`,
        'sec-fetch-site': 'same-origin',
        'content-type': 'application/x-www-form-urlencoded',
        ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
      },
      body: new URLSearchParams({ _csrf: csrf, apiKey }).toString(),
    });
  }

  it('wrong keys are limited the same way: a 429 page with Retry-After; a valid key still signs in', async () => {
    const s = await server();
    const answers = [];
    for (let i = 0; i < 12; i++) answers.push(await signIn(s, wrongKey(i)));
    expect(tally(answers.map((r) => r.status))).toEqual({ 401: 10, 429: 2 });
    const limited = answers[11] as Response;
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await limited.text()).toContain('Too many failed sign-ins');
    expect(await (answers[0] as Response).text()).toContain('unknown or revoked');
    const ok = await signIn(s, org.admin);
    expect({ status: ok.status, location: ok.headers.get('location') }).toEqual({ status: 303, location: '/upload' });
    // The API shares the count: the same client's wrong key there is limited too.
    expect(await statusOf(await settings(s, wrongKey(50)))).toBe(429);
  });

  it('wrong keys with one prefix are limited across client addresses', async () => {
    const s = await server({ trustedProxies: 1 });
    const statuses = [];
    for (let i = 0; i < 11; i++)
      statuses.push(await statusOf(await signIn(s, `bsk_samePrefix${String(i).padStart(34, 'y')}`, `192.0.2.${i}`)));
    expect(tally(statuses)).toEqual({ 401: 10, 429: 1 });
    // Another prefix from another address is not limited.
    expect(await statusOf(await signIn(s, wrongKey(1), '192.0.2.200'))).toBe(401);
  });
});

describe('FailureLimiter', () => {
  it('slides: a subject over the limit waits until its oldest kept failure leaves the window', () => {
    let now = 0;
    const limiter = new FailureLimiter({ limit: 3, windowMs: 10_000, now: () => now });
    const answers = [];
    for (const t of [0, 1_000, 2_000, 3_000]) {
      now = t;
      answers.push(limiter.fail(['a']));
    }
    // The 4th failure in 10 s is over the limit: the window has room again at 11 s (when 1 s leaves it).
    expect(answers).toEqual([null, null, null, 8]);
    // Still over just before 11 s, and this failure counts too: now 2 s leaves the window last, at 12 s.
    now = 10_999;
    expect(limiter.fail(['a'])).toBe(2);
    now = 30_000;
    expect(limiter.fail(['a'])).toBeNull();
    // Another subject has its own count; any subject over its limit makes the whole failure wait.
    expect(limiter.fail(['b'])).toBeNull();
    expect(limiter.fail(['a', 'b'])).toBeNull();
    expect(limiter.fail(['a', 'c'])).toBeNull();
    expect(limiter.fail(['a', 'd'])).toBe(10);
  });

  it('remembers at most maxClients subjects', () => {
    const limiter = new FailureLimiter({ limit: 10, windowMs: 60_000, maxClients: 100 });
    for (let i = 0; i < 10_000; i++) limiter.fail([`client:${i}`]);
    expect(limiter.size).toBe(100);
  });

  it('believes X-Forwarded-For only as far as the trusted proxies reach', () => {
    expect(forwardedClient('10.0.0.1', '1.1.1.1, 2.2.2.2', 0)).toBe('10.0.0.1');
    expect(forwardedClient('10.0.0.1', '1.1.1.1, 2.2.2.2', 1)).toBe('2.2.2.2');
    expect(forwardedClient('10.0.0.1', '1.1.1.1, 2.2.2.2', 2)).toBe('1.1.1.1');
    expect(forwardedClient('10.0.0.1', '2.2.2.2', 2)).toBe('10.0.0.1');
    expect(forwardedClient('10.0.0.1', undefined, 1)).toBe('10.0.0.1');
  });

  it('counts an IPv6 client by its /64, and an IPv6-mapped IPv4 client as the IPv4 address', () => {
    expect(clientOf('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(clientOf('2001:0DB8:0001:0002:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(clientOf('2001:db8::7')).toBe('2001:db8:0:0::/64');
    expect(clientOf('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(clientOf('::1')).toBe('0:0:0:0::/64');
    expect(clientOf('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(clientOf('192.0.2.1')).toBe('192.0.2.1');
  });

  it('reads its settings from the environment', () => {
    expect(parseConfig({})).toMatchObject({ authFailureLimit: 10, authFailureWindowMs: 60_000, trustedProxies: 0 });
    expect(
      parseConfig({
        BUDGET_SYNC_AUTH_FAILURE_LIMIT: '5',
        BUDGET_SYNC_AUTH_FAILURE_WINDOW_SECONDS: '0.5',
        BUDGET_SYNC_TRUSTED_PROXIES: '2',
      }),
    ).toMatchObject({ authFailureLimit: 5, authFailureWindowMs: 500, trustedProxies: 2 });
    expect(() => parseConfig({ BUDGET_SYNC_AUTH_FAILURE_LIMIT: '0' })).toThrow(/BUDGET_SYNC_AUTH_FAILURE_LIMIT/);
    expect(() => parseConfig({ BUDGET_SYNC_AUTH_FAILURE_LIMIT: '101' })).toThrow(/BUDGET_SYNC_AUTH_FAILURE_LIMIT/);
    expect(() => parseConfig({ BUDGET_SYNC_AUTH_FAILURE_WINDOW_SECONDS: '0' })).toThrow(/BUDGET_SYNC_AUTH_FAILURE_WINDOW_SECONDS/);
    expect(() => parseConfig({ BUDGET_SYNC_TRUSTED_PROXIES: '-1' })).toThrow(/BUDGET_SYNC_TRUSTED_PROXIES/);
  });
});
