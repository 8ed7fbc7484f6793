/**
 * The outbox: events written in the transaction of what caused them, delivered later by a worker.
 * Only orgs with an enabled webhook get rows (the insert selects from org_webhooks), so orgs without one
 * pay nothing. A worker claims due rows with SKIP LOCKED and a lease (next_attempt_at moves ahead while
 * it delivers), so several workers never post one event at the same time, and a worker that dies
 * mid-delivery leaves the row to be taken again once the lease runs out.
 */
import type pg from 'pg';

export type EventType = 'import.succeeded' | 'import.rejected' | 'import.failed' | 'budget.threshold_crossed';

/** Records `event` for the org when it has an enabled webhook; no-op otherwise. */
export async function enqueueEvent(
  client: pg.PoolClient,
  orgId: string,
  event: EventType,
  payload: Record<string, unknown>,
): Promise<void> {
  await client.query(
    `INSERT INTO outbox (org_id, event, payload) SELECT org_id, $2, $3::jsonb FROM org_webhooks WHERE org_id = $1 AND enabled`,
    [orgId, event, JSON.stringify(payload)],
  );
}

export interface DueEvent {
  id: string;
  orgId: string;
  event: EventType;
  payload: Record<string, unknown>;
  /** Tries so far, this one included. */
  attempts: number;
  createdAt: string;
}

/** Takes up to `limit` due events, counting this try and holding them for `leaseMs` while they are posted. */
export async function claimDueEvents(pool: pg.Pool, options: { limit: number; leaseMs: number }): Promise<DueEvent[]> {
  const r = await pool.query<{
    id: string;
    org_id: string;
    event: EventType;
    payload: Record<string, unknown>;
    attempts: number;
    created_at: Date;
  }>(
    `UPDATE outbox SET attempts = attempts + 1, next_attempt_at = now() + make_interval(secs => $2::double precision / 1000)
      WHERE id IN (SELECT id FROM outbox
                    WHERE delivered_at IS NULL AND gave_up_at IS NULL AND next_attempt_at <= now()
                    ORDER BY next_attempt_at, id LIMIT $1 FOR UPDATE SKIP LOCKED)
      RETURNING id, org_id, event, payload, attempts, created_at`,
    [options.limit, options.leaseMs],
  );
  return r.rows
    .map((x) => ({
      id: x.id,
      orgId: x.org_id,
      event: x.event,
      payload: x.payload,
      attempts: x.attempts,
      createdAt: x.created_at.toISOString(),
    }))
    .sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)));
}

export async function markEventDelivered(pool: pg.Pool, id: string): Promise<void> {
  await pool.query('UPDATE outbox SET delivered_at = now(), last_error = NULL WHERE id = $1', [id]);
}

/** A failed try: tried again at `retryAt`, or given up when that is null. */
export async function markEventFailed(pool: pg.Pool, id: string, failure: { error: string; retryAt: Date | null }): Promise<void> {
  await pool.query(
    `UPDATE outbox SET last_error = $2, next_attempt_at = coalesce($3, next_attempt_at), gave_up_at = CASE WHEN $3::timestamptz IS NULL THEN now() END
      WHERE id = $1`,
    [id, failure.error.slice(0, 2000), failure.retryAt],
  );
}

/** Deletes delivered events older than `days`; what was given up on stays for inspection. */
export async function purgeDeliveredEvents(pool: pg.Pool, days: number): Promise<number> {
  const r = await pool.query('DELETE FROM outbox WHERE delivered_at < now() - make_interval(days => $1)', [days]);
  return r.rowCount ?? 0;
}

export interface OutboxRow {
  id: string;
  event: EventType;
  payload: Record<string, unknown>;
  attempts: number;
  lastError: string | null;
  deliveredAt: string | null;
  gaveUpAt: string | null;
}

/** The org's events, newest first (for operators and tests). */
export async function listEvents(pool: pg.Pool, orgId: string, limit = 100): Promise<OutboxRow[]> {
  const r = await pool.query<{
    id: string;
    event: EventType;
    payload: Record<string, unknown>;
    attempts: number;
    last_error: string | null;
    delivered_at: Date | null;
    gave_up_at: Date | null;
  }>('SELECT id, event, payload, attempts, last_error, delivered_at, gave_up_at FROM outbox WHERE org_id = $1 ORDER BY id DESC LIMIT $2', [
    orgId,
    limit,
  ]);
  return r.rows.map((x) => ({
    id: x.id,
    event: x.event,
    payload: x.payload,
    attempts: x.attempts,
    lastError: x.last_error,
    deliveredAt: x.delivered_at?.toISOString() ?? null,
    gaveUpAt: x.gave_up_at?.toISOString() ?? null,
  }));
}
