/**
 * The demo organization's sample data (Node only: it reads edge/samples/ from disk). A first start on an
 * empty database imports a sample FY2026 budget — 5 departments × 4 categories × 12 months — through
 * the same import workflow as an upload, and records a few reservations, commitments and invoices
 * against January and February, so that every console page has something true to show. It is all marked
 * as demo: the organization is flagged `is_demo`, the import's actor is `demo`, its source `demo`.
 */
import { readFile } from 'node:fs/promises';
import { commitReservation, type Database, recordActual, reserveFunds } from '@budget-sync/db';
import { analyzeInProcess } from './analysis/analyzer.ts';
import type { AppConfig } from './config.ts';
import { importSpreadsheetFor, spreadsheetOf } from './routes/excel/excel.workflow.ts';

export const DEMO_SAMPLE = new URL('../samples/demo-budget-fy2026.csv', import.meta.url);
const ACTOR = 'demo';

/** What was spent against the sample budget: [department, category, period, reserved, committed of it, invoiced of that]. */
const CONSUMPTION: ReadonlyArray<readonly [string, string, string, string, string | null, string | null]> = [
  ['Marketing', 'Events', '2026-01', '5200.00', '5200.00', '4800.00'],
  ['Marketing', 'Software', '2026-01', '1900.00', '1900.00', '1900.00'],
  ['Marketing', 'Contractors', '2026-02', '9000.00', '6000.00', null],
  ['Sales', 'Travel', '2026-01', '11800.00', '11800.00', '12650.00'],
  ['Sales', 'Software', '2026-02', '7400.00', null, null],
  ['Engineering', 'Software', '2026-01', '21000.00', '21000.00', '21000.00'],
  ['Engineering', 'Contractors', '2026-02', '15000.00', '15000.00', '7500.00'],
  ['Finance', 'Software', '2026-01', '3200.00', '3200.00', '3200.00'],
  ['Finance', 'Travel', '2026-01', '1300.00', '1300.00', '1650.00'],
  ['Finance', 'Travel', '2026-02', '900.00', null, null],
  ['Human Resources', 'Events', '2026-01', '18000.00', '12000.00', '9000.00'],
  ['Human Resources', 'Travel', '2026-02', '4100.00', '4100.00', null],
];

export async function seedDemoData(db: Database, orgId: string, config: AppConfig): Promise<void> {
  const bytes = new Uint8Array(await readFile(DEMO_SAMPLE));
  const file = new File([bytes], 'demo-budget-fy2026.csv', { type: 'text/csv' });
  const sheet = await spreadsheetOf({}, { file }, analyzeInProcess);
  const result = await importSpreadsheetFor(db, orgId, sheet, config, {
    mode: 'merge',
    acceptWarnings: true,
    actor: ACTOR,
    source: 'demo',
  });
  if (result.status !== 'succeeded') throw new Error(`The demo budget did not import: ${result.reason ?? result.status}`);
  for (const [department, category, period, amount, committed, actual] of CONSUMPTION) {
    const { reservation } = await reserveFunds(db.pool, orgId, {
      department,
      category,
      period,
      amount,
      actor: ACTOR,
      reference: `DEMO-${department.slice(0, 3).toUpperCase()}-${period}`,
      description: 'Demo purchase request',
    });
    if (committed) await commitReservation(db.pool, orgId, reservation.id, { amount: committed }, ACTOR);
    if (actual) await recordActual(db.pool, orgId, reservation.id, { amount: actual }, ACTOR);
  }
}
