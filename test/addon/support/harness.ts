/**
 * What every add-on test file sets up once: the add-on built afresh into a scratch folder (the tests run
 * what `npm run addon:build` makes, from the current sources), the API on real Postgres, and the
 * synchronous fetcher the UrlFetchApp stand-in uses; and organizations with keys of chosen scopes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addMember, createApiKey, createOrganization, type Role, type Scope } from '@budget-sync/db';
import pg from 'pg';
import { type BuildResult, buildAddon } from '../../../addon/build.ts';
import { AppsScript } from './apps-script.ts';
import { type ApiServer, startApiServer } from './api-server.ts';
import type { SheetInit } from './fake-spreadsheet.ts';
import { SyncFetcher } from './sync-fetch.ts';

export interface Harness {
  build: BuildResult;
  server: ApiServer;
  fetcher: SyncFetcher;
  /** A fresh Apps Script global over a spreadsheet of these sheets (the first one active); `email`: the Google user's. */
  env(sheets: SheetInit[], name?: string, email?: string): AppsScript;
  /** A new organization; its admin key, or a key with just these scopes. */
  orgKey(name: string, scopes?: Scope[]): Promise<string>;
  /** A new organization with this person in it; its id. */
  orgWithPerson(name: string, email: string, role: Role): Promise<string>;
  /** Adds the person to an existing organization. */
  addPerson(orgId: string, email: string, role: Role): Promise<void>;
  close(): Promise<void>;
}

/** `apiEnv`: more settings for the API process. */
export async function startHarness(apiEnv: Record<string, string> = {}): Promise<Harness> {
  const outDir = mkdtempSync(join(tmpdir(), 'budget-sync-addon-'));
  const [build, server] = await Promise.all([buildAddon(join(outDir, 'dist')), startApiServer(apiEnv)]);
  const fetcher = new SyncFetcher();
  const sql = new pg.Pool({ connectionString: server.databaseUrl, max: 1 });
  return {
    build,
    server,
    fetcher,
    env: (sheets, name, email) =>
      new AppsScript({ distDir: build.outDir, fetcher, spreadsheet: { sheets, ...(name ? { name } : {}) }, ...(email ? { email } : {}) }),
    orgKey: async (name, scopes) => {
      const { org, apiKey } = await createOrganization(sql, { name });
      if (!scopes) return apiKey;
      return (await createApiKey(sql, { orgId: org.id, name: `addon-${scopes.join('+')}`, scopes })).apiKey;
    },
    orgWithPerson: async (name, email, role) => {
      const { org } = await createOrganization(sql, { name });
      await addMember(sql, { orgId: org.id, email, role, departments: null, createdBy: 'test' });
      return org.id;
    },
    addPerson: async (orgId, email, role) => {
      await addMember(sql, { orgId, email, role, departments: null, createdBy: 'test' });
    },
    close: async () => {
      await fetcher.close();
      await sql.end();
      await server.dispose();
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}

/** Saves the connection through the add-on itself, as the settings dialog does. */
export function connect(env: AppsScript, apiBaseUrl: string, apiKey: string): void {
  const saved = env.run<{ ok: boolean }>('saveSettings', { apiBaseUrl, apiKey });
  if (!saved.ok) throw new Error(`saveSettings failed: ${JSON.stringify(saved)}`);
}
