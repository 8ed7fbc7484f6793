/**
 * The history of people (DESIGN §2: every change records who made it) and the rule that keeps an org
 * manageable: a person added, their role or departments changed, or removed, is one row of
 * membership_changes (migration 0011), written in the transaction of the change; and the last admin
 * without a department limit can be neither removed, nor demoted, nor limited, since nobody would be left
 * to manage the org's people, keys and settings (a limited admin may not: they could widen themselves).
 */
import type pg from 'pg';
import { DomainError } from './errors.ts';
import { isUuid } from './ids.ts';
import type { Role } from './users.ts';

export type MemberChangeAction = 'added' | 'changed' | 'removed';

/** A membership as it was or became: null when there was none (added) or is none (removed). */
export interface MembershipState {
  role: Role;
  departments: string[] | null;
}

export interface MemberChange {
  id: number;
  orgId: string;
  userId: string;
  email: string;
  action: MemberChangeAction;
  before: MembershipState | null;
  after: MembershipState | null;
  /** Who made the change: a person's email, an API key's name, or the CLI's actor. */
  actor: string;
  at: string;
}

/** What changed between two states of a membership: the action, or null when nothing did. */
export function changeOf(before: MembershipState | null, after: MembershipState | null): MemberChangeAction | null {
  if (!before) return after ? 'added' : null;
  if (!after) return 'removed';
  return before.role === after.role && sameDepartments(before.departments, after.departments) ? null : 'changed';
}

function sameDepartments(a: string[] | null, b: string[] | null): boolean {
  if (a === null || b === null) return a === b;
  const norm = (l: string[]) => [...l].map((d) => d.toLowerCase()).sort();
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
}

/** Whether a membership manages the whole org: an admin without a department limit. */
function isFullAdmin(s: MembershipState | null): boolean {
  return s !== null && s.role === 'admin' && s.departments === null;
}

/**
 * Locks the org's admin memberships and the person's own (FOR UPDATE, so that two concurrent changes of
 * its admins serialize and the second sees the first) and returns the person's current membership.
 */
export async function lockMembership(client: pg.PoolClient, orgId: string, userId: string): Promise<MembershipState | null> {
  const r = await client.query<{ user_id: string; role: Role; departments: string[] | null }>(
    `SELECT user_id, role, departments FROM memberships WHERE org_id = $1 AND (role = 'admin' OR user_id = $2) ORDER BY user_id FOR UPDATE`,
    [orgId, userId],
  );
  const own = r.rows.find((row) => row.user_id === userId);
  return own ? { role: own.role, departments: own.departments } : null;
}

/**
 * Refuses a change that would leave the org without an admin who has no department limit, saying what to
 * do instead. Call after lockMembership, in the same transaction.
 */
export async function requireAnotherFullAdmin(
  client: pg.PoolClient,
  target: { orgId: string; userId: string; email: string },
  before: MembershipState | null,
  after: MembershipState | null,
): Promise<void> {
  if (!isFullAdmin(before) || isFullAdmin(after)) return;
  const others = await client.query(
    `SELECT 1 FROM memberships WHERE org_id = $1 AND user_id <> $2 AND role = 'admin' AND departments IS NULL LIMIT 1`,
    [target.orgId, target.userId],
  );
  if (others.rowCount !== 0) return;
  const what = !after
    ? 'removing them'
    : after.role !== 'admin'
      ? `making them ${after.role}`
      : `limiting them to departments (${(after.departments ?? []).join(', ')})`;
  throw new DomainError(
    'user.last_admin',
    `${target.email} is the last admin of this organization without a department limit; ${what} would leave nobody to manage its people, keys and settings. Make another person admin first ("budget-sync users add EMAIL --org ${target.orgId} --role admin", POST /api/users or the People page), then try again.`,
    { email: target.email },
  );
}

/** Records a change of a membership, in the transaction that made it; nothing when nothing changed. */
export async function recordMemberChange(
  client: pg.PoolClient,
  change: { orgId: string; userId: string; email: string; before: MembershipState | null; after: MembershipState | null; actor: string },
): Promise<void> {
  const action = changeOf(change.before, change.after);
  if (action === null) return;
  await client.query(
    `INSERT INTO membership_changes (org_id, user_id, email, action, role_before, role_after, departments_before, departments_after, actor)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      change.orgId,
      change.userId,
      change.email,
      action,
      change.before?.role ?? null,
      change.after?.role ?? null,
      change.before?.departments ?? null,
      change.after?.departments ?? null,
      change.actor,
    ],
  );
}

interface ChangeRow {
  id: string;
  org_id: string;
  user_id: string;
  email: string;
  action: MemberChangeAction;
  role_before: Role | null;
  role_after: Role | null;
  departments_before: string[] | null;
  departments_after: string[] | null;
  actor: string;
  created_at: Date;
}

function stateOf(role: Role | null, departments: string[] | null): MembershipState | null {
  return role === null ? null : { role, departments };
}

/** The org's changes of people, newest first; `before`: only changes older than this id (paging). */
export async function listMemberChanges(
  pool: pg.Pool | pg.PoolClient,
  orgId: string,
  options: { limit?: number; before?: number | undefined } = {},
): Promise<MemberChange[]> {
  if (!isUuid(orgId)) throw new DomainError('org.not_found', `There is no organization with id ${orgId}.`);
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 500);
  const r = await pool.query<ChangeRow>(
    `SELECT id, org_id, user_id, email, action, role_before, role_after, departments_before, departments_after, actor, created_at
       FROM membership_changes
      WHERE org_id = $1 AND ($2::bigint IS NULL OR id < $2)
      ORDER BY id DESC
      LIMIT $3`,
    [orgId, options.before ?? null, limit],
  );
  return r.rows.map((row) => ({
    id: Number(row.id),
    orgId: row.org_id,
    userId: row.user_id,
    email: row.email,
    action: row.action,
    before: stateOf(row.role_before, row.departments_before),
    after: stateOf(row.role_after, row.departments_after),
    actor: row.actor,
    at: row.created_at.toISOString(),
  }));
}

/** A change in words, for the CLI and the console: "made editor (was viewer); departments: Sales (were all)". */
export function describeMemberChange(c: Pick<MemberChange, 'action' | 'before' | 'after'>): string {
  const deps = (d: string[] | null) => (d ? d.join(', ') : 'all');
  if (c.action === 'added') return `added as ${c.after?.role}, departments: ${deps(c.after?.departments ?? null)}`;
  if (c.action === 'removed') return `removed (was ${c.before?.role}, departments: ${deps(c.before?.departments ?? null)})`;
  const parts: string[] = [];
  if (c.before?.role !== c.after?.role) parts.push(`role ${c.before?.role} → ${c.after?.role}`);
  if (!sameDepartments(c.before?.departments ?? null, c.after?.departments ?? null)) {
    parts.push(`departments ${deps(c.before?.departments ?? null)} → ${deps(c.after?.departments ?? null)}`);
  }
  return parts.join('; ');
}
