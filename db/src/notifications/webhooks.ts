/**
 * An org's webhook: the URL Budget Sync posts its events to, the secret they are signed with (sealed at
 * rest with the source-credential keyring, bound to the org), and the consumption thresholds that are
 * events. Only readWebhookTarget gives the secret back, for the worker that signs deliveries.
 */
import type pg from 'pg';
import { DomainError } from '../errors.ts';
import { isUuid } from '../ids.ts';
import { checkHostLiteral, type PlaceGuard, privateNetworksAllowed } from '../sources/addresses.ts';
import { loadSecretKeyring, openSecrets, type SecretKeyring, sealSecrets } from '../sources/secrets.ts';

export const DEFAULT_THRESHOLDS: readonly number[] = [80, 100];

export interface Webhook {
  orgId: string;
  url: string;
  /** Percentages of a line's budget whose crossing is an event, ascending. */
  thresholds: number[];
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface WebhookInput {
  orgId: string;
  url: string;
  /** Default: keep the stored one, or make one for a new webhook. */
  secret?: string | undefined;
  /** Default: keep the stored ones, or 80 and 100 for a new webhook. */
  thresholds?: readonly number[] | undefined;
}

export interface WebhookOptions {
  /** Default: loaded from BUDGET_SYNC_SECRET_KEY (and _OLD). */
  keyring?: SecretKeyring | undefined;
  /** Resolves the URL's host and refuses private addresses (Node's nodePlaceGuard); else literal addresses only. */
  guard?: PlaceGuard | undefined;
}

/** The additional data a webhook secret is sealed with: a ciphertext copied onto another org does not open. */
const sealedFor = (orgId: string) => `webhook:${orgId}`;

function invalid(message: string): DomainError {
  return new DomainError('input.invalid', message);
}

/**
 * An http(s) URL without credentials whose host is not the server's own network (loopback, private,
 * link-local, metadata), unless the operator allows it (BUDGET_SYNC_ALLOW_PRIVATE_NETWORKS).
 */
export function parseWebhookUrl(text: string, allowPrivateNetworks = privateNetworksAllowed()): string {
  let u: URL;
  try {
    u = new URL(text.trim());
  } catch {
    throw invalid(`The webhook URL must be an http(s) URL such as https://example.com/budget-sync, not "${text}".`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw invalid(`The webhook URL must use https (or http), not ${u.protocol}.`);
  if (u.username || u.password) throw invalid('Put no credentials in the webhook URL: deliveries are signed with the secret instead.');
  checkHostLiteral({ field: 'url', label: 'The webhook URL (--url)' }, u.hostname, allowPrivateNetworks);
  return u.toString();
}

/** `80,100` → [80, 100]: whole percentages from 1 to 1000, ascending, each once. */
export function parseThresholds(input: string | readonly number[]): number[] {
  const parts = typeof input === 'string' ? input.split(',').map((s) => s.trim()) : input.map(String);
  const values = parts.filter((s) => s !== '').map(Number);
  if (values.length === 0 || values.some((v) => !Number.isInteger(v) || v < 1 || v > 1000)) {
    throw invalid(`Thresholds are whole percentages from 1 to 1000, separated by commas, such as 80,100; not "${String(input)}".`);
  }
  return [...new Set(values)].sort((a, b) => a - b);
}

interface WebhookRow {
  org_id: string;
  url: string;
  thresholds: number[];
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
}

function toWebhook(r: WebhookRow): Webhook {
  return {
    orgId: r.org_id,
    url: r.url,
    thresholds: r.thresholds,
    enabled: r.enabled,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

const COLUMNS = 'org_id, url, thresholds, enabled, created_at, updated_at';

/**
 * Sets (or changes) the org's webhook in one statement. `secret` is the one to sign with when this call
 * chose it (a new webhook without --secret): it is shown once; null when the stored one was kept or given.
 */
export async function setWebhook(
  pool: pg.Pool,
  input: WebhookInput,
  options: WebhookOptions = {},
): Promise<{ webhook: Webhook; secret: string | null }> {
  if (!isUuid(input.orgId)) throw new DomainError('org.not_found', `There is no organization with id ${input.orgId}.`);
  const url = parseWebhookUrl(input.url);
  await options.guard?.webhookUrl(url);
  const thresholds = input.thresholds === undefined ? null : parseThresholds(input.thresholds);
  const given = input.secret?.trim() || null;
  if (given !== null && given.length < 16) throw invalid('A webhook secret needs at least 16 characters; leave it out to have one made.');
  // A candidate is sealed either way; the statement keeps the stored secret when none was given.
  const secret =
    given ?? `whsec_${Array.from(crypto.getRandomValues(new Uint8Array(24)), (b) => b.toString(16).padStart(2, '0')).join('')}`;
  const sealed = await sealSecrets(options.keyring ?? (await loadSecretKeyring()), sealedFor(input.orgId), { secret });
  const r = await pool.query<WebhookRow & { inserted: boolean }>(
    `INSERT INTO org_webhooks (org_id, url, secret_ciphertext, secret_key_id, thresholds)
     SELECT id, $2, $3, $4, coalesce($5::integer[], $6::integer[]) FROM organizations WHERE id = $1
     ON CONFLICT (org_id) DO UPDATE SET
       url = excluded.url,
       secret_ciphertext = CASE WHEN $7 THEN excluded.secret_ciphertext ELSE org_webhooks.secret_ciphertext END,
       secret_key_id = CASE WHEN $7 THEN excluded.secret_key_id ELSE org_webhooks.secret_key_id END,
       thresholds = coalesce($5::integer[], org_webhooks.thresholds),
       enabled = true,
       updated_at = now()
     RETURNING ${COLUMNS}, (xmax = 0) AS inserted`,
    [input.orgId, url, sealed.ciphertext, sealed.keyId, thresholds, DEFAULT_THRESHOLDS, given !== null],
  );
  const row = r.rows[0];
  if (!row) throw new DomainError('org.not_found', `There is no organization with id ${input.orgId}.`);
  return { webhook: toWebhook(row), secret: row.inserted && given === null ? secret : null };
}

export async function getWebhook(pool: pg.Pool, orgId: string): Promise<Webhook | null> {
  if (!isUuid(orgId)) return null;
  const r = await pool.query<WebhookRow>(`SELECT ${COLUMNS} FROM org_webhooks WHERE org_id = $1`, [orgId]);
  return r.rows[0] ? toWebhook(r.rows[0]) : null;
}

/** Where to post the org's events and the secret to sign them with; null when it has no enabled webhook. */
export async function readWebhookTarget(
  pool: pg.Pool,
  orgId: string,
  options: WebhookOptions = {},
): Promise<{ url: string; secret: string } | null> {
  const r = await pool.query<{ url: string; secret_ciphertext: Buffer; secret_key_id: string }>(
    'SELECT url, secret_ciphertext, secret_key_id FROM org_webhooks WHERE org_id = $1 AND enabled',
    [orgId],
  );
  const row = r.rows[0];
  if (!row) return null;
  const opened = await openSecrets(options.keyring ?? (await loadSecretKeyring()), sealedFor(orgId), {
    ciphertext: row.secret_ciphertext,
    keyId: row.secret_key_id,
  });
  return { url: row.url, secret: String(opened.secret) };
}
