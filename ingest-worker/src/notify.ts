/**
 * Webhook deliveries: the worker claims due outbox events, posts each as JSON to its org's webhook, signed
 * with HMAC-SHA256 over `timestamp.body` (the timestamp is sent too, so a receiver can refuse replays), and
 * marks it delivered on a 2xx answer. Anything else is tried again with exponential backoff until the
 * attempts run out; then the event is given up (it stays in the outbox with its last error).
 *
 * Headers: `X-Budget-Sync-Event` (the type), `X-Budget-Sync-Delivery` (the event id: the same on every
 * retry, for the receiver to drop duplicates), `X-Budget-Sync-Timestamp` (Unix seconds) and
 * `X-Budget-Sync-Signature: v1=<hex>`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import {
  claimDueEvents,
  type Database,
  type DueEvent,
  loadSecretKeyring,
  markEventDelivered,
  markEventFailed,
  readWebhookTarget,
  type SecretKeyring,
} from '@budget-sync/db';
import { checkedLookup, publicAddresses } from '@budget-sync/db/node';
import { backoffDelay, type RetryPolicy } from './backoff.ts';
import { messageOf } from './errors.ts';

export const SIGNATURE_HEADER = 'x-budget-sync-signature';
export const TIMESTAMP_HEADER = 'x-budget-sync-timestamp';

/** Eight tries over about two hours: 30 s, 1, 2, 4, 8, 16, 32 min (±20%), then given up. */
export const DEFAULT_DELIVERY_RETRY: RetryPolicy = { attempts: 8, baseMs: 30_000, maxMs: 3_600_000 };

export interface DeliveryOptions {
  keyring?: SecretKeyring;
  retry?: RetryPolicy;
  /** How long one post may take (default 10 s). */
  timeoutMs?: number;
  /** Events claimed per round (default 20). */
  batchSize?: number;
  /** One line per failed delivery, for the operator. */
  log?: (line: string) => void;
}

export interface DeliveryReport {
  delivered: number;
  retrying: number;
  gaveUp: number;
}

/** `v1=` and the hex HMAC-SHA256 of `timestamp.body` under the secret. */
export function signDelivery(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * What a receiver does: recompute the signature over the raw body, compare in constant time, and refuse
 * timestamps further than `toleranceSeconds` from now (default 5 minutes).
 */
export function verifyDelivery(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  body: string,
  options: { toleranceSeconds?: number; nowSeconds?: number } = {},
): boolean {
  const ts = Number(headers.timestamp);
  if (!Number.isInteger(ts) || headers.signature === undefined) return false;
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - ts) > (options.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signDelivery(secret, ts, body));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** The JSON document posted for an event. */
export function deliveryBody(e: DueEvent): string {
  return JSON.stringify({ id: e.id, type: e.event, orgId: e.orgId, createdAt: e.createdAt, data: e.payload });
}

type Target = { url: string; secret: string } | null;

/** Claims one batch of due events and posts them; returns what became of them. */
export async function deliverDueEvents(db: Database, options: DeliveryOptions = {}): Promise<DeliveryReport> {
  const retry = options.retry ?? DEFAULT_DELIVERY_RETRY;
  const timeoutMs = options.timeoutMs ?? 10_000;
  // The lease outlasts a post that times out, so no other worker takes the event meanwhile.
  const events = await claimDueEvents(db.pool, { limit: options.batchSize ?? 20, leaseMs: timeoutMs + 30_000 });
  const report: DeliveryReport = { delivered: 0, retrying: 0, gaveUp: 0 };
  if (events.length === 0) return report;
  let keyring = options.keyring;
  const targets = new Map<string, Promise<Target>>();
  const targetOf = (orgId: string): Promise<Target> => {
    let t = targets.get(orgId);
    if (!t) {
      t = (async () => {
        keyring ??= await loadSecretKeyring();
        return readWebhookTarget(db.pool, orgId, { keyring });
      })();
      targets.set(orgId, t);
    }
    return t;
  };
  // In order per org, orgs side by side: one slow receiver does not hold up the others.
  const byOrg = new Map<string, DueEvent[]>();
  for (const e of events) byOrg.set(e.orgId, [...(byOrg.get(e.orgId) ?? []), e]);
  await Promise.all(
    [...byOrg.values()].map(async (list) => {
      for (const e of list) {
        let error: string | null;
        try {
          const target = await targetOf(e.orgId);
          error = target === null ? 'the organization has no enabled webhook' : await post(target, e, timeoutMs);
        } catch (x) {
          error = messageOf(x);
        }
        if (error === null) {
          await markEventDelivered(db.pool, e.id);
          report.delivered++;
          continue;
        }
        const retryAt = e.attempts >= retry.attempts ? null : new Date(Date.now() + backoffDelay(e.attempts, retry));
        await markEventFailed(db.pool, e.id, { error, retryAt });
        if (retryAt) report.retrying++;
        else report.gaveUp++;
        options.log?.(
          `webhook ${e.event} #${e.id} for org ${e.orgId}: ${error}; ${retryAt ? `next try at ${retryAt.toISOString()}` : `given up after ${e.attempts} tries`}`,
        );
      }
    }),
  );
  return report;
}

/**
 * Posts one event; null when the receiver took it (2xx), else why not. The receiver's host is resolved
 * through checkedLookup, so the address checked (not on the server's own network, unless the operator
 * allows it) is the one posted to; a literal address, which needs no lookup, is checked first. Redirects
 * are not followed.
 */
async function post(target: { url: string; secret: string }, e: DueEvent, timeoutMs: number): Promise<string | null> {
  const body = deliveryBody(e);
  const timestamp = Math.floor(Date.now() / 1000);
  const url = new URL(target.url);
  await publicAddresses(url.hostname);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'budget-sync-webhooks/1',
          'x-budget-sync-event': e.event,
          'x-budget-sync-delivery': e.id,
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: signDelivery(target.secret, timestamp, body),
        },
        lookup: checkedLookup,
        signal: AbortSignal.timeout(timeoutMs),
      },
      (res) => {
        // The answer's body is read (which frees the connection), its start kept for the reason.
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (text.length < 200) text += chunk;
        });
        res.on('error', reject);
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          resolve(status >= 200 && status < 300 ? null : `the receiver answered ${status} ${text.slice(0, 200)}`.trim());
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
