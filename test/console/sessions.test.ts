/**
 * Console sessions live on the server (issue 13, defect 13: "Signing out does not end the session"). Over
 * real HTTP against the Node server: the session cookie holds only a random token (the database only its
 * SHA-256), and a copy of the cookie, taken while it works, stops working once the person signs out, once
 * the session's API key is revoked, and once the session expires; expired and revoked rows are pruned.
 */
import { createHash } from 'node:crypto';
import { addMember, removeMember, revokeApiKey, type Role } from '@budget-sync/db';
import { DEFAULT_CONFIG } from '@budget-sync/edge';
import { type NodeServer, startServer } from '@budget-sync/edge/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newOrg, type TestOrg } from '../edge/helpers.ts';
import { freshDatabase } from '../support/postgres.ts';
import { browseAt, type Jar } from './browser-http.ts';

const db = await freshDatabase();
let server: NodeServer;
let org: TestOrg;

beforeAll(async () => {
  // An org first, so the start makes no demo org.
  org = await newOrg(db);
  server = await startServer({ port: 0, database: db, config: DEFAULT_CONFIG });
});

afterAll(async () => {
  await server?.close();
});

const browse = (jar: Jar, method: 'GET' | 'POST', path: string, form?: Record<string, string>) =>
  browseAt(server.url, jar, method, path, form);

/** Signs in with the key as a browser would: the sign-in page for the CSRF cookie, then the form. */
async function signIn(key: string): Promise<Jar> {
  const jar: Jar = {};
  await browse(jar, 'GET', '/sign-in');
  const res = await browse(jar, 'POST', '/sign-in', { _csrf: jar.bs_csrf as string, apiKey: key });
  expect({ status: res.status, location: res.headers.get('location') }).toEqual({ status: 303, location: '/upload' });
  expect(jar.bs_session).toBeDefined();
  return jar;
}

/** Where a page sends this cookie jar: 200 (signed in) or to the sign-in page. */
async function budgetsPage(jar: Jar): Promise<string> {
  const res = await browse({ ...jar }, 'GET', '/budgets');
  await res.body?.cancel();
  return res.status === 200 ? 'page' : `${res.status} ${res.headers.get('location')}`;
}

const SIGNED_OUT = '303 /sign-in?next=%2Fbudgets&why=expired';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

async function sessionRow(token: string) {
  const r = await db.pool.query<{ created_at: Date; expires_at: Date; revoked_at: Date | null; csrf: string }>(
    'SELECT created_at, expires_at, revoked_at, csrf FROM console_sessions WHERE token_hash = $1',
    [sha256(token)],
  );
  return r.rows[0];
}

describe('console sessions on the server', () => {
  it('the cookie holds only a random token, no key material; the database only its SHA-256', async () => {
    const key = await org.key('budget:read');
    const jar = await signIn(key);
    const token = jar.bs_session as string;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    for (let i = 0; i + 8 <= key.length; i += 4) expect(token).not.toContain(key.slice(i, i + 8));
    // A second sign-in with the same key gets an unrelated token: nothing in it derives from the key.
    const again = (await signIn(key)).bs_session as string;
    expect(again).not.toBe(token);
    const row = await sessionRow(token);
    expect(row).toBeDefined();
    const stored = await db.pool.query<{ row: string }>('SELECT row(s.*)::text AS row FROM console_sessions s');
    expect(stored.rows.map((r) => r.row).join('\n')).not.toContain(token);
    // The session's CSRF token is the cookie the browser was given; it lasts 12 h.
    expect(row?.csrf).toBe(jar.bs_csrf);
    expect((row?.expires_at.getTime() ?? 0) - (row?.created_at.getTime() ?? 0)).toBe(12 * 3600 * 1000);
  });

  it('a copied cookie stops working once its owner signs out', async () => {
    const jar = await signIn(await org.key('budget:read'));
    const copy = { ...jar };
    expect(await budgetsPage(copy)).toBe('page');
    const out = await browse(jar, 'POST', '/sign-out', { _csrf: jar.bs_csrf as string });
    expect({ status: out.status, location: out.headers.get('location') }).toEqual({ status: 303, location: '/sign-in?signed=out' });
    expect(jar.bs_session).toBeUndefined();
    expect(await budgetsPage(copy)).toBe(SIGNED_OUT);
    expect((await sessionRow(copy.bs_session as string))?.revoked_at).toBeInstanceOf(Date);
  });

  it("a copied cookie stops working once the session's API key is revoked, at once", async () => {
    const key = await org.key('budget:read');
    const jar = await signIn(key);
    expect(await budgetsPage(jar)).toBe('page');
    await revokeApiKey(db.pool, org.orgId, key.slice(0, 12));
    // No wait for the key cache (5 s here): the session is looked up with its key on every request.
    expect(await budgetsPage(jar)).toBe(SIGNED_OUT);
  });

  it('a copied cookie stops working once the session expires, and the next sign-in prunes every dead session', async () => {
    const jar = await signIn(await org.key('budget:read'));
    const out = await signIn(await org.key('budget:read'));
    const revokedKey = await org.key('budget:read');
    await signIn(revokedKey);
    expect(await budgetsPage(jar)).toBe('page');
    // Twelve hours pass for this session: the server's clock decides, not anything the cookie says.
    await db.pool.query("UPDATE console_sessions SET expires_at = now() - interval '1 second' WHERE token_hash = $1", [
      sha256(jar.bs_session as string),
    ]);
    expect(await budgetsPage(jar)).toBe(SIGNED_OUT);
    // Dead too: a signed-out session and one whose key was revoked.
    await browse(out, 'POST', '/sign-out', { _csrf: out.bs_csrf as string });
    await revokeApiKey(db.pool, org.orgId, revokedKey.slice(0, 12));
    const DEAD = `SELECT count(*) AS n FROM console_sessions s JOIN api_keys k ON k.id = s.api_key_id
                   WHERE s.expires_at <= now() OR s.revoked_at IS NOT NULL OR k.revoked_at IS NOT NULL`;
    expect(Number((await db.pool.query<{ n: string }>(DEAD)).rows[0]?.n)).toBeGreaterThanOrEqual(3);
    const live = await signIn(org.admin);
    expect(Number((await db.pool.query<{ n: string }>(DEAD)).rows[0]?.n)).toBe(0);
    expect(await budgetsPage(live)).toBe('page');
  });

  it("notes when a session was last seen, and its key's last use, at most once a minute", async () => {
    const key = await org.key('budget:read');
    const jar = await signIn(key);
    const hash = sha256(jar.bs_session as string);
    await db.pool.query("UPDATE console_sessions SET last_seen_at = now() - interval '2 minutes' WHERE token_hash = $1", [hash]);
    await db.pool.query("UPDATE api_keys SET last_used_at = now() - interval '2 minutes' WHERE prefix = $1", [key.slice(0, 12)]);
    const ages = async () =>
      (
        await db.pool.query<{ seen: number; used: number }>(
          `SELECT extract(epoch FROM now() - s.last_seen_at)::float AS seen, extract(epoch FROM now() - k.last_used_at)::float AS used
             FROM console_sessions s JOIN api_keys k ON k.id = s.api_key_id WHERE s.token_hash = $1`,
          [hash],
        )
      ).rows[0];
    expect(await ages()).toMatchObject({
      seen: expect.toSatisfy((n: number) => n >= 120),
      used: expect.toSatisfy((n: number) => n >= 120),
    });
    expect(await budgetsPage(jar)).toBe('page');
    expect(await ages()).toMatchObject({ seen: expect.toSatisfy((n: number) => n < 60), used: expect.toSatisfy((n: number) => n < 60) });
  });

  it('a session is only good with the CSRF cookie it was issued with, and a forged token opens nothing', async () => {
    const jar = await signIn(await org.key('budget:read'));
    expect(await budgetsPage({ ...jar, bs_csrf: 'A'.repeat(43) })).toBe(SIGNED_OUT);
    expect(await budgetsPage({ bs_session: 'A'.repeat(43), bs_csrf: jar.bs_csrf as string })).toBe(SIGNED_OUT);
    expect(await budgetsPage(jar)).toBe('page');
  });

  it('signing in again ends the session the browser had', async () => {
    const key = await org.key('budget:read');
    const jar = await signIn(key);
    const before = { ...jar };
    const res = await browse(jar, 'POST', '/sign-in', { _csrf: jar.bs_csrf as string, apiKey: key });
    expect(res.status).toBe(303);
    expect(jar.bs_session).not.toBe(before.bs_session);
    expect(await budgetsPage(before)).toBe(SIGNED_OUT);
    expect(await budgetsPage(jar)).toBe('page');
  });
});

/** A person's sign-in link (users add), as the token it carries. */
async function invite(email: string, role: Role, departments: string[] | null = null): Promise<string> {
  return (await addMember(db.pool, { orgId: org.orgId, email, role, departments, createdBy: 'test' })).signInToken;
}

/** Opens a sign-in link as a browser: the link's page (which does not use it), then its button. */
async function useLink(token: string): Promise<{ jar: Jar; res: Response }> {
  const jar: Jar = {};
  const page = await browse(jar, 'GET', `/sign-in/link?token=${token}`);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('This link signs you in once');
  const res = await browse(jar, 'POST', '/sign-in/link', { _csrf: jar.bs_csrf as string, token });
  return { jar, res };
}

describe('people sign in with one-time links (issue 15)', () => {
  it('a link works once: its page does not use it, its button does, and a second use is refused', async () => {
    const token = await invite('pia@example.com', 'viewer');
    // A link preview fetching the page twice burns nothing.
    await browse({}, 'GET', `/sign-in/link?token=${token}`);
    const first = await useLink(token);
    expect({ status: first.res.status, location: first.res.headers.get('location') }).toEqual({ status: 303, location: '/upload' });
    expect(await budgetsPage(first.jar)).toBe('page');
    const again = await useLink(token);
    expect(again.res.status).toBe(401);
    expect(await again.res.text()).toContain('That sign-in link has been used, has expired or is not known');
    expect(again.jar.bs_session).toBeUndefined();
    // Only the link's hash is stored.
    const stored = await db.pool.query<{ row: string }>('SELECT row(l.*)::text AS row FROM sign_in_links l');
    expect(stored.rows.map((r) => r.row).join('\n')).not.toContain(token);
  });

  it('a link stops working after 24 hours', async () => {
    const token = await invite('old@example.com', 'viewer');
    const r = await db.pool.query<{ hours: number }>(
      'SELECT extract(epoch FROM expires_at - created_at) / 3600 AS hours FROM sign_in_links WHERE token_hash = $1',
      [sha256(token)],
    );
    expect(Number(r.rows[0]?.hours)).toBe(24);
    await db.pool.query(`UPDATE sign_in_links SET expires_at = now() - interval '1 second' WHERE token_hash = $1`, [sha256(token)]);
    expect((await useLink(token)).res.status).toBe(401);
  });

  it('removing a person ends their session at once, and their role bounds the pages they see', async () => {
    const { jar } = await useLink(await invite('rex@example.com', 'viewer'));
    expect(await budgetsPage(jar)).toBe('page');
    // A viewer reads the sources (DESIGN §2) but runs none: no Sync button; the settings page is the admins'.
    const sources = await browse({ ...jar }, 'GET', '/sources');
    expect(sources.status).toBe(200);
    expect(await sources.text()).not.toContain('Sync now');
    const settings = await browse({ ...jar }, 'POST', '/settings', { _csrf: jar.bs_csrf as string, controlLevel: 'track' });
    expect(settings.status).toBe(403);
    expect(await settings.text()).toContain('rex@example.com (viewer) does not have the scope');
    await removeMember(db.pool, org.orgId, 'REX@example.com', 'test');
    expect(await budgetsPage(jar)).toBe(SIGNED_OUT);
  });

  it("signing out ends a person's session for every copy of the cookie", async () => {
    const { jar } = await useLink(await invite('sam@example.com', 'editor'));
    const copy = { ...jar };
    await browse(jar, 'POST', '/sign-out', { _csrf: jar.bs_csrf as string });
    expect(await budgetsPage(copy)).toBe(SIGNED_OUT);
  });
});

describe('the People page and the organization switcher (issue 15)', () => {
  it('an admin adds a person (the page shows their link once) and removes them, which ends their session', async () => {
    const { jar: admin } = await useLink(await invite('boss@example.com', 'admin'));
    const page = await browse({ ...admin }, 'GET', '/users');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('boss@example.com');
    const added = await browse(admin, 'POST', '/users', {
      _csrf: admin.bs_csrf as string,
      email: 'new@example.com',
      role: 'editor',
      departments: 'Sales',
    });
    const text = await added.text();
    expect(added.status).toBe(200);
    const token = /\/sign-in\/link\?token=([A-Za-z0-9_-]{43})/.exec(text)?.[1] as string;
    expect(token).toBeDefined();
    const { jar: newcomer } = await useLink(token);
    expect(await budgetsPage(newcomer)).toBe('page');
    const removed = await browse(admin, 'POST', '/users/remove', { _csrf: admin.bs_csrf as string, email: 'new@example.com' });
    expect(await removed.text()).toContain('Removed new@example.com');
    expect(await budgetsPage(newcomer)).toBe(SIGNED_OUT);
  });

  it('a non-admin cannot open the People page', async () => {
    const { jar } = await useLink(await invite('peon@example.com', 'editor'));
    const res = await browse(jar, 'GET', '/users');
    expect(res.status).toBe(403);
    await res.body?.cancel();
  });

  it('a person in two organizations switches between them; only to one they belong to', async () => {
    const other = await newOrg(db, 'Other Co');
    await addMember(db.pool, { orgId: other.orgId, email: 'both@example.com', role: 'viewer', departments: null, createdBy: 'test' });
    const { jar } = await useLink(await invite('both@example.com', 'admin'));
    const orgs = await (await browse({ ...jar }, 'GET', '/orgs')).text();
    expect(orgs).toContain('Other Co (viewer)');
    const stranger = await newOrg(db, 'Stranger Co');
    const refused = await browse({ ...jar }, 'POST', '/orgs/switch', { _csrf: jar.bs_csrf as string, orgId: stranger.orgId });
    expect(refused.headers.get('location')).toBe('/orgs');
    const switched = await browse(jar, 'POST', '/orgs/switch', { _csrf: jar.bs_csrf as string, orgId: other.orgId });
    expect(switched.headers.get('location')).toBe('/upload');
    const page = await (await browse({ ...jar }, 'GET', '/orgs')).text();
    expect(page).toMatch(/Other Co \(viewer\)\s*<strong>— current<\/strong>/);
    // A viewer there: the People page is an admin's.
    expect((await browse({ ...jar }, 'GET', '/users')).status).toBe(403);
  });
});
