/**
 * Global setup of the workerd project, run in Node after the shared Postgres setup: a fresh migrated
 * database with one organization and its keys (made with the same services the CLI uses), the
 * WebSocket→TCP proxy the Neon driver inside workerd connects through, and Node's answer to the analyze
 * request the workerd test repeats. Everything is removed again at teardown.
 */
import { randomBytes } from 'node:crypto';
import { addMember, createApiKey, createOrganization, type Role } from '@budget-sync/db';
import { openDatabase } from '@budget-sync/db/node';
import { createApp, DEFAULT_CONFIG } from '@budget-sync/edge';
import { prepareDepartmentWorld } from '../support/department-world.ts';
import { idToken, type JwksServer, nowS, type SigningKey, serveJwks, signingKey } from '../support/id-tokens.ts';
import { createDatabase, dropDatabase } from '../support/postgres.ts';
import { startWsProxy } from '../support/ws-proxy.ts';
import { BUDGET_CSV, CLIENT_ID, CSV_NAME, ISSUER, type IdTokens, PEOPLE, type TestBindings } from './fixture.ts';

/**
 * A JWKS on 127.0.0.1 (for the Worker to fetch; the set `main` publishes w1, other names are the
 * workerd tests' own), the private keys w1 and w2 for the tests to sign with inside workerd, and tokens
 * of the org's people signed here, plus refusals.
 */
async function identity(cleanups: Array<() => Promise<void>>): Promise<{ jwks: JwksServer; keys: SigningKey[]; tokens: IdTokens }> {
  const keys = [await signingKey('w1'), await signingKey('w2')];
  const [w1] = keys as [SigningKey];
  const foreign = await signingKey('w1');
  const jwks = await serveJwks(keys, ['w1']);
  cleanups.push(() => jwks.close());
  const now = nowS();
  const base = { aud: CLIENT_ID, iss: ISSUER };
  const sign = (email: string, exp = now + 3600, key = w1) => idToken(key, base, { email, iat: exp - 3600, exp });
  return {
    jwks,
    keys,
    tokens: {
      viewer: await sign(PEOPLE.viewer),
      editor: await sign(PEOPLE.editor),
      approver: await sign(PEOPLE.approver),
      admin: await sign(PEOPLE.admin),
      stranger: await sign('stranger@workers.example'),
      expired: await sign(PEOPLE.admin, now - 120),
      foreign: await sign(PEOPLE.admin, now + 3600, foreign),
    },
  };
}

interface Project {
  getProvidedContext(): { postgresAdminUrl: string };
  provide(key: 'workersBindings', value: TestBindings): void;
  provide(key: 'nodeAnalyzeBody', value: Record<string, unknown>): void;
}

export default async function setup(project: Project): Promise<() => Promise<void>> {
  const server = project.getProvidedContext().postgresAdminUrl;
  const { name, url } = await createDatabase(server);
  const db = await openDatabase({ url, max: 2 });
  const cleanups: Array<() => Promise<void>> = [() => dropDatabase(name, server), () => db.close()];
  const teardown = async () => {
    for (const c of cleanups.reverse()) await c().catch((e: unknown) => console.error('workers teardown:', e));
  };
  try {
    const { org, apiKey } = await createOrganization(db.pool, { name: 'Workers Co' });
    const key = async (...scopes: Parameters<typeof createApiKey>[1]['scopes']) =>
      (await createApiKey(db.pool, { orgId: org.id, name: `workers-${scopes.join('+')}`, scopes })).apiKey;

    // Node's answer first, while the database holds no budget yet (the workerd test asks on the same state).
    const app = createApp({ database: async () => ({ db, release: async () => {} }), config: DEFAULT_CONFIG });
    const form = new FormData();
    form.set('file', new File([BUDGET_CSV], CSV_NAME, { type: 'text/csv' }));
    const res = await app.request('/api/excel/analyze', { method: 'POST', headers: { authorization: `Bearer ${apiKey}` }, body: form });
    if (res.status !== 200) throw new Error(`Node analyze answered ${res.status}: ${await res.text()}`);
    project.provide('nodeAnalyzeBody', (await res.json()) as Record<string, unknown>);

    for (const [role, email] of Object.entries(PEOPLE)) {
      const departments = role === 'approver' ? ['Marketing'] : null;
      await addMember(db.pool, { orgId: org.id, email, role: role as Role, departments, createdBy: 'workers setup' });
    }
    const { jwks, keys, tokens } = await identity(cleanups);
    // The department matrix's organization (its source's credentials are sealed with a key of this run's).
    process.env.BUDGET_SYNC_SECRET_KEY ??= randomBytes(32).toString('base64');
    const world = await prepareDepartmentWorld(db, (path, init) => Promise.resolve(app.request(path, init)), 'workers-matrix.example');

    const pg = new URL(url);
    const proxy = await startWsProxy({ target: { host: pg.hostname, port: Number(pg.port || 5432) } });
    cleanups.push(async () => {
      console.info(`workers ws proxy: at most ${proxy.peakUpstream()} Postgres connections at once, ${proxy.refused()} refused upgrades`);
      await proxy.close();
    });
    project.provide('workersBindings', {
      DATABASE_URL: url,
      NEON_WS_PROXY: proxy.address,
      TEST_ADMIN_KEY: apiKey,
      TEST_RESERVE_KEY: await key('budget:check', 'budget:reserve', 'budget:read'),
      TEST_READ_KEY: await key('imports:read'),
      BUDGET_SYNC_GOOGLE_CLIENT_IDS: CLIENT_ID,
      BUDGET_SYNC_GOOGLE_ISSUER: ISSUER,
      BUDGET_SYNC_GOOGLE_JWKS_URL: jwks.url('main'),
      TEST_ID_TOKENS: JSON.stringify(tokens),
      TEST_JWKS_BASE: jwks.base,
      TEST_SIGNING_KEYS: JSON.stringify(Object.fromEntries(keys.map((k) => [k.kid, k.privateJwk]))),
      TEST_DEPARTMENT_WORLD: JSON.stringify(world),
    });
  } catch (e) {
    await teardown();
    throw e;
  }
  return teardown;
}
