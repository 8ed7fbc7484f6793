/**
 * People in the console (issue 15), over real HTTP against the Node server: the organization switcher in
 * every page's top bar for a person in several (back on the same page of the other org), the People page
 * changing a role and departments and showing who changed whom, the last admin kept (removal and
 * demotion refused with what to do), and a person limited to departments: the Health, Sources and
 * Settings pages show only their part, and whole-organization changes (people, settings, syncs) are refused.
 */
import { randomBytes } from 'node:crypto';
import { addMember, listImports, type Role } from '@budget-sync/db';
import { DEFAULT_CONFIG } from '@budget-sync/edge';
import { type NodeServer, startServer } from '@budget-sync/edge/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newOrg, type TestOrg } from '../edge/helpers.ts';
import { type DepartmentWorld, prepareDepartmentWorld } from '../support/department-world.ts';
import { freshDatabase } from '../support/postgres.ts';
import { browseAt, type Jar } from './browser-http.ts';

process.env.BUDGET_SYNC_SECRET_KEY ??= randomBytes(32).toString('base64');
const db = await freshDatabase();
let server: NodeServer;
let acme: TestOrg;
let world: DepartmentWorld;
const synced: string[] = [];

beforeAll(async () => {
  // An org first, so the start makes no demo org.
  acme = await newOrg(db, 'Acme');
  server = await startServer({
    port: 0,
    database: db,
    config: DEFAULT_CONFIG,
    console: {
      syncSource: async (_db, sourceId) => {
        synced.push(sourceId);
        return { status: 'succeeded', reason: null, files: [] };
      },
    },
  });
  world = await prepareDepartmentWorld(db, (path, init) => fetch(`${server.url}${path}`, init), 'console.example');
});

afterAll(async () => {
  await server?.close();
});

const browse = (jar: Jar, method: 'GET' | 'POST', path: string, form?: Record<string, string>) =>
  browseAt(server.url, jar, method, path, form);

/** Signs the person in with a fresh one-time link of their membership (adding them when they are new). */
async function signInAs(orgId: string, email: string, role: Role, departments: string[] | null = null): Promise<Jar> {
  const { signInToken } = await addMember(db.pool, { orgId, email, role, departments, createdBy: 'test' });
  const jar: Jar = {};
  await browse(jar, 'GET', `/sign-in/link?token=${signInToken}`);
  const res = await browse(jar, 'POST', '/sign-in/link', { _csrf: jar.bs_csrf as string, token: signInToken });
  expect(res.status).toBe(303);
  return jar;
}

async function page(jar: Jar, path: string): Promise<{ status: number; text: string }> {
  const res = await browse({ ...jar }, 'GET', path);
  return { status: res.status, text: await res.text() };
}

async function post(
  jar: Jar,
  path: string,
  form: Record<string, string>,
): Promise<{ status: number; text: string; location: string | null }> {
  const res = await browse(jar, 'POST', path, { _csrf: jar.bs_csrf as string, ...form });
  return { status: res.status, text: await res.text(), location: res.headers.get('location') };
}

/** The text of a figure of the Health page, by its id. */
function figure(html: string, id: string): string | undefined {
  return new RegExp(`id="${id}"><div class="label">[^<]*</div><div class="value">([^<]*)</div><div class="sub">([^<]*)`)
    .exec(html)
    ?.slice(1)
    .join(' | ');
}

describe('the organization switcher in the layout', () => {
  it('a person in two organizations switches from any page and lands on the same page of the other', async () => {
    await addMember(db.pool, { orgId: acme.orgId, email: 'both@console.example', role: 'viewer', departments: null, createdBy: 'test' });
    const jar = await signInAs(world.orgId, 'both@console.example', 'admin');
    const budgets = await page(jar, '/budgets?fy=2026');
    expect(budgets.status).toBe(200);
    expect(budgets.text).toContain('<select id="org-switch" name="orgId">');
    expect(budgets.text).toContain(`<option value="${world.orgId}" selected>Departments Co (admin)</option>`);
    expect(budgets.text).toContain(`<option value="${acme.orgId}">Acme (viewer)</option>`);
    expect(budgets.text).toContain('<input type="hidden" name="next" value="/budgets?fy=2026">');
    const switched = await post(jar, '/orgs/switch', { orgId: acme.orgId, next: '/budgets?fy=2026' });
    // The same page, not its query (an item or filter of the other org).
    expect({ status: switched.status, location: switched.location }).toEqual({ status: 303, location: '/budgets' });
    const there = await page(jar, '/budgets');
    expect(there.text).toContain(`<option value="${acme.orgId}" selected>Acme (viewer)</option>`);
    // From the People page to an org where they are a viewer: the upload page, not a refusal.
    const back = await post(jar, '/orgs/switch', { orgId: world.orgId, next: '/users' });
    expect(back.location).toBe('/users');
    const again = await post(jar, '/orgs/switch', { orgId: acme.orgId, next: '/users' });
    expect(again.location).toBe('/upload');
    // Never to an org they do not belong to, whatever the form says.
    const stranger = await newOrg(db, 'Stranger Co');
    expect((await post(jar, '/orgs/switch', { orgId: stranger.orgId, next: '/budgets' })).location).toBe('/orgs');
    expect((await page(jar, '/budgets')).text).toContain(`<option value="${acme.orgId}" selected>`);
  });

  it('a person in one organization sees its name, no switcher', async () => {
    const jar = await signInAs(acme.orgId, 'only@console.example', 'viewer');
    const text = (await page(jar, '/upload')).text;
    expect(text).toContain('<span class="org">Acme</span>');
    expect(text).not.toContain('org-switch');
  });
});

describe('the People page', () => {
  it("an admin changes a person's role and departments; the Changes table says who changed what", async () => {
    const chief = await signInAs(world.orgId, 'chief@console.example', 'admin');
    const changed = await post(chief, '/users/change', { email: world.people.viewer, role: 'editor', departments: 'Marketing, Sales' });
    expect(changed.status).toBe(200);
    expect(changed.text).toContain(`${world.people.viewer} is now editor, limited to Marketing, Sales.`);
    expect(changed.text).toMatch(
      new RegExp(
        `<th scope="row">${world.people.viewer}</th><td data-label="Change">role viewer → editor; departments Marketing → Marketing, Sales</td><td data-label="By">chief@console.example</td>`,
      ),
    );
    const back = await post(chief, '/users/change', { email: world.people.viewer, role: 'viewer', departments: 'Marketing' });
    expect(back.text).toContain(`${world.people.viewer} is now viewer, limited to Marketing.`);
  });

  it('the last admin can be neither demoted nor removed; the page says what to do and nothing changes', async () => {
    const org = await newOrg(db, 'Solo Co');
    const solo = await signInAs(org.orgId, 'solo@console.example', 'admin');
    const demoted = await post(solo, '/users/change', { email: 'solo@console.example', role: 'editor', departments: '' });
    expect(demoted.status).toBe(409);
    expect(demoted.text).toContain(
      'solo@console.example is the last admin of this organization without a department limit; making them editor',
    );
    expect(demoted.text).toContain('Make another person admin first');
    const removed = await post(solo, '/users/remove', { email: 'solo@console.example' });
    expect(removed.status).toBe(409);
    expect(removed.text).toContain('removing them would leave nobody to manage');
    const people = await page(solo, '/users');
    expect(people.status).toBe(200);
    expect(people.text).toMatch(/<th scope="row">solo@console\.example<\/th><td data-label="Role">admin<\/td>/);
  });
});

describe('a person limited to departments', () => {
  it('the Health page counts only the imports their history shows, without the server-wide counts', async () => {
    const viewer = await signInAs(world.orgId, world.people.viewer, 'viewer', ['Marketing']);
    const chief = await signInAs(world.orgId, 'chief@console.example', 'admin');
    const visible = await listImports(db.pool, world.orgId, { visibleTo: { departments: ['Marketing'], actor: world.people.viewer } });
    const all = await listImports(db.pool, world.orgId);
    expect(visible.length).toBeLessThan(all.length);
    const mine = (await page(viewer, '/health')).text;
    expect(figure(mine, 'fig-per-day')).toContain(`${visible.length} import${visible.length === 1 ? '' : 's'} in 30 days`);
    expect(mine).toContain('of your departments (Marketing) and your own');
    expect(mine).not.toContain('fig-check-count');
    expect(mine).not.toContain('fig-unreadable');
    const theirs = (await page(chief, '/health')).text;
    expect(figure(theirs, 'fig-per-day')).toContain(`${all.length} imports in 30 days`);
    expect(theirs).toContain('fig-check-count');
  });

  it('the Sources page shows only the files of their imports, and no Sync; a sync is refused', async () => {
    const admin = await signInAs(world.orgId, world.people.admin, 'admin', ['Marketing']);
    const chief = await signInAs(world.orgId, 'chief@console.example', 'admin');
    const mine = (await page(admin, '/sources')).text;
    expect(mine).toContain('1 file: 1 imported');
    expect(mine).not.toContain('Sync now');
    expect((await page(chief, '/sources')).text).toContain('3 files: 2 imported, 1 failed');
    const sync = await post(admin, `/sources/${world.sourceId}/sync`, {});
    expect(sync.status).toBe(403);
    expect(sync.text).toContain(`${world.people.admin} (admin) is limited to departments (Marketing)`);
    expect(synced).toEqual([]);
  });

  it('Settings show their overrides only and cannot be changed; people cannot be added, changed or removed', async () => {
    const admin = await signInAs(world.orgId, world.people.admin, 'admin', ['Marketing']);
    const settings = (await page(admin, '/settings')).text;
    expect(settings).toContain('except where 2 department or category override(s)');
    expect(settings).toContain('You are limited to departments (Marketing); the settings are the whole organization');
    expect(settings).not.toContain('Save settings');
    const chief = await signInAs(world.orgId, 'chief@console.example', 'admin');
    expect((await page(chief, '/settings')).text).toContain('except where 3 department or category override(s)');
    expect((await post(admin, '/settings', { controlLevel: 'track' })).status).toBe(403);

    const people = await page(admin, '/users');
    expect(people.status).toBe(200);
    expect(people.text).toContain('You are limited to departments (Marketing), so you cannot change who belongs to the organization.');
    expect(people.text).not.toContain('action="/users"');
    expect(people.text).not.toContain('action="/users/remove"');
    for (const [path, form] of [
      ['/users', { email: 'new@console.example', role: 'admin', departments: '' }],
      ['/users/change', { email: world.people.admin, role: 'admin', departments: '' }],
      ['/users/remove', { email: world.people.viewer }],
    ] as const) {
      const refused = await post(admin, path, form);
      expect(refused.status, path).toBe(403);
      expect(refused.text).toContain('is limited to departments (Marketing), and this changes the whole organization');
    }
    expect((await page(chief, '/users')).text).toMatch(
      new RegExp(`<th scope="row">${world.people.admin}</th><td data-label="Role">admin</td><td data-label="Departments">Marketing</td>`),
    );
  });
});
