/**
 * An organization for the department-scope matrix (test/support/department-matrix.ts), made the same way
 * for Node (test/edge/department-scope.test.ts) and for workerd (its Node global setup): four people, one
 * per role, each limited to Marketing, and an admin without a limit; budget lines, imports, reservations,
 * control overrides and a data source's last run in Marketing, in Sales and in both, made through the app
 * with the org's admin key (the source's run through db's services: no route records one).
 */
import { addMember, createOrganization, createSource, type Database, finishSourceRun, type Role, startSourceRun } from '@budget-sync/db';

export const LIMITED_TO = ['Marketing'];
export const ROLES = ['viewer', 'editor', 'approver', 'admin'] as const;

/** What the matrix needs to know of the organization (plain data: it is handed to workerd as JSON). */
export interface DepartmentWorld {
  orgId: string;
  /** The org's admin key: no department limit. */
  adminKey: string;
  /** Email of the person of each role, all limited to LIMITED_TO. */
  people: Record<Role, string>;
  /** Imports whose changed lines are all Marketing, all Sales, and both. */
  marketingImport: string;
  salesImport: string;
  mixedImport: string;
  marketingReservation: string;
  salesReservation: string;
  sourceId: string;
}

type Request = (path: string, init: RequestInit) => Promise<Response>;

export const HEADER = ['Department', 'Category', 'Month', 'Amount'];

async function ok(res: Response, what: string): Promise<Record<string, unknown>> {
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${what}: ${res.status} ${text.slice(0, 300)}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/** `request`: the app's own fetch (Hono's app.request on Node). `domain`: makes the emails unique per world. */
export async function prepareDepartmentWorld(db: Database, request: Request, domain: string): Promise<DepartmentWorld> {
  const { org, apiKey } = await createOrganization(db.pool, { name: 'Departments Co' });
  const people = Object.fromEntries(ROLES.map((r) => [r, `${r}@${domain}`])) as Record<Role, string>;
  for (const role of ROLES) {
    await addMember(db.pool, { orgId: org.id, email: people[role], role, departments: LIMITED_TO, createdBy: 'matrix setup' });
  }
  await addMember(db.pool, { orgId: org.id, email: `chief@${domain}`, role: 'admin', departments: null, createdBy: 'matrix setup' });

  const send = (method: string, path: string, json: unknown) =>
    request(path, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(json),
    });
  const importValues = async (fileName: string, rows: string[][]) =>
    (
      await ok(
        await send('POST', '/api/excel/import', { sheetName: 'Budget', values: [HEADER, ...rows], fileName, acceptWarnings: true }),
        fileName,
      )
    ).importId as string;
  const mixedImport = await importValues('fy26.csv', [
    ['Marketing', 'Travel', '2026-01', '1000.00'],
    ['Marketing', 'Events', '2026-01', '2000.00'],
    ['Sales', 'Travel', '2026-01', '3000.00'],
  ]);
  const marketingImport = await importValues('marketing-feb.csv', [['Marketing', 'Travel', '2026-02', '500.00']]);
  const salesImport = await importValues('sales-feb.csv', [['Sales', 'Travel', '2026-02', '700.00']]);
  const reserve = async (department: string) =>
    (
      await ok(
        await send('POST', '/api/budget/reservations', { department, category: 'Travel', period: '2026-01', amount: '10.00' }),
        `reserve ${department}`,
      )
    ).id as string;
  const marketingReservation = await reserve('Marketing');
  const salesReservation = await reserve('Sales');
  await ok(
    await send('PUT', '/api/settings', {
      overrides: [
        { department: 'Marketing', tolerancePercent: '5' },
        { department: 'Sales', tolerancePercent: '7' },
        { category: 'Events', controlLevel: 'warn' },
      ],
    }),
    'settings',
  );
  const source = await createSource(db.pool, {
    orgId: org.id,
    type: 's3',
    name: 'Budget drop',
    config: { bucket: 'budget-drop', region: 'eu-west-1', accessKeyId: 'AKIAEXAMPLE' },
    secrets: { secretAccessKey: 'not-a-real-secret' },
    actor: 'matrix setup',
  });
  const run = await startSourceRun(db.pool, { sourceId: source.id, orgId: org.id, trigger: 'schedule' });
  await finishSourceRun(db.pool, run, {
    status: 'succeeded',
    reason: null,
    files: [
      { name: 'marketing-feb.csv', status: 'imported', importId: marketingImport },
      { name: 'sales-feb.csv', status: 'imported', importId: salesImport },
      { name: 'sales-broken.csv', status: 'failed', reason: 'Sales: row 3 has no amount' },
    ],
  });
  return {
    orgId: org.id,
    adminKey: apiKey,
    people,
    marketingImport,
    salesImport,
    mixedImport,
    marketingReservation,
    salesReservation,
    sourceId: source.id,
  };
}
