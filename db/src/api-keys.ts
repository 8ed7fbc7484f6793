/**
 * API keys: `bsk_` and 43 random base64url characters. Only a SHA-256 hash is stored, with a short
 * display prefix so people can tell keys apart; the key itself is shown once, when it is made.
 */
import type pg from 'pg';
import { DomainError } from './errors.ts';
import { isUuid } from './ids.ts';
import { randomToken, sameHash, sha256Hex } from './tokens.ts';
import type { Person } from './users.ts';

export { sameHash } from './tokens.ts';

export const SCOPES = [
  'budget:read',
  'budget:check',
  'budget:reserve',
  'imports:read',
  'imports:write',
  'sources:read',
  'sources:admin',
  'admin',
] as const;
export type Scope = (typeof SCOPES)[number];

export interface ApiKeyInfo {
  id: string;
  orgId: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  /** Who made the key (a person's email or the CLI's actor); null for keys made before people existed. */
  createdBy: string | null;
}

const KEY_PREFIX = 'bsk_';
const DISPLAY_LENGTH = 12;

export function hashApiKey(key: string): string {
  return sha256Hex(key);
}

export function parseScopes(text: string): Scope[] {
  const scopes = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (scopes.length === 0) throw new DomainError('input.invalid', `Give at least one scope: ${SCOPES.join(', ')}.`);
  for (const s of scopes) {
    if (!(SCOPES as readonly string[]).includes(s)) {
      throw new DomainError('input.invalid', `"${s}" is not a scope. The scopes are: ${SCOPES.join(', ')}.`);
    }
  }
  return [...new Set(scopes)] as Scope[];
}

export async function createApiKey(
  db: pg.Pool | pg.PoolClient,
  input: { orgId: string; name: string; scopes: Scope[]; createdBy?: string | null },
): Promise<{ key: ApiKeyInfo; apiKey: string }> {
  const name = input.name.trim();
  if (!name) throw new DomainError('input.invalid', 'An API key needs a name (what or who uses it).');
  if (!isUuid(input.orgId)) throw new DomainError('org.not_found', `There is no organization with id ${input.orgId}.`);
  const apiKey = `${KEY_PREFIX}${randomToken()}`;
  const r = await db.query<KeyRow>(
    `INSERT INTO api_keys (org_id, name, prefix, hash, scopes, created_by)
     SELECT id, $2, $3, $4, $5, $6 FROM organizations WHERE id = $1
     RETURNING ${KEY_COLUMNS}`,
    [input.orgId, name, apiKey.slice(0, DISPLAY_LENGTH), hashApiKey(apiKey), input.scopes, input.createdBy ?? null],
  );
  const row = r.rows[0];
  if (!row) throw new DomainError('org.not_found', `There is no organization with id ${input.orgId}.`);
  return { key: toKey(row), apiKey };
}

export async function listApiKeys(pool: pg.Pool, orgId: string): Promise<ApiKeyInfo[]> {
  if (!isUuid(orgId)) return [];
  const r = await pool.query<KeyRow>(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE org_id = $1 ORDER BY created_at, id`, [orgId]);
  return r.rows.map(toKey);
}

/** Revokes a key of the org, given its id or its display prefix. Revoking twice is harmless. */
export async function revokeApiKey(pool: pg.Pool, orgId: string, idOrPrefix: string): Promise<ApiKeyInfo> {
  if (!isUuid(orgId)) throw new DomainError('org.not_found', `There is no organization with id ${orgId}.`);
  const byId = isUuid(idOrPrefix);
  const r = await pool.query<KeyRow>(
    `UPDATE api_keys SET revoked_at = coalesce(revoked_at, now())
      WHERE org_id = $1 AND ${byId ? 'id = $2::uuid' : 'prefix = $2'}
      RETURNING ${KEY_COLUMNS}`,
    [orgId, idOrPrefix],
  );
  if (r.rows.length !== 1) {
    throw new DomainError(
      'key.not_found',
      r.rows.length === 0
        ? `There is no API key "${idOrPrefix}" in this organization. List them with "budget-sync keys list --org ${orgId}".`
        : `"${idOrPrefix}" matches several keys; give the key's id instead.`,
    );
  }
  return toKey(r.rows[0] as KeyRow);
}

/**
 * Who a request acts as: an API key (keyId set, person null) or a person (person set, keyId null; the
 * scopes are their role's). `name` is what history records as the actor: the key's name or the email.
 */
export interface Authenticated {
  keyId: string | null;
  orgId: string;
  name: string;
  scopes: Scope[];
  person: Person | null;
}

/** The org and scopes of a presented key, or null for a missing, unknown or revoked key. */
export async function authenticateApiKey(db: pg.Pool | pg.PoolClient, presented: string): Promise<Authenticated | null> {
  if (!plausibleKey(presented)) return null;
  return lookupKey(db, hashApiKey(presented));
}

function plausibleKey(presented: string): boolean {
  return presented.startsWith(KEY_PREFIX) && presented.length <= 200;
}

async function lookupKey(db: pg.Pool | pg.PoolClient, hash: string): Promise<Authenticated | null> {
  // One round trip; last_used_at is written at most once a minute so busy keys do not write on every call.
  const r = await db.query<{ id: string; org_id: string; name: string; scopes: Scope[]; hash: string }>(
    `WITH k AS (SELECT id, org_id, name, scopes, hash, last_used_at FROM api_keys WHERE hash = $1 AND revoked_at IS NULL),
          touched AS (UPDATE api_keys SET last_used_at = now()
                       WHERE id IN (SELECT id FROM k WHERE last_used_at IS NULL OR last_used_at < now() - interval '1 minute'))
     SELECT id, org_id, name, scopes, hash FROM k`,
    [hash],
  );
  const row = r.rows[0];
  if (!row || !sameHash(row.hash, hash)) return null;
  return authenticatedKey(row);
}

/** A key row as the request's authentication (the key lookup and the console's session lookup). */
export function authenticatedKey(row: { id: string; org_id: string; name: string; scopes: Scope[] }): Authenticated {
  return { keyId: row.id, orgId: row.org_id, name: row.name, scopes: row.scopes, person: null };
}

export type KeyAuthenticator = (db: pg.Pool | pg.PoolClient, presented: string) => Promise<Authenticated | null>;

export interface KeyCacheOptions {
  /** How long a key's answer is reused; a revocation takes effect within this time. 0: no cache. */
  ttlMs: number;
  /** Keys remembered at most (the oldest are dropped first). Default 10,000. */
  maxEntries?: number;
  now?: () => number;
}

/**
 * authenticateApiKey with a short in-process memory. The key lookup was the larger half of a budget
 * check's database time (a write-capable statement, ~0.5 ms, beside the check's ~0.3 ms), so a busy key
 * is looked up once per `ttlMs` instead of on every request; a revoked key is refused once its entry
 * expires (within `ttlMs`). Only valid keys are remembered, by hash: a key created a moment ago works at
 * once, and no presented secret is kept. Concurrent first requests of one key share one lookup.
 */
export function cachedKeyAuthenticator(options: KeyCacheOptions): KeyAuthenticator {
  if (options.ttlMs <= 0) return authenticateApiKey;
  const max = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { expires: number; auth: Promise<Authenticated | null> }>();
  return (db, presented) => {
    if (!plausibleKey(presented)) return Promise.resolve(null);
    const hash = hashApiKey(presented);
    const t = now();
    const hit = entries.get(hash);
    if (hit && hit.expires > t) return hit.auth;
    if (hit) entries.delete(hash);
    const auth = lookupKey(db, hash);
    const entry = { expires: t + options.ttlMs, auth };
    entries.set(hash, entry);
    const forget = () => {
      if (entries.get(hash) === entry) entries.delete(hash);
    };
    auth.then((a) => a === null && forget(), forget);
    // Map iteration is insertion order: the first key is the one remembered longest.
    if (entries.size > max) entries.delete(entries.keys().next().value as string);
    return auth;
  };
}

const KEY_COLUMNS = 'id, org_id, name, prefix, scopes, created_at, last_used_at, revoked_at, created_by';

interface KeyRow {
  id: string;
  org_id: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
  created_by: string | null;
}

function toKey(r: KeyRow): ApiKeyInfo {
  return {
    id: r.id,
    orgId: r.org_id,
    name: r.name,
    prefix: r.prefix,
    scopes: r.scopes,
    createdAt: r.created_at.toISOString(),
    lastUsedAt: r.last_used_at?.toISOString() ?? null,
    revokedAt: r.revoked_at?.toISOString() ?? null,
    createdBy: r.created_by,
  };
}
