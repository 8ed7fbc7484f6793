/**
 * Console sessions on the server (DESIGN §2: "Sessions live on the server; signing out ends them"). The
 * browser's cookie holds only a random 256-bit token; the table holds its SHA-256, the API key or the
 * person the session was opened for, its CSRF token and its expiry. Every request looks the session up
 * together with its key or the person's membership, so signing out (which revokes the row), revoking the
 * key, removing the person from the org and the expiry each end it at once, for every copy of the cookie. Plain SQL over the Pool API: the same on node-postgres and Neon (Workers).
 */
import type pg from 'pg';
import { type Authenticated, authenticatedKey, type Scope } from './api-keys.ts';
import { isUuid } from './ids.ts';
import { randomToken, sameHash, sha256Hex } from './tokens.ts';
import { authenticatedPerson, MEMBER_COLUMNS, type MemberRow } from './users.ts';

/** What the cookie may hold: randomToken's 43 base64url characters. Anything else never reaches the database. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export interface ConsoleSession {
  /** The session's API key or person, as the request's authentication. */
  auth: Authenticated;
  /** The CSRF token bound to the session. */
  csrf: string;
  expiresAt: Date;
}

export interface StartedConsoleSession {
  /** The cookie's value; shown to the browser only, never stored. */
  token: string;
  expiresAt: Date;
}

/**
 * Opens a session for an API key that is not revoked (null when it is, or does not exist), and prunes the
 * dead sessions of every org on the way (expired, revoked, or of a revoked key), so the table holds little
 * more than live sessions.
 */
export async function startConsoleSession(
  db: pg.Pool | pg.PoolClient,
  input: { apiKeyId: string; csrf: string; ttlSeconds: number },
): Promise<StartedConsoleSession | null> {
  if (!isUuid(input.apiKeyId)) return null;
  return insertSession(
    db,
    `INSERT INTO console_sessions (token_hash, org_id, api_key_id, csrf, expires_at)
     SELECT $1, org_id, id, $3, now() + make_interval(secs => $4) FROM api_keys WHERE id = $2 AND revoked_at IS NULL
     RETURNING expires_at`,
    [input.apiKeyId, input.csrf, input.ttlSeconds],
  );
}

/** Opens a session for a member of an org (null when the membership does not exist), pruning as above. */
export async function startPersonSession(
  db: pg.Pool | pg.PoolClient,
  input: { orgId: string; userId: string; csrf: string; ttlSeconds: number },
): Promise<StartedConsoleSession | null> {
  if (!isUuid(input.orgId) || !isUuid(input.userId)) return null;
  return insertSession(
    db,
    `INSERT INTO console_sessions (token_hash, org_id, user_id, csrf, expires_at)
     SELECT $1, org_id, user_id, $4, now() + make_interval(secs => $5) FROM memberships WHERE org_id = $2 AND user_id = $3
     RETURNING expires_at`,
    [input.orgId, input.userId, input.csrf, input.ttlSeconds],
  );
}

async function insertSession(db: pg.Pool | pg.PoolClient, insert: string, params: unknown[]): Promise<StartedConsoleSession | null> {
  const token = randomToken();
  // A data-modifying WITH runs whether or not the main statement reads it.
  const r = await db.query<{ expires_at: Date }>(
    `WITH pruned AS (DELETE FROM console_sessions s WHERE s.expires_at <= now() OR s.revoked_at IS NOT NULL
                        OR EXISTS (SELECT FROM api_keys k WHERE k.id = s.api_key_id AND k.revoked_at IS NOT NULL))
     ${insert}`,
    [sha256Hex(token), ...params],
  );
  const row = r.rows[0];
  return row ? { token, expiresAt: row.expires_at } : null;
}

/**
 * The live session a cookie's token opens: not expired, not revoked, and its key not revoked or its
 * person still a member of the org; null otherwise.
 */
export async function findConsoleSession(db: pg.Pool | pg.PoolClient, token: string | undefined): Promise<ConsoleSession | null> {
  if (token === undefined || !TOKEN.test(token)) return null;
  const hash = sha256Hex(token);
  // One round trip. last_seen_at is written at most once a minute, and so is the key's last_used_at
  // (`keys list` shows a key used through the console as used).
  const r = await db.query<SessionRow>(
    `WITH s AS (
       SELECT s.token_hash, s.csrf, s.expires_at, s.last_seen_at, s.org_id AS session_org, k.id, k.name AS key_name, k.scopes,
              ${MEMBER_COLUMNS}
         FROM console_sessions s
         LEFT JOIN api_keys k ON k.id = s.api_key_id AND k.org_id = s.org_id AND k.revoked_at IS NULL
         LEFT JOIN memberships m ON m.user_id = s.user_id AND m.org_id = s.org_id
         LEFT JOIN users u ON u.id = m.user_id
        WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now() AND (k.id IS NOT NULL OR m.user_id IS NOT NULL)),
          touched AS (UPDATE console_sessions SET last_seen_at = now()
                       WHERE token_hash IN (SELECT token_hash FROM s WHERE last_seen_at < now() - interval '1 minute')),
          key_used AS (UPDATE api_keys SET last_used_at = now()
                        WHERE id IN (SELECT id FROM s) AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute'))
     SELECT token_hash, csrf, expires_at, id, session_org AS org_id, key_name AS name, scopes,
            user_id, role, departments, created_at, created_by, email, name AS person_name
       FROM s`,
    [hash],
  );
  const row = r.rows[0];
  if (!row || !sameHash(row.token_hash, hash)) return null;
  const auth =
    row.id !== null && row.name !== null && row.scopes !== null
      ? authenticatedKey({ id: row.id, org_id: row.org_id, name: row.name, scopes: row.scopes })
      : authenticatedPerson({ ...(row as unknown as MemberRow), name: row.person_name });
  return { auth, csrf: row.csrf, expiresAt: row.expires_at };
}

/** A session with its key's columns (id, name, scopes) or its member's (user_id…; the person's name as person_name). */
type SessionRow = Omit<MemberRow, 'name'> & {
  token_hash: string;
  csrf: string;
  expires_at: Date;
  id: string | null;
  name: string | null;
  scopes: Scope[] | null;
  person_name: string | null;
};

/** Ends the session a cookie's token opens (signing out); true when there was a live one. Ending twice is harmless. */
export async function endConsoleSession(db: pg.Pool | pg.PoolClient, token: string | undefined): Promise<boolean> {
  if (token === undefined || !TOKEN.test(token)) return false;
  const r = await db.query('UPDATE console_sessions SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL', [
    sha256Hex(token),
  ]);
  return (r.rowCount ?? 0) > 0;
}
