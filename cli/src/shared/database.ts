/**
 * Running a command against the database: open it (DATABASE_URL, else the embedded default), run, and
 * always close it, so that an embedded server this process started is stopped again. Whatever the command
 * throws is reported by reportError with the database named (without its password).
 */
import { resolve } from 'node:path';
import type { Database } from '@budget-sync/db';
import { openDatabase, redact } from '@budget-sync/db/node';
import { isConnectionFailure, messageOf, printError, reportError } from './report.ts';

export interface DatabaseOptions {
  /** Apply pending migrations on opening (default true); `migrate` does it itself to report them. */
  migrate?: boolean;
}

/** The database openDatabase will use, for messages before it is open. */
export function describeTarget(): string {
  const url = process.env.DATABASE_URL;
  if (url) return redact(url);
  return `the embedded database in ${resolve(process.env.BUDGET_SYNC_DATA_DIR || '.budget-sync')}`;
}

export async function withDatabase(
  json: boolean | undefined,
  run: (db: Database) => Promise<number>,
  options: DatabaseOptions = {},
): Promise<number> {
  const target = describeTarget();
  let db: Database;
  try {
    // A CLI command runs its statements one after another: a few connections are plenty.
    db = await openDatabase({ migrate: options.migrate ?? true, max: 3 });
  } catch (e) {
    if (isConnectionFailure(e) || process.env.DATABASE_URL) return reportError(json, e, target);
    // The embedded server's own errors already say what failed, where its data is and what to do.
    printError(json, 'db.unreachable', `Cannot start ${target}: ${messageOf(e)}`);
    return 2;
  }
  try {
    return await run(db);
  } catch (e) {
    return reportError(json, e, db.describe);
  } finally {
    await db.close().catch(() => {});
  }
}
