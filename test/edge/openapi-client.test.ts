/**
 * The contract as integrators use it: the served document lints clean with Redocly's recommended rules,
 * the types generated from it (openapi-typescript) still fit the integrator's code (test/client/workflow.ts),
 * and that code — openapi-fetch over the generated types — runs an approval workflow and a finance
 * system's import against the real app: check, reserve with an Idempotency-Key and its replay, commit,
 * release, import of sheet values, history, revert.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TOLERANCE_RULE } from '@budget-sync/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateClientTypes } from '../client/generate.ts';
import {
  type BudgetClient,
  BudgetSyncProblem,
  budgetClient,
  checkBudget,
  commit,
  importHistory,
  importSheetValues,
  release,
  reserve,
  revertImport,
} from '../client/workflow.ts';
import { freshDatabase } from '../support/postgres.ts';
import { type Doc, importRows, newOrg, type TestApp, type TestOrg, testApp } from './helpers.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLIENT = join(ROOT, 'test/client');
const ORIGIN = 'http://budget-sync.test';

const db = await freshDatabase();
const t: TestApp = testApp(db);
let doc: Doc;
let org: TestOrg;
let client: BudgetClient;
let work: string;

beforeAll(async () => {
  const res = await t.app.request(`${ORIGIN}/api/openapi.json`);
  expect(res.status).toBe(200);
  doc = (await res.json()) as Doc;
  org = await newOrg(db);
  const servers = doc.servers as Array<{ url: string }>;
  client = budgetClient({ baseUrl: servers[0]?.url as string, apiKey: org.admin, fetch: (r) => Promise.resolve(t.app.fetch(r)) });
  // Inside the repository, so that the type check finds openapi-fetch in node_modules.
  work = mkdtempSync(join(CLIENT, '.check-'));
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(command: string, args: string[], cwd: string) {
  const r = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
    timeout: 120_000,
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** tsc (the project's, TypeScript 7) on workflow.ts beside types generated from `document`. */
async function typeCheckAgainst(document: Doc, dir: string): Promise<{ status: number | null; out: string }> {
  writeFileSync(join(dir, 'api.ts'), await generateClientTypes(document));
  copyFileSync(join(CLIENT, 'workflow.ts'), join(dir, 'workflow.ts'));
  const compilerOptions = {
    strict: true,
    noEmit: true,
    target: 'ES2023',
    lib: ['ES2023', 'DOM'],
    module: 'nodenext',
    moduleResolution: 'nodenext',
    allowImportingTsExtensions: true,
    skipLibCheck: true,
    types: [],
  };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['workflow.ts'] }));
  return run(join(ROOT, 'node_modules/.bin/tsc'), ['-p', join(dir, 'tsconfig.json')], dir);
}

describe('the served OpenAPI document', () => {
  it('has servers (where it was served from), an operationId per operation and a licence', () => {
    expect(doc.servers).toEqual([{ url: ORIGIN, description: expect.any(String) }]);
    expect((doc.info as Doc).license).toEqual({ name: expect.any(String), identifier: expect.stringMatching(/^LicenseRef-/) });
    const ids = Object.values(doc.paths as Record<string, Record<string, { operationId?: string }>>).flatMap((item) =>
      Object.values(item).map((op) => op.operationId),
    );
    expect(ids).toHaveLength(32);
    expect(new Set(ids).size).toBe(32);
    // The settings say the tolerance rule the code applies, in the words of its one source.
    const settings = ((doc.components as Doc).schemas as Record<string, { properties: Record<string, { description?: string }> }>)
      .ControlSettings;
    expect(settings?.properties.tolerancePercent?.description).toContain(TOLERANCE_RULE);
    expect(settings?.properties.toleranceAmount?.description).toContain(TOLERANCE_RULE);
    // Integrators' generated clients are named after these: they are a contract.
    expect(ids).toEqual(
      expect.arrayContaining([
        'checkBudget',
        'createReservation',
        'commitReservation',
        'releaseReservation',
        'recordActual',
        'listImports',
        'revertImport',
      ]),
    );
  });

  it('documents 401, 403, 429 (with Retry-After) and 503 on every operation that needs a key (each looks the key up in the database)', () => {
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, { security?: unknown[]; responses: Doc }>>)) {
      for (const [method, op] of Object.entries(item)) {
        if (!op.security?.length) continue;
        expect(Object.keys(op.responses), `${method} ${path}`).toEqual(expect.arrayContaining(['401', '403', '429', '503']));
        expect((op.responses['429'] as { headers?: Doc }).headers, `${method} ${path}`).toHaveProperty('Retry-After');
      }
    }
  });

  it("lints clean with Redocly's recommended rules: 0 errors, 0 warnings, and only the three listed exceptions", () => {
    writeFileSync(join(work, 'openapi.json'), JSON.stringify(doc));
    copyFileSync(join(ROOT, 'redocly.yaml'), join(work, 'redocly.yaml'));
    copyFileSync(join(ROOT, '.redocly.lint-ignore.yaml'), join(work, '.redocly.lint-ignore.yaml'));
    const r = run(join(ROOT, 'node_modules/.bin/redocly'), ['lint', 'openapi.json', '--format=summary'], work);
    expect(r.out).not.toMatch(/\b(error|warning)\b(?! problems? ignored)\s+[\w-]+:/i);
    expect(r.out).toMatch(/valid/i);
    expect(r.status, r.out).toBe(0);
    const ignored = readFileSync(join(ROOT, '.redocly.lint-ignore.yaml'), 'utf8').match(/^\s+- ".*"$/gm) ?? [];
    expect(ignored.map((l) => l.trim())).toEqual([
      '- "#/paths/~1api~1health/get/responses"',
      '- "#/paths/~1api~1openapi.json/get/responses"',
      '- "#/paths/~1api~1docs/get/responses"',
    ]);
  });
});

describe('a client generated from the served document', () => {
  it('is the committed test/client/api.ts (after an API change: npm run client:generate)', async () => {
    const committed = readFileSync(join(CLIENT, 'api.ts'), 'utf8');
    expect(committed === (await generateClientTypes(doc)), 'test/client/api.ts is stale: run npm run client:generate').toBe(true);
  });

  it("still fits the integrator's code, and a breaking change to the API would not", async () => {
    const fits = await typeCheckAgainst(doc, work);
    expect(fits.out).toBe('');
    expect(fits.status).toBe(0);
    // The control: the same check on a document where commit moved to another path (a breaking change) fails.
    const broken = structuredClone(doc) as { paths: Record<string, unknown> };
    broken.paths['/api/budget/reservations/{id}/confirm'] = broken.paths['/api/budget/reservations/{id}/commit'];
    delete broken.paths['/api/budget/reservations/{id}/commit'];
    const breaks = await typeCheckAgainst(broken as unknown as Doc, work);
    expect(breaks.status).not.toBe(0);
    expect(breaks.out).toMatch(/workflow\.ts.*\/commit/);
  });

  it('runs an approval workflow: check, reserve with a key, replay, commit part, release the rest, refusal', async () => {
    await importRows(t, org.admin, [['Marketing', 'Travel', '2026-03', '1000.00']]);
    const ask = { department: 'Marketing', category: 'Travel', period: '2026-03' };
    const check = await checkBudget(client, { ...ask, amount: '600.00' });
    expect(check).toMatchObject({ decision: 'pass', budget: '1000.00', available: '1000.00', availableAfter: '400.00' });

    const first = await reserve(client, { ...ask, amount: '600.00', reference: 'PR-1042' }, 'pr-1042');
    expect(first).toMatchObject({ replayed: false, reservation: { status: 'held', reserved: '600.00' } });
    const again = await reserve(client, { ...ask, amount: '600.00', reference: 'PR-1042' }, 'pr-1042');
    expect(again).toEqual({ replayed: true, reservation: first.reservation });

    const committed = await commit(client, first.reservation.id, '450.00');
    expect(committed).toMatchObject({ status: 'partly_committed', reserved: '150.00', committed: '450.00' });
    const released = await release(client, first.reservation.id);
    expect(released).toMatchObject({ status: 'committed', reserved: '0.00', committed: '450.00' });

    const refused = await reserve(client, { ...ask, amount: '551.00' }, 'pr-1043').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BudgetSyncProblem);
    expect(refused).toMatchObject({ status: 409, code: 'budget.insufficient' });
  });

  it('imports sheet values, finds the import in the history and reverts it', async () => {
    const values = [
      ['Department', 'Category', 'Month', 'Budget Amount'],
      ['Finance', 'Audit', '2026-04', 12000],
      ['Finance', 'Software', '2026-04', 3500.5],
    ];
    const displayValues = values.map((r) => r.map(String));
    const imported = await importSheetValues(client, { sheetName: 'FY2026', values, displayValues, fileName: 'Finance FY2026' });
    expect(imported).toMatchObject({ status: 'succeeded', counts: { inserted: 2 } });
    const history = await importHistory(client);
    expect(history.imports[0]).toMatchObject({ id: imported.importId, fileName: 'Finance FY2026' });
    const reverted = await revertImport(client, imported.importId);
    expect(reverted).toMatchObject({ importId: imported.importId, status: 'reverted' });
    await expect(checkBudget(client, { department: 'Finance', category: 'Audit', period: '2026-04', amount: '1' })).resolves.toMatchObject({
      decision: 'fail',
    });
  });
});
