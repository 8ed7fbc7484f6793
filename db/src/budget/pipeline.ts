/**
 * Several statements in one round trip. node-postgres sends one statement per round trip on the extended
 * protocol and cannot pipeline, but the simple query protocol takes a string of statements and answers
 * them all at once; each statement still gets its own snapshot (READ COMMITTED), so "BEGIN; take a lock;
 * read" reads what was committed after the lock was granted. Values travel as escaped literals
 * (the client's escapeLiteral: pg's and Neon's clients both have it). Statements that are costly to plan
 * go through a function (budget_sync_evaluate), whose plan Postgres keeps per connection; SQL PREPARE
 * would do the same but breaks behind a transaction-mode pooler such as Neon's.
 */
import type pg from 'pg';

/** A value for a statement: null, text, or an array of text-or-null (sent as an array literal). */
export type SqlValue = string | null | ReadonlyArray<string | null>;

export function literal(client: pg.PoolClient, v: SqlValue): string {
  if (v === null) return 'NULL';
  if (typeof v === 'string') return client.escapeLiteral(v);
  return client.escapeLiteral(arrayLiteral(v));
}

/** A Postgres array literal of text elements (`{"a","b\\"c"}`): every element quoted, NULL for null. */
export function arrayLiteral(v: ReadonlyArray<string | null>): string {
  return `{${v.map(arrayElement).join(',')}}`;
}

function arrayElement(v: string | null): string {
  return v === null ? 'NULL' : `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/**
 * `text` with its placeholders `$1`…`$n` replaced by the values as literals. The placeholders must be the
 * only `$` followed by digits in `text`, and each should carry its cast (`$2::uuid`), as literals have no type.
 */
export function inline(client: pg.PoolClient, text: string, values: readonly SqlValue[]): string {
  return text.replace(/\$(\d+)/g, (_, n: string) => {
    const i = Number(n) - 1;
    if (i < 0 || i >= values.length) throw new Error(`no value for $${n}`);
    return literal(client, values[i] as SqlValue);
  });
}

/** Runs a string of statements; the results of each, in order (node-postgres gives one result, not an array, for one statement). */
export async function runAll(client: pg.PoolClient, statements: readonly string[]): Promise<pg.QueryResult[]> {
  const r = (await client.query(statements.join(';\n'))) as unknown as pg.QueryResult | pg.QueryResult[];
  return Array.isArray(r) ? r : [r];
}
