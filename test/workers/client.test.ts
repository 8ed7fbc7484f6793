/**
 * The generated client inside workerd (issue: the contract integrators build on): the integrator's code
 * of test/client/workflow.ts — openapi-fetch over the types generated from the served document — drives
 * the Worker through its own fetch, with the base URL taken from the document's `servers`, as it does on
 * Node (test/edge/openapi-client.test.ts).
 */
import { env, exports } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
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

let client: BudgetClient;

beforeAll(async () => {
  const res = await exports.default.fetch('https://budget-sync.test/api/openapi.json');
  const doc = (await res.json()) as { servers: Array<{ url: string }> };
  expect(doc.servers[0]?.url).toBe('https://budget-sync.test');
  client = budgetClient({ baseUrl: doc.servers[0]?.url as string, apiKey: env.TEST_ADMIN_KEY, fetch: (r) => exports.default.fetch(r) });
});

describe('a client generated from the served document, on Workers', () => {
  it('imports sheet values, reserves with a key and its replay, commits, releases, refuses; reverts an import', async () => {
    const values = [
      ['Department', 'Category', 'Month', 'Budget Amount'],
      ['Integrations', 'Licences', '2026-05', 800],
    ];
    const imported = await importSheetValues(client, {
      sheetName: 'Integrations',
      values,
      displayValues: values.map((r) => r.map(String)),
      fileName: 'Integrations FY2026',
    });
    expect(imported).toMatchObject({ status: 'succeeded', counts: { inserted: 1 } });
    expect((await importHistory(client)).imports.map((i) => i.id)).toContain(imported.importId);

    const ask = { department: 'Integrations', category: 'Licences', period: '2026-05' };
    expect(await checkBudget(client, { ...ask, amount: '500.00' })).toMatchObject({ decision: 'pass', availableAfter: '300.00' });
    const first = await reserve(client, { ...ask, amount: '500.00' }, 'wk-client-1');
    const again = await reserve(client, { ...ask, amount: '500.00' }, 'wk-client-1');
    expect(again).toEqual({ replayed: true, reservation: first.reservation });
    expect(await commit(client, first.reservation.id, '200.00')).toMatchObject({ reserved: '300.00', committed: '200.00' });
    expect(await release(client, first.reservation.id)).toMatchObject({ reserved: '0.00', committed: '200.00' });
    const refused = await reserve(client, { ...ask, amount: '600.01' }, 'wk-client-2').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BudgetSyncProblem);
    expect(refused).toMatchObject({ status: 409, code: 'budget.insufficient' });

    // A second import, with no money on its line, is reverted: the line is gone from the budget.
    const more = await importSheetValues(client, {
      sheetName: 'Integrations',
      values: [values[0] as string[], ['Integrations', 'Training', '2026-05', 150]],
      fileName: 'Integrations training',
    });
    expect(await revertImport(client, more.importId)).toMatchObject({ importId: more.importId, status: 'reverted' });
    expect(await checkBudget(client, { ...ask, category: 'Training', amount: '1.00' })).toMatchObject({ decision: 'fail' });
  });
});
