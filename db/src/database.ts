/**
 * The Database handle the services take, with no runtime behind it: Node opens one over node-postgres
 * (`@budget-sync/db/node`), the Workers entry builds one per request over a Neon Pool. Nothing here needs
 * a runtime, so the main entry stays bundleable for Workers.
 */
import type pg from 'pg';

export interface Database {
  /** node-postgres' Pool, or Neon's (the same API, cast to this type). */
  pool: pg.Pool;
  /** Where it is, without any password: for messages. */
  describe: string;
  /** COPY FROM STDIN is available (node-postgres); the Neon driver falls back to unnest inserts. */
  supportsCopy: boolean;
  close(): Promise<void>;
}

/** postgres://user:secret@host/db → postgres://user@host/db */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString();
  } catch {
    return 'the configured database';
  }
}
