/**
 * Taking a client from the pool for a transaction. node-postgres emits 'error' on a checked-out client
 * whose connection dies (server restart, pg_terminate_backend); without a listener that would crash the
 * process, although the failed query already reports the same error to the code that ran it.
 */
import type pg from 'pg';

export async function checkout(pool: pg.Pool): Promise<pg.PoolClient & { done(error?: unknown): void }> {
  const client = await pool.connect();
  let lost: Error | undefined;
  const onError = (e: Error) => {
    lost = e;
  };
  client.on('error', onError);
  return Object.assign(client, {
    /** Returns the client, or destroys it when its connection broke. */
    done(error?: unknown) {
      client.off('error', onError);
      const broken = lost ?? (error instanceof Error && isConnectionError(error) ? error : undefined);
      client.release(broken);
    },
  });
}

function isConnectionError(e: Error): boolean {
  const code = (e as { code?: string }).code;
  return (code !== undefined && /^(57P0|08)/.test(code)) || /Connection terminated|ECONNRESET|EPIPE/i.test(e.message);
}

/** Runs `fn` in one transaction on its own client: committed when it returns, rolled back when it throws. */
export async function transaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await checkout(pool);
  let broken: unknown;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (e) {
    broken = e;
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    client.done(broken);
  }
}
