/**
 * Reservations: money set aside on a budget line until it is committed (a purchase order), spent (an
 * invoice) or released. Each operation is one transaction that writes the reservation row, its ledger
 * entries (utilization_entries, append-only) and the line's running totals (line_consumption) together.
 *
 * Ledger sign convention: an entry's type names the consumption bucket it moves and its amount is the
 * signed change of that bucket:
 *   reserved  (+x on reserve; −x when a commit or an actual uses up what was reserved)
 *   committed (+x on commit;  −x when an actual uses up what was committed)
 *   actual    (+x; actuals only ever add)
 *   released  (−x: the reserved bucket shrinks because the requester gave the money back)
 * So for every line: line_consumption.reserved = Σ reserved + Σ released, committed = Σ committed,
 * actual = Σ actual, and a commit of x is the pair (reserved −x, committed +x).
 *
 * Concurrency: reserveFunds serializes competing requests on one control group with a transaction-level
 * advisory lock taken BEFORE the figures are read, so two requests can never both see the same available
 * money. The group is org × lower(department), across fiscal years: a request may name any level under
 * its department (a category, a project, a fund…, or none of them: a roll-up), and every line two
 * requests could both draw on lies in one department, so any two requests whose lines can intersect
 * share the lock; it also serializes everything the ytd/annual bases sum. Both paths then take the org's
 * budget-structure lock SHARED (migration 0006): reservations never wait for each other on it, but an
 * import or revert, which takes it exclusive, waits for those in flight and holds new ones until it
 * commits, so no reservation is decided on lines being changed.
 *
 * A request that draws on several lines (a roll-up) is held on none of them: its reservation keeps the
 * lines (line_ids) and its own figures, which every evaluation whose lines intersect them counts. So a
 * department-level reservation is counted by a check on any of its funds and the other way round, and at
 * each level reserved at, reserved + committed + actual stays within budget + tolerance. Commit, release and actual lock the
 * reservation row (FOR UPDATE) and change totals with in-place increments; they never add to what is
 * consumed except an actual beyond the reservation, which is a fact and recorded regardless. They need no
 * structure lock: an import or revert reads consumption as committed, and what a move does in flight only
 * shifts or lowers it — or is such a fact. A revert never removes a line with money on it (it refuses), so
 * a move finds its line removed only after everything on it was released: commit and release then say
 * nothing is reserved, and an actual is still recorded, on that line's ledger.
 *
 * Without a budget line (missingBudget `warn`), a reservation is still held, with line null: the caller
 * gets a handle for the later commit and actual, the amounts live on the reservation row, and no ledger
 * entry is written, because entries belong to a line.
 *
 * Notifications: when a change lifts a line's consumption across one of the thresholds of the org's
 * webhook (default 80% and 100% of its budget), the same statement writes an outbox event; the worker
 * delivers it. A roll-up reservation consumes its level's money, not a line's: its changes are measured
 * against its level (the sum of its lines' budgets, and what a check at that level counts as consumed),
 * and its events name the level instead of a line. Nothing extra is read or written for orgs without a
 * webhook.
 */
import { formatMinor, formatMoney, parseRequestAmount } from '@budget-sync/core';
import type pg from 'pg';
import { checkout, transaction } from '../checkout.ts';
import { type DepartmentLimit, requireDepartment } from '../departments.ts';
import { DomainError } from '../errors.ts';
import {
  type CheckResult,
  type EvalRow,
  type Evaluation,
  evalResults,
  evalStatement,
  evaluateShared,
  evalValues,
  unknownOrg,
} from './check.ts';
import { asDomain, type BudgetQuery, isUuid, minor, type NormalizedQuery, normalizeQuery, optionalText } from './common.ts';
import { inline, runAll, type SqlValue } from './pipeline.ts';
import { sha256Hex } from '../tokens.ts';

/**
 * `held` (all of it still reserved), `partly_committed` (some committed or spent, the rest still reserved),
 * `committed` (nothing reserved any more, some committed), `closed` (all spent), `released` (all given back).
 */
export type ReservationStatus = 'held' | 'partly_committed' | 'committed' | 'released' | 'closed';

export interface ReservationView {
  id: string;
  status: ReservationStatus;
  /** The amount first reserved. */
  amount: string;
  /** Still reserved, committed and spent, now. */
  reserved: string;
  committed: string;
  actual: string;
  currency: string;
  decision: 'pass' | 'warn';
  line: { id: string; period: string } | null;
  /** The line's names when a line matched (its spelling), else the request's; category null for a roll-up without one. */
  department: string;
  category: string | null;
  project: string | null;
  /** The dimensions the request named (`{}` when none). */
  dimensions: Record<string, string>;
  /** A roll-up reservation: the lines it draws on (empty for a reservation on one line or on none). */
  lineIds: string[];
  /** The line's period, else the request's period (or date). */
  period: string;
  reference: string | null;
  description: string | null;
  createdAt: string;
  updatedAt: string;
  /** The check made when the money was reserved. */
  check: CheckResult;
}

export interface ReserveRequest extends BudgetQuery {
  reference?: string | null;
  description?: string | null;
  /** Retrying with the same key and the same request returns the first reservation instead of a second one. */
  idempotencyKey?: string | null;
  actor: string;
  /** The person's departments: a reservation outside them is refused (department.forbidden). */
  departments?: DepartmentLimit;
}

/** What the reservation row keeps in its `response` column: the parts of the view that never change. */
interface Stored {
  department: string;
  category: string | null;
  project: string | null;
  /** Absent on reservations made before dimensions existed. */
  dimensions?: Record<string, string>;
  period: string;
  actor: string;
  check: CheckResult;
}

interface ReservationRow {
  id: string;
  line_id: string | null;
  line_ids: string[] | null;
  status: ReservationStatus;
  amount: string;
  reserved: string;
  committed: string;
  actual: string;
  currency: string;
  reference: string | null;
  description: string | null;
  request_hash: string | null;
  response: Stored;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS =
  'id, line_id, line_ids, status, amount::text AS amount, reserved::text AS reserved, committed::text AS committed, actual::text AS actual, ' +
  'currency, reference, description, request_hash, response, created_at, updated_at';

/**
 * First keys of the two-key advisory locks (the import lock is 7_352_026; the org's budget-structure lock,
 * 7_352_103, lives in budget_sync_lock_structure, migration 0006).
 */
export const RESERVE_GROUP_LOCK_CLASS = 7_352_101;
export const IDEMPOTENCY_LOCK_CLASS = 7_352_102;

const MAX_KEY_LENGTH = 200;

/**
 * A CTE `t` for a moving statement: the outbox events of the thresholds this change crossed
 * (budget_sync_threshold_events, migration 0004). Reads CTE `c` (the line's new totals); `delta`, `cause`
 * and `reservation` are SQL for this change's consumed amount, its kind and the reservation id.
 */
function thresholdEvents(delta: string, cause: string, reservation: string): string {
  return `t AS (
         INSERT INTO outbox (org_id, event, payload)
         SELECT x.org_id, x.event, x.payload
           FROM c, budget_sync_threshold_events(c.line_id, c.reserved, c.committed, c.actual, ${delta}, ${cause}::text, ${reservation}) AS x
       )`;
}

/**
 * A CTE `lt` for a moving statement ($1 org, $2 line, $3 reservation, $4–$6 its figures after the change,
 * $11–$13 what the change moved, $14 its kind, $15 its lines, $16 its stored request): the outbox events of
 * the thresholds a roll-up reservation's change crossed at its level (budget_sync_level_threshold_events,
 * migration 0012). Only a reservation held on no single line has them; the function reads the level's
 * other figures as they were before this statement and adds this reservation's new ones.
 */
const levelThresholdEvents = `lt AS (
         INSERT INTO outbox (org_id, event, payload)
         SELECT x.org_id, x.event, x.payload
           FROM budget_sync_level_threshold_events($1, $15::uuid[], $16::jsonb, $3::uuid, $4::numeric, $5::numeric, $6::numeric,
                                                   $11::numeric + $12::numeric + $13::numeric, $14::text) AS x
          WHERE $2::uuid IS NULL AND $15::uuid[] IS NOT NULL
       )`;

function toView(r: ReservationRow): ReservationView {
  const s = r.response;
  return {
    id: r.id,
    status: r.status,
    amount: r.amount,
    reserved: r.reserved,
    committed: r.committed,
    actual: r.actual,
    currency: r.currency.trim(),
    decision: s.check.decision === 'warn' ? 'warn' : 'pass',
    line: r.line_id === null ? null : { id: r.line_id, period: s.period },
    department: s.department,
    category: s.category,
    project: s.project,
    dimensions: s.dimensions ?? {},
    lineIds: r.line_ids ?? [],
    period: s.period,
    reference: r.reference,
    description: r.description,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    check: s.check,
  };
}

/**
 * SHA-256 (hex) of the request as normalized, so `"100"` and `"100.00"`, `travel` and `Travel` are the same
 * request. node:crypto's hash is synchronous (WebCrypto's digest is a job on the thread pool: measured at
 * 15% of the API server's CPU per reservation); Workers has it with nodejs_compat (tokens.ts).
 */
function requestHash(q: NormalizedQuery, reference: string | null, description: string | null): string {
  const body = JSON.stringify([
    q.department.toLowerCase(),
    q.category?.toLowerCase() ?? null,
    q.project?.toLowerCase() ?? null,
    q.requested,
    // Only when named, so the hash of a request without dimensions is what it was before they existed.
    ...(q.terms.length > 0 ? [q.terms] : []),
    formatMinor(q.amount),
    q.currency,
    reference,
    description,
  ]);
  return sha256Hex(body);
}

/** The reserving write (budget_sync_reserve, migration 0004): no row when the key was used before. */
const RESERVE_SQL = `SELECT ${COLUMNS} FROM budget_sync_reserve($1::uuid, $2::uuid, $3::uuid[], $4::numeric, $5::text, $6::text, $7::text, $8::text, $9::text, $10::jsonb, $11::text)`;

/** The one-statement reservation (budget_sync_reserve_checked, migrations 0004, 0012): replay, reserved or stale. */
const RESERVE_CHECKED_SQL = `SELECT * FROM budget_sync_reserve_checked($1::int, $2::text, $3::int, $4::text, $5::text[], $6::text[], $7::text[],
  $8::text[], $9::int[], $10::boolean[], $11::date[], $12::date[], $13::text, $14::uuid, $15::uuid, $16::uuid[], $17::numeric, $18::text,
  $19::text, $20::text, $21::text, $22::text, $23::jsonb, $24::text)`;

/** What a reservation writes beside the evaluation: its own fields, key and request hash. */
interface WriteArgs {
  reference: string | null;
  description: string | null;
  actor: string;
  key: string | null;
  hash: string | null;
}

/**
 * The reservation's lock group (budget_sync_lock_reservation, migration 0010, lower-cases it in Postgres,
 * as the line match lower-cases the names). Locks are hierarchical: a request that names a category draws
 * only on lines of one department × category × project (a null project: the lines without one), so it
 * takes the department's lock shared and that group's lock exclusive — requests on different lines of a
 * department do not wait for each other; a roll-up without a category (`[org, department]`) takes the
 * department's lock exclusive, so it waits for, and holds off, every request of the department. Any two
 * requests whose lines can intersect still serialize. Two spellings that find the same lines give the same
 * text: normalizeQuery refuses what the driver would re-encode (lone surrogates, NUL).
 */
export function reservationGroup(orgId: string, query: Pick<NormalizedQuery, 'department' | 'category' | 'project'>): string {
  return query.category === null
    ? JSON.stringify([orgId, query.department])
    : JSON.stringify([orgId, query.department, query.category, query.project ?? '']);
}

/** Group lock class, group, key lock class, key (or null): budget_sync_lock_reservation's arguments. */
type LockArgs = [string, string, string, string | null];

const LOCK_SQL = 'SELECT budget_sync_lock_reservation($1::int, $2::text, $3::int, $4::text)';

const PRIOR_SQL = `SELECT ${COLUMNS} FROM reservations WHERE org_id = $1::uuid AND idempotency_key = $2::text`;

/**
 * Reserves `amount` for the request when the budget allows it (decision pass or warn). A `fail` throws
 * DomainError `budget.insufficient` (details.check: the CheckResult) and writes nothing.
 *
 * The fast path is one statement after the lock-free evaluation that concurrent checks share: the
 * decision is made by core's rules on that evaluation, and budget_sync_reserve_checked writes it only if,
 * under the locks, the request evaluates to the same fingerprint — the same settings, line and figures —
 * so the decision is exactly the one the locked path would make. When something moved in between
 * ('stale'), and for refusals (which must be made on figures read under the lock), the locked path runs:
 * two round trips (pipeline.ts), where one statement per trip would take five:
 *   1. BEGIN; the locks; the reservation made earlier under the key, if any; the evaluation — read after
 *      the locks are granted, so no other reservation of the group can move the figures until COMMIT;
 *   2. the insert and COMMIT — or, for a refusal or a replay, ROLLBACK (nothing was written).
 */
export async function reserveFunds(
  pool: pg.Pool,
  orgId: string,
  req: ReserveRequest,
): Promise<{ replayed: boolean; reservation: ReservationView }> {
  const query = normalizeQuery(req);
  requireDepartment(req.departments, query.department);
  const reference = optionalText(req.reference, 'reference');
  const description = optionalText(req.description, 'description');
  const actor = optionalText(req.actor, 'actor');
  if (actor === null) throw new DomainError('input.invalid', 'A reservation needs an actor: who is reserving the money.');
  const key = optionalText(req.idempotencyKey, 'idempotency key');
  if (key !== null && key.length > MAX_KEY_LENGTH) {
    throw new DomainError('input.invalid', `An idempotency key may have at most ${MAX_KEY_LENGTH} characters.`);
  }
  if (!isUuid(orgId)) throw unknownOrg(orgId);
  const hash = key === null ? null : requestHash(query, reference, description);
  // The arguments of budget_sync_lock_reservation (migrations 0004, 0006), which both paths take the locks
  // with. The group's first element is the org: the function takes the org's budget-structure lock by it.
  const locks: LockArgs = [
    String(RESERVE_GROUP_LOCK_CLASS),
    reservationGroup(orgId, query),
    String(IDEMPOTENCY_LOCK_CLASS),
    key === null ? null : JSON.stringify([orgId, key]),
  ];

  const ev = await evaluateShared(pool, orgId, query, true);
  if (ev.result.decision !== 'fail') {
    const r = await pool.query<ReservationRow & { outcome: 'replay' | 'reserved' | 'stale' }>({
      name: 'budget_sync_reserve_checked',
      text: RESERVE_CHECKED_SQL,
      values: [
        ...locks,
        // The request's names and period: every value of the evaluation but its org and the fingerprint flag.
        ...evalValues([{ orgId, query }]).slice(1, 9),
        ev.fingerprint,
        ...writeValues(orgId, ev, query, { reference, description, actor, key, hash }),
      ],
    });
    const row = r.rows[0];
    if (row?.outcome === 'reserved') return { replayed: false, reservation: toView(row) };
    if (row?.outcome === 'replay') return replay(row, key as string, hash);
  }
  return reserveLocked(pool, orgId, query, locks, { reference, description, actor, key, hash });
}

/** The reserving write's values (budget_sync_reserve's parameters), the same on both paths. */
function writeValues(orgId: string, ev: Evaluation, query: NormalizedQuery, r: WriteArgs): Array<SqlValue> {
  return [
    orgId,
    ev.line?.id ?? null,
    ev.line === null && ev.lineIds.length > 0 ? ev.lineIds : null,
    formatMinor(query.amount),
    ev.result.currency,
    r.reference,
    r.description,
    r.key,
    r.hash,
    JSON.stringify(storedOf(ev, query, r.actor)),
    r.actor,
  ];
}

/** What the reservation row keeps of the evaluation it was made on. */
function storedOf(ev: Evaluation, query: NormalizedQuery, actor: string): Stored {
  return {
    department: ev.matched?.department ?? query.department,
    category: ev.matched ? ev.matched.category : query.category,
    project: ev.matched ? ev.matched.project : query.project,
    ...(query.terms.length > 0 ? { dimensions: query.dimensions } : {}),
    period: ev.matched?.period ?? ev.period.key,
    actor,
    check: ev.result,
  };
}

/** The locked path: two round trips, the evaluation read under the locks (see reserveFunds). */
async function reserveLocked(
  pool: pg.Pool,
  orgId: string,
  query: NormalizedQuery,
  locks: LockArgs,
  r: WriteArgs,
): Promise<{ replayed: boolean; reservation: ReservationView }> {
  const { key, hash } = r;
  const client = await checkout(pool);
  let open = false;
  let broken: unknown;
  try {
    const lock = inline(client, LOCK_SQL, locks);
    const requests = [{ orgId, query }];
    open = true;
    const results = await runAll(client, [
      'BEGIN',
      lock,
      ...(key === null ? [] : [inline(client, PRIOR_SQL, [orgId, key])]),
      evalStatement(client, requests),
    ]);
    const priorRow = key === null ? undefined : (results[2]?.rows[0] as ReservationRow | undefined);
    const [ev] = evalResults((results[results.length - 1] as pg.QueryResult).rows as EvalRow[], requests);
    if (priorRow || ev instanceof DomainError || ev?.result.decision === 'fail') {
      open = false;
      await client.query('ROLLBACK');
      // A replay of a request that went through gets its reservation, whatever the figures are now.
      if (priorRow) return replay(priorRow, key as string, hash);
      if (ev instanceof DomainError) throw ev;
      throw new DomainError('budget.insufficient', (ev as Evaluation).result.message, { check: (ev as Evaluation).result });
    }
    const [inserted] = await runAll(client, [inline(client, RESERVE_SQL, writeValues(orgId, ev as Evaluation, query, r)), 'COMMIT']);
    open = false;
    const row = inserted?.rows[0] as ReservationRow | undefined;
    if (!row) throw new Error('the reservation insert returned no row although its key was free under the lock');
    return { replayed: false, reservation: toView(row) };
  } catch (e) {
    broken = e;
    if (open) await client.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    client.done(broken);
  }
}

/** The reservation made earlier under `key` as a replay; `idempotency.mismatch` when it was another request. */
function replay(row: ReservationRow, key: string, hash: string | null): { replayed: true; reservation: ReservationView } {
  if (row.request_hash !== hash) {
    throw new DomainError(
      'idempotency.mismatch',
      `The idempotency key "${key}" was already used for a different request (reservation ${row.id}). Use a new key for a new request.`,
      { reservationId: row.id },
    );
  }
  return { replayed: true, reservation: toView(row) };
}

/** A reservation of the org; one outside the person's departments is refused (department.forbidden). */
export async function getReservation(pool: pg.Pool, orgId: string, id: string, departments?: DepartmentLimit): Promise<ReservationView> {
  const r =
    isUuid(orgId) && isUuid(id)
      ? await pool.query<ReservationRow>(`SELECT ${COLUMNS} FROM reservations WHERE org_id = $1 AND id = $2`, [orgId, id])
      : null;
  const row = r?.rows[0];
  if (!row) throw notFound(id);
  const view = toView(row);
  requireDepartment(departments, view.department);
  return view;
}

function notFound(id: string): DomainError {
  return new DomainError('reservation.not_found', `There is no reservation with id ${id}.`);
}

export function statusOf(reserved: bigint, committed: bigint, actual: bigint): ReservationStatus {
  if (reserved === 0n && committed === 0n && actual === 0n) return 'released';
  if (committed === 0n && actual === 0n) return 'held';
  if (reserved === 0n && committed === 0n) return 'closed';
  // 400 of 1,000 committed with 600 still reserved is not "committed": the rest is still held.
  return reserved > 0n ? 'partly_committed' : 'committed';
}

/** Signed changes of the three buckets, and the ledger entries that explain them. */
interface Movement {
  reserved: bigint;
  committed: bigint;
  actual: bigint;
  entries: Array<{ type: 'reserved' | 'committed' | 'actual' | 'released'; amount: bigint }>;
}

/**
 * The shared shape of commit, release and actual: lock the reservation row, work out the movement from
 * its current figures, write the row, the entries and the line totals in one statement, return the view.
 */
async function move(
  pool: pg.Pool,
  orgId: string,
  id: string,
  actor: string,
  cause: 'commit' | 'release' | 'actual',
  plan: (cur: { reserved: bigint; committed: bigint; actual: bigint; status: ReservationStatus; currency: string }) => Movement,
  departments?: DepartmentLimit,
): Promise<ReservationView> {
  if (!isUuid(orgId) || !isUuid(id)) throw notFound(id);
  const who = optionalText(actor, 'actor');
  if (who === null) throw new DomainError('input.invalid', 'Say who is making the change (actor).');
  return transaction(pool, async (client) => {
    const r = await client.query<ReservationRow>(`SELECT ${COLUMNS} FROM reservations WHERE org_id = $1 AND id = $2 FOR UPDATE`, [
      orgId,
      id,
    ]);
    const row = r.rows[0];
    if (!row) throw notFound(id);
    if (departments) requireDepartment(departments, toView(row).department);
    const cur = {
      reserved: minor(row.reserved),
      committed: minor(row.committed),
      actual: minor(row.actual),
      status: row.status,
      currency: row.currency,
    };
    const m = plan(cur);
    const next = { reserved: cur.reserved + m.reserved, committed: cur.committed + m.committed, actual: cur.actual + m.actual };
    const entries = m.entries.filter((e) => e.amount !== 0n);
    const w = await client.query<ReservationRow>(
      `WITH r AS (
         UPDATE reservations SET reserved = $4::numeric, committed = $5::numeric, actual = $6::numeric, status = $7, updated_at = now()
          WHERE id = $3 RETURNING ${COLUMNS}
       ), e AS (
         INSERT INTO utilization_entries (org_id, line_id, reservation_id, entry_type, amount, actor)
         SELECT $1, $2::uuid, $3, t, a, $8 FROM unnest($9::text[], $10::numeric[]) AS u(t, a) WHERE $2::uuid IS NOT NULL
       ), c AS (
         INSERT INTO line_consumption (line_id, org_id, reserved, committed, actual)
         SELECT $2::uuid, $1, $11::numeric, $12::numeric, $13::numeric WHERE $2::uuid IS NOT NULL
         ON CONFLICT (line_id) DO UPDATE SET reserved = line_consumption.reserved + excluded.reserved,
           committed = line_consumption.committed + excluded.committed, actual = line_consumption.actual + excluded.actual, updated_at = now()
         RETURNING line_id, reserved, committed, actual
       ), ${thresholdEvents('($11::numeric + $12::numeric + $13::numeric)', '$14', '$3::uuid')},
       ${levelThresholdEvents}
       SELECT * FROM r`,
      [
        orgId,
        row.line_id,
        id,
        formatMinor(next.reserved),
        formatMinor(next.committed),
        formatMinor(next.actual),
        statusOf(next.reserved, next.committed, next.actual),
        who,
        entries.map((e) => e.type),
        entries.map((e) => formatMinor(e.amount)),
        formatMinor(m.reserved),
        formatMinor(m.committed),
        formatMinor(m.actual),
        cause,
        row.line_ids,
        JSON.stringify(row.response),
      ],
    );
    return toView(w.rows[0] as ReservationRow);
  });
}

/** Math.min for bigint (Math.min throws on bigints). */
function least(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

function money(v: bigint, currency: string): string {
  return formatMoney(v, currency.trim());
}

/**
 * Commits `amount` (default: all that is still reserved) of the reservation: it moves from reserved to
 * committed. More than is reserved → `amount.exceeds_reserved`; nothing reserved → `reservation.invalid_state`.
 */
export async function commitReservation(
  pool: pg.Pool,
  orgId: string,
  id: string,
  input: { amount?: string | null },
  actor: string,
  departments?: DepartmentLimit,
): Promise<ReservationView> {
  const asked =
    input.amount === undefined || input.amount === null ? null : asDomain(() => parseRequestAmount(input.amount, 'The amount to commit'));
  return move(
    pool,
    orgId,
    id,
    actor,
    'commit',
    (cur) => {
      if (cur.reserved === 0n) {
        throw new DomainError('reservation.invalid_state', `Reservation ${id} has nothing reserved left to commit (it is ${cur.status}).`, {
          status: cur.status,
        });
      }
      const x = asked ?? cur.reserved;
      if (x > cur.reserved) {
        throw new DomainError(
          'amount.exceeds_reserved',
          `Only ${money(cur.reserved, cur.currency)} is still reserved on reservation ${id}; ${money(x, cur.currency)} cannot be committed.`,
          { reserved: formatMinor(cur.reserved) },
        );
      }
      return {
        reserved: -x,
        committed: x,
        actual: 0n,
        entries: [
          { type: 'reserved', amount: -x },
          { type: 'committed', amount: x },
        ],
      };
    },
    departments,
  );
}

/** Gives back whatever is still reserved. Nothing reserved (already released, or all committed/spent) → `reservation.invalid_state`. */
export async function releaseReservation(
  pool: pg.Pool,
  orgId: string,
  id: string,
  actor: string,
  departments?: DepartmentLimit,
): Promise<ReservationView> {
  return move(
    pool,
    orgId,
    id,
    actor,
    'release',
    (cur) => {
      if (cur.reserved === 0n) {
        const why = cur.status === 'released' ? 'it was already released' : `nothing is reserved any more (it is ${cur.status})`;
        throw new DomainError('reservation.invalid_state', `Reservation ${id} cannot be released: ${why}.`, { status: cur.status });
      }
      return { reserved: -cur.reserved, committed: 0n, actual: 0n, entries: [{ type: 'released', amount: -cur.reserved }] };
    },
    departments,
  );
}

/**
 * Records money spent against the reservation. It uses up what is committed first, then what is still
 * reserved; anything beyond is extra consumption. Actuals are facts: always recorded, over budget or not,
 * whatever the reservation's status.
 */
export async function recordActual(
  pool: pg.Pool,
  orgId: string,
  id: string,
  input: { amount: string },
  actor: string,
  departments?: DepartmentLimit,
): Promise<ReservationView> {
  const amount = asDomain(() => parseRequestAmount(input?.amount, 'The amount spent'));
  return move(
    pool,
    orgId,
    id,
    actor,
    'actual',
    (cur) => {
      const fromCommitted = least(amount, cur.committed);
      const rest = amount - fromCommitted;
      const fromReserved = least(rest, cur.reserved);
      return {
        reserved: -fromReserved,
        committed: -fromCommitted,
        actual: amount,
        entries: [
          { type: 'committed', amount: -fromCommitted },
          { type: 'reserved', amount: -fromReserved },
          { type: 'actual', amount },
        ],
      };
    },
    departments,
  );
}
