/**
 * What every add-on test file sets up once: the add-on built afresh into a scratch folder (the tests run
 * what `npm run addon:build` makes, from the current sources), the API on real Postgres, and the
 * synchronous fetcher the UrlFetchApp stand-in uses; and organizations with keys of chosen scopes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiKey, createOrganization, type Scope } from '@budget-sync/db';
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
  /** A fresh Apps Script global over a spreadsheet of these sheets (the first one active). */
  env(sheets: SheetInit[], name?: string): AppsScript;
  /** A new organization; its admin key, or a key with just these scopes. */
  orgKey(name: string, scopes?: Scope[]): Promise<string>;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const outDir = mkdtempSync(join(tmpdir(), 'budget-sync-addon-'));
  const [build, server] = await Promise.all([buildAddon(join(outDir, 'dist')), startApiServer()]);
  const fetcher = new SyncFetcher();
  const sql = new pg.Pool({ connectionString: server.databaseUrl, max: 1 });
  return {
    build,
    server,
    fetcher,
    env: (sheets, name) => new AppsScript({ distDir: build.outDir, fetcher, spreadsheet: { sheets, ...(name ? { name } : {}) } }),
    orgKey: async (name, scopes) => {
      const { org, apiKey } = await createOrganization(sql, { name });
      if (!scopes) return apiKey;
      return (await createApiKey(sql, { orgId: org.id, name: `addon-${scopes.join('+')}`, scopes })).apiKey;
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
