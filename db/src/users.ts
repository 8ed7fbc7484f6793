/**
 * People (DESIGN §2 "People", issue 15): users by email (case-insensitive), their membership of orgs with
 * a role, and optionally the departments they are limited to. A role is a fixed set of the API-key scopes
 * (roleScopes), so one scope check guards keys and people alike. One-time sign-in links (24 h, single use,
 * only their SHA-256 stored) let a person open a console session without an identity provider.
 */
import type pg from 'pg';
import type { Authenticated, Scope } from './api-keys.ts';
import { transaction } from './checkout.ts';
import { DomainError } from './errors.ts';
import { isUuid } from './ids.ts';
import { changeOf, lockMembership, type MembershipState, recordMemberChange, requireAnotherFullAdmin } from './member-changes.ts';
import { randomToken, sameHash, sha256Hex } from './tokens.ts';

export const ROLES = ['viewer', 'editor', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const ROLE_SCOPES: Record<Role, Scope[]> = {
  // DESIGN §2 "People": a viewer reads budgets, history and sources (their settings and runs, never secrets).
  viewer: ['budget:read', 'imports:read', 'sources:read'],
  editor: ['budget:read', 'imports:read', 'sources:read', 'imports:write'],
  approver: ['budget:read', 'imports:read', 'sources:read', 'imports:write', 'budget:check', 'budget:reserve'],
  admin: ['admin'],
};

/** The scopes a role grants (admin: all of them, through the `admin` scope). */
export function roleScopes(role: Role): Scope[] {
  return [...ROLE_SCOPES[role]];
}

/** Whether a role may hand out a scope (to a key it mints): only scopes it holds itself. */
export function roleGrants(role: Role, scope: Scope): boolean {
  const held = ROLE_SCOPES[role];
  return held.includes('admin') || held.includes(scope);
}

/** A signed-in person as the request's authentication carries them. */
export interface Person {
  userId: string;
  email: string;
  name: string | null;
  role: Role;
  /** The departments the person is limited to; null: all of them. */
  departments: string[] | null;
}

export interface Member extends Person {
  orgId: string;
  createdAt: string;
  createdBy: string;
}

/** How long a sign-in link works. */
export const SIGN_IN_LINK_TTL_S = 24 * 3600;

export function parseRole(text: string | undefined): Role {
  const role = text?.trim().toLowerCase();
  if (!role || !(ROLES as readonly string[]).includes(role)) {
    throw new DomainError('input.invalid', `"${text ?? ''}" is not a role. The roles are: ${ROLES.join(', ')}.`);
  }
  return role as Role;
}

/** "A, B" → ["A", "B"] (trimmed, deduplicated); empty or missing: null (all departments). */
export function parseDepartments(text: string | undefined | null): string[] | null {
  if (text == null) return null;
  const list = [
    ...new Set(
      text
        .split(',')
        .map((d) => d.trim())
        .filter(Boolean),
    ),
  ];
  return list.length > 0 ? list : null;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function normalEmail(email: string): string {
  const e = email.trim();
  if (!EMAIL.test(e) || e.length > 320) throw new DomainError('input.invalid', `"${email}" is not an email address.`);
  return e;
}

/**
 * Adds a person to an org (making the user when the email is new) with a role and departments, or changes
 * the role and departments of a member. Returns the member and a one-time sign-in token for them. The
 * change is recorded with `createdBy` as its actor; the last admin without a department limit cannot be
 * demoted or limited (user.last_admin).
 */
export async function addMember(
  pool: pg.Pool,
  input: { orgId: string; email: string; name?: string | null; role: Role; departments: string[] | null; createdBy: string },
): Promise<{ member: Member; signInToken: string }> {
  const email = normalEmail(input.email);
  if (!isUuid(input.orgId)) throw new DomainError('org.not_found', `There is no organization with id ${input.orgId}.`);
  const departments = input.departments && input.departments.length > 0 ? input.departments : null;
  return transaction(pool, async (client) => {
    const org = await client.query('SELECT 1 FROM organizations WHERE id = $1', [input.orgId]);
    if (org.rowCount === 0) throw new DomainError('org.not_found', `There is no organization with id ${input.orgId}.`);
    const u = await client.query<{ id: string; email: string }>(
      `INSERT INTO users (email, name) VALUES ($1, $2)
       ON CONFLICT (lower(email)) DO UPDATE SET name = coalesce(EXCLUDED.name, users.name)
       RETURNING id, email`,
      [email, input.name?.trim() || null],
    );
    // The email as first stored (a later spelling in another case names the same person).
    const { id: userId, email: stored } = u.rows[0] as { id: string; email: string };
    const after = { role: input.role, departments };
    const before = await setMembership(client, { orgId: input.orgId, userId, email: stored, after, actor: input.createdBy });
    if (!before) {
      await client.query(
        `INSERT INTO memberships (org_id, user_id, role, departments, created_by) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (org_id, user_id) DO UPDATE SET role = EXCLUDED.role, departments = EXCLUDED.departments`,
        [input.orgId, userId, input.role, departments, input.createdBy],
      );
    }
    const signInToken = await createSignInLink(client, input.orgId, userId);
    const member = await findMember(client, input.orgId, email);
    return { member: member as Member, signInToken };
  });
}

/**
 * Changes the role and departments of a member (no sign-in link: they keep signing in as before; their
 * sessions take the new role at their next request). Recorded with `actor`; user.last_admin as addMember.
 */
export async function changeMember(
  pool: pg.Pool,
  input: { orgId: string; email: string; role: Role; departments: string[] | null; actor: string },
): Promise<Member> {
  const departments = input.departments && input.departments.length > 0 ? input.departments : null;
  return transaction(pool, async (client) => {
    const member = await requireMember(client, input.orgId, input.email);
    const after = { role: input.role, departments };
    await setMembership(client, { orgId: input.orgId, userId: member.userId, email: member.email, after, actor: input.actor });
    return (await findMember(client, input.orgId, member.email)) as Member;
  });
}

/**
 * Under the org's admin locks: refuses a change that would leave no full admin, updates an existing
 * membership to `after` and records the change. Returns the membership as it was (null: none yet, for
 * the caller to insert; the addition is recorded here all the same).
 */
async function setMembership(
  client: pg.PoolClient,
  m: { orgId: string; userId: string; email: string; after: MembershipState; actor: string },
): Promise<MembershipState | null> {
  const before = await lockMembership(client, m.orgId, m.userId);
  await requireAnotherFullAdmin(client, m, before, m.after);
  // The same role and departments (in another order or case) change nothing, and are not recorded.
  if (before && changeOf(before, m.after) !== null) {
    await client.query('UPDATE memberships SET role = $3, departments = $4 WHERE org_id = $1 AND user_id = $2', [
      m.orgId,
      m.userId,
      m.after.role,
      m.after.departments,
    ]);
  }
  await recordMemberChange(client, { ...m, before });
  return before;
}

async function requireMember(client: pg.PoolClient, orgId: string, email: string): Promise<Member> {
  const member = await findMember(client, orgId, email);
  if (!member) {
    throw new DomainError(
      'user.not_found',
      `There is no person "${email}" in this organization. List them with "budget-sync users list --org ${orgId}".`,
    );
  }
  return member;
}

/** A one-time sign-in token for a member (24 h); only its hash is stored. */
export async function createSignInLink(db: pg.Pool | pg.PoolClient, orgId: string, userId: string): Promise<string> {
  const token = randomToken();
  // Expired and used links of every org go on the way, so the table holds only live links.
  await db.query(
    `WITH pruned AS (DELETE FROM sign_in_links WHERE expires_at <= now() OR used_at IS NOT NULL)
     INSERT INTO sign_in_links (token_hash, org_id, user_id, expires_at) VALUES ($1, $2, $3, now() + make_interval(secs => $4))`,
    [sha256Hex(token), orgId, userId, SIGN_IN_LINK_TTL_S],
  );
  return token;
}

/**
 * Uses a sign-in link: marks it used and returns its member, in one statement, so two uses of one link
 * cannot both succeed. Null for an unknown, used or expired link or one whose membership is gone.
 */
export async function redeemSignInLink(db: pg.Pool | pg.PoolClient, token: string | undefined): Promise<Authenticated | null> {
  if (token === undefined || !/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const hash = sha256Hex(token);
  const r = await db.query<MemberRow & { token_hash: string }>(
    `WITH used AS (UPDATE sign_in_links SET used_at = now()
                    WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
                    RETURNING token_hash, org_id, user_id)
     SELECT used.token_hash, ${MEMBER_COLUMNS}
       FROM used JOIN memberships m ON m.org_id = used.org_id AND m.user_id = used.user_id JOIN users u ON u.id = m.user_id`,
    [hash],
  );
  const row = r.rows[0];
  if (!row || !sameHash(row.token_hash, hash)) return null;
  return authenticatedPerson(row);
}

export async function findMember(db: pg.Pool | pg.PoolClient, orgId: string, email: string): Promise<Member | null> {
  if (!isUuid(orgId)) return null;
  const r = await db.query<MemberRow>(
    `SELECT ${MEMBER_COLUMNS} FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.org_id = $1 AND lower(u.email) = lower($2)`,
    [orgId, email.trim()],
  );
  const row = r.rows[0];
  return row ? toMember(row) : null;
}

export async function listMembers(pool: pg.Pool | pg.PoolClient, orgId: string): Promise<Member[]> {
  if (!isUuid(orgId)) throw new DomainError('org.not_found', `There is no organization with id ${orgId}.`);
  const r = await pool.query<MemberRow>(
    `SELECT ${MEMBER_COLUMNS} FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.org_id = $1 ORDER BY lower(u.email)`,
    [orgId],
  );
  return r.rows.map(toMember);
}

/**
 * Removes a person from an org. Their sessions of that org end at once (a person's session is only good
 * while the membership exists, and they are revoked here too) and so do their unused sign-in links. The
 * removal is recorded with `actor`; the last admin without a department limit stays (user.last_admin).
 */
export async function removeMember(pool: pg.Pool, orgId: string, email: string, actor: string): Promise<Member> {
  return transaction(pool, async (client) => {
    const member = await requireMember(client, orgId, email);
    const before = await lockMembership(client, orgId, member.userId);
    if (!before) throw new DomainError('user.not_found', `There is no person "${email}" in this organization.`);
    await requireAnotherFullAdmin(client, { orgId, userId: member.userId, email: member.email }, before, null);
    await client.query('UPDATE console_sessions SET revoked_at = now() WHERE org_id = $1 AND user_id = $2 AND revoked_at IS NULL', [
      orgId,
      member.userId,
    ]);
    await client.query('DELETE FROM memberships WHERE org_id = $1 AND user_id = $2', [orgId, member.userId]);
    await recordMemberChange(client, { orgId, userId: member.userId, email: member.email, before, after: null, actor });
    return member;
  });
}

/** The orgs a person (by verified email) belongs to, with their role in each: for signing in from an identity token. */
export async function membershipsOf(db: pg.Pool | pg.PoolClient, email: string): Promise<Authenticated[]> {
  const r = await db.query<MemberRow>(
    `SELECT ${MEMBER_COLUMNS} FROM users u JOIN memberships m ON m.user_id = u.id WHERE lower(u.email) = lower($1) ORDER BY m.created_at, m.org_id`,
    [email.trim()],
  );
  return r.rows.map(authenticatedPerson);
}

/** An organization a person belongs to, with its name and their role there. */
export interface PersonOrg {
  orgId: string;
  name: string;
  role: Role;
}

/** Every org of a person, by name: for the console's switcher and `GET /api/me`. */
export async function orgsOfUser(db: pg.Pool | pg.PoolClient, userId: string): Promise<PersonOrg[]> {
  if (!isUuid(userId)) return [];
  const r = await db.query<{ org_id: string; name: string; role: Role }>(
    `SELECT m.org_id, o.name, m.role FROM memberships m JOIN organizations o ON o.id = m.org_id
      WHERE m.user_id = $1 ORDER BY lower(o.name), m.org_id`,
    [userId],
  );
  return r.rows.map((row) => ({ orgId: row.org_id, name: row.name, role: row.role }));
}

export const MEMBER_COLUMNS = 'm.org_id, m.user_id, m.role, m.departments, m.created_at, m.created_by, u.email, u.name';

export interface MemberRow {
  org_id: string;
  user_id: string;
  role: Role;
  departments: string[] | null;
  created_at: Date;
  created_by: string;
  email: string;
  name: string | null;
}

function personOf(r: MemberRow): Person {
  return { userId: r.user_id, email: r.email, name: r.name, role: r.role, departments: r.departments };
}

function toMember(r: MemberRow): Member {
  return { ...personOf(r), orgId: r.org_id, createdAt: r.created_at.toISOString(), createdBy: r.created_by };
}

/** A member as the request's authentication: the role's scopes, the email as the name history records. */
export function authenticatedPerson(r: MemberRow): Authenticated {
  return { keyId: null, orgId: r.org_id, name: r.email, scopes: roleScopes(r.role), person: personOf(r) };
}

/** Where a sign-in link's token is redeemed, on the console (`base`: its public address, no trailing slash). */
export function signInUrl(base: string, token: string): string {
  return `${base}/sign-in/link?token=${encodeURIComponent(token)}`;
}
