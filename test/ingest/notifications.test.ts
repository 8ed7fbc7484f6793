/**
 * Webhook notifications against a local HTTP receiver: signed events for imports (succeeded, rejected)
 * and for a budget line crossing its thresholds (recorded by the reservation's own transaction); a
 * failing receiver is retried with backoff and given up after the last attempt; orgs without a webhook
 * get no events; the worker delivers on its own and purges expired original files.
 */
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { analyzeWorkbook } from '@budget-sync/core';
import { readWorkbook } from '@budget-sync/core/readers';
import {
  applyImport,
  commitReservation,
  getImportFile,
  getWebhook,
  listEvents,
  loadSecretKeyring,
  recordActual,
  releaseReservation,
  reserveFunds,
  type SecretKeyring,
  setWebhook,
} from '@budget-sync/db';
import { nodePlaceGuard } from '@budget-sync/db/node';
import { deliverDueEvents, runHousekeeping, startWorker, verifyDelivery } from '@budget-sync/ingest-worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/postgres.ts';
import { corpus, newOrg, newSecretKey } from './helpers.ts';

process.env.BUDGET_SYNC_SECRET_KEY = newSecretKey();
// The receiver listens on 127.0.0.1: the operator's switch lets webhooks reach it.
process.env.BUDGET_SYNC_ALLOW_PRIVATE_NETWORKS = '1';
const db = await freshDatabase();
const SECRET = 'receiver-secret-0123456789';
const FAST = { attempts: 3, baseMs: 40, maxMs: 80 };

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local receiver: records every request, answers with the next planned status (then 200). */
class Receiver {
  readonly received: Received[] = [];
  statuses: number[] = [];
  private server: Server | null = null;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => {
        body += d.toString();
      });
      req.on('end', () => {
        this.received.push({ headers: req.headers, body });
        res.statusCode = this.statuses.shift() ?? 200;
        res.end('ok');
      });
    });
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/budget`;
  }

  stop(): Promise<void> {
    return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  /** The parsed events, in the order they came. */
  events(): Array<{ id: string; type: string; orgId: string; data: Record<string, unknown> }> {
    return this.received.map((r) => JSON.parse(r.body));
  }
}

const receiver = new Receiver();
let keyring: SecretKeyring;

beforeAll(async () => {
  keyring = await loadSecretKeyring();
  await receiver.start();
});
afterAll(() => receiver.stop());

async function importText(orgId: string, text: string, fileName: string) {
  const bytes = new TextEncoder().encode(text);
  return applyImport(db, {
    orgId,
    analysis: analyzeWorkbook(readWorkbook(bytes, fileName)),
    mode: 'merge',
    acceptWarnings: false,
    actor: 'notifications-test',
    source: 'cli',
    fileName,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    file: bytes,
  });
}

async function orgWithWebhook(url = receiver.url): Promise<string> {
  const orgId = await newOrg(db);
  await setWebhook(db.pool, { orgId, url, secret: SECRET }, { keyring });
  return orgId;
}

/** The org's threshold events as recorded, oldest first. */
async function crossings(orgId: string): Promise<Array<Record<string, unknown>>> {
  return (await listEvents(db.pool, orgId))
    .filter((e) => e.event === 'budget.threshold_crossed')
    .reverse()
    .map((e) => e.payload);
}

/** The signature, recomputed here from the documented rule rather than with the product's helper. */
function expectSigned(r: Received): void {
  const ts = String(r.headers['x-budget-sync-timestamp']);
  expect(Math.abs(Date.now() / 1000 - Number(ts))).toBeLessThan(60);
  const expected = `v1=${createHmac('sha256', SECRET).update(`${ts}.${r.body}`).digest('hex')}`;
  expect(r.headers['x-budget-sync-signature']).toBe(expected);
  expect(verifyDelivery(SECRET, { timestamp: ts, signature: expected }, r.body)).toBe(true);
  // Any change of the body, or another secret, fails the check.
  expect(verifyDelivery(SECRET, { timestamp: ts, signature: expected }, `${r.body} `)).toBe(false);
  expect(verifyDelivery('another-secret-0123456', { timestamp: ts, signature: expected }, r.body)).toBe(false);
}

describe('webhook events', () => {
  it('posts signed events for an import that succeeded and one that was rejected', async () => {
    const orgId = await orgWithWebhook();
    const ok = await importText(orgId, 'Department,Category,Month,Budget Amount\nMarketing,Travel,2026-01,1000.00\n', 'budget.csv');
    const refused = await importText(orgId, corpus('payroll-jan.csv').toString('utf8'), 'payroll-jan.csv');
    expect([ok.status, refused.status]).toEqual(['succeeded', 'rejected']);
    const before = receiver.received.length;
    const report = await deliverDueEvents(db, { keyring, retry: FAST });
    expect(report).toMatchObject({ delivered: 2, retrying: 0, gaveUp: 0 });
    const got = receiver.received.slice(before);
    for (const r of got) expectSigned(r);
    const events = got.map((r) => JSON.parse(r.body));
    expect(events).toMatchObject([
      {
        type: 'import.succeeded',
        orgId,
        data: { importId: ok.importId, status: 'succeeded', fileName: 'budget.csv', counts: { inserted: 1 } },
      },
      { type: 'import.rejected', orgId, data: { importId: refused.importId, status: 'rejected', fileName: 'payroll-jan.csv' } },
    ]);
    expect(got[0]?.headers['x-budget-sync-event']).toBe('import.succeeded');
    expect(got[0]?.headers['x-budget-sync-delivery']).toBe(events[0].id);
    expect((await listEvents(db.pool, orgId)).every((e) => e.deliveredAt !== null && e.attempts === 1)).toBe(true);
  });

  it('records a threshold crossing in the transaction of the reservation that causes it, once per threshold', async () => {
    const orgId = await orgWithWebhook();
    await importText(orgId, 'Department,Category,Month,Budget Amount\nMarketing,Travel,2026-03,1000.00\n', 'budget.csv');
    const ask = { department: 'Marketing', category: 'Travel', period: '2026-03', actor: 'buyer' };
    const crossings = async () =>
      (await listEvents(db.pool, orgId)).filter((e) => e.event === 'budget.threshold_crossed').map((e) => e.payload.threshold);

    const first = await reserveFunds(db.pool, orgId, { ...ask, amount: '500.00' });
    expect(await crossings()).toEqual([]);
    await reserveFunds(db.pool, orgId, { ...ask, amount: '350.00' });
    expect(await crossings()).toEqual([80]);
    // Moving money from reserved to committed changes nothing consumed: no new crossing.
    await commitReservation(db.pool, orgId, first.reservation.id, {}, 'buyer');
    expect(await crossings()).toEqual([80]);
    // A refused reservation writes nothing, its event neither.
    await expect(reserveFunds(db.pool, orgId, { ...ask, amount: '150.01' })).rejects.toMatchObject({ code: 'budget.insufficient' });
    expect(await crossings()).toEqual([80]);
    await reserveFunds(db.pool, orgId, { ...ask, amount: '150.00' });
    expect(await crossings()).toEqual([100, 80]);

    const before = receiver.received.length;
    await deliverDueEvents(db, { keyring, retry: FAST });
    const got = receiver.received.slice(before).filter((r) => r.headers['x-budget-sync-event'] === 'budget.threshold_crossed');
    expect(got).toHaveLength(2);
    for (const r of got) expectSigned(r);
    expect(got.map((r) => JSON.parse(r.body).data)).toMatchObject([
      {
        threshold: 80,
        cause: 'reservation',
        budget: '1000.00',
        consumed: '850.00',
        utilizationPercent: '85.00',
        line: { department: 'Marketing', category: 'Travel', period: '2026-03', currency: 'USD' },
      },
      { threshold: 100, consumed: '1000.00', reserved: '500.00', committed: '500.00', utilizationPercent: '100.00' },
    ]);
  });

  it("measures a roll-up reservation's changes against its level and names the level in the event", async () => {
    const orgId = await orgWithWebhook();
    // Marketing's March budget: 1,000.00 over two categories.
    await importText(
      orgId,
      'Department,Category,Month,Budget Amount\nMarketing,Travel,2026-03,600.00\nMarketing,Events,2026-03,400.00\n',
      'budget.csv',
    );
    const march = { department: 'Marketing', period: '2026-03', actor: 'buyer' };

    // A line reservation counts in the department's consumption, but crosses nothing on its own line (50%).
    await reserveFunds(db.pool, orgId, { ...march, category: 'Travel', amount: '300.00' });
    expect(await crossings(orgId)).toEqual([]);
    // The department's reservation lifts its level from 30% to 85%: one event, for the level.
    const dept = await reserveFunds(db.pool, orgId, { ...march, amount: '550.00' });
    expect(dept.reservation.lineIds).toHaveLength(2);
    expect(await crossings(orgId)).toEqual([
      {
        threshold: 80,
        cause: 'reservation',
        reservationId: dept.reservation.id,
        line: null,
        level: {
          department: 'Marketing',
          category: null,
          project: null,
          dimensions: {},
          period: '2026-03',
          fiscalYear: 2026,
          currency: 'USD',
          lines: 2,
          lineIds: [...dept.reservation.lineIds].sort(),
        },
        budget: '1000.00',
        consumed: '850.00',
        reserved: '850.00',
        committed: '0.00',
        actual: '0.00',
        utilizationPercent: '85.00',
      },
    ]);
    // Committing moves money within what is consumed, and releasing the rest gives it back (to 80%): no crossing.
    await commitReservation(db.pool, orgId, dept.reservation.id, { amount: '500.00' }, 'buyer');
    await releaseReservation(db.pool, orgId, dept.reservation.id, 'buyer');
    expect(await crossings(orgId)).toHaveLength(1);
    // Spending 200.00 beyond what it holds lifts the level from 80% to 100%: caused by the actual.
    await recordActual(db.pool, orgId, dept.reservation.id, { amount: '700.00' }, 'buyer');
    expect((await crossings(orgId))[1]).toEqual({
      threshold: 100,
      cause: 'actual',
      reservationId: dept.reservation.id,
      line: null,
      level: expect.objectContaining({ department: 'Marketing', category: null, period: '2026-03', lines: 2 }),
      budget: '1000.00',
      consumed: '1000.00',
      reserved: '300.00',
      committed: '0.00',
      actual: '700.00',
      utilizationPercent: '100.00',
    });
    // The line's own events still count only the line: Travel is at 300 of 600.
    expect((await crossings(orgId)).filter((e) => e.line !== null)).toEqual([]);

    // A quarter of one category over its month lines is a level too (named as the lines spell it).
    const other = await orgWithWebhook();
    await importText(
      other,
      'Department,Category,Month,Budget Amount\nMarketing,Travel,2026-01,100.00\nMarketing,Travel,2026-02,100.00\nMarketing,Travel,2026-03,600.00\n',
      'budget.csv',
    );
    const quarter = await reserveFunds(db.pool, other, {
      department: 'marketing',
      category: 'TRAVEL',
      period: '2026-Q1',
      amount: '700.00',
      actor: 'buyer',
    });
    expect(quarter.reservation.lineIds).toHaveLength(3);
    expect(await crossings(other)).toMatchObject([
      {
        threshold: 80,
        line: null,
        level: { department: 'Marketing', category: 'Travel', project: null, period: '2026-Q1', lines: 3 },
        budget: '800.00',
        consumed: '700.00',
        utilizationPercent: '87.50',
      },
    ]);

    // Delivered as every event is: signed, with `line` null and `level` set.
    const before = receiver.received.length;
    await deliverDueEvents(db, { keyring, retry: FAST });
    const got = receiver.received
      .slice(before)
      .filter((r) => r.headers['x-budget-sync-event'] === 'budget.threshold_crossed')
      .map((r) => ({ r, event: JSON.parse(r.body) }))
      .filter(({ event }) => event.orgId === orgId || event.orgId === other);
    expect(got).toHaveLength(3);
    for (const { r } of got) expectSigned(r);
    expect(got.map(({ event }) => [event.data.threshold, event.data.line, event.data.level.period])).toEqual([
      [80, null, '2026-03'],
      [100, null, '2026-03'],
      [80, null, '2026-Q1'],
    ]);
  });

  it('retries a failing receiver with backoff, then gives up after the last attempt', async () => {
    const orgId = await orgWithWebhook();
    const retry = { attempts: 3, baseMs: 60_000, maxMs: 600_000 };
    /** Seconds until the org's pending event is due again. */
    const dueIn = async () => {
      const r = await db.pool.query<{ s: number }>(
        'SELECT extract(epoch FROM next_attempt_at - now())::float AS s FROM outbox WHERE org_id = $1 AND delivered_at IS NULL AND gave_up_at IS NULL',
        [orgId],
      );
      return r.rows[0]?.s ?? null;
    };
    /** Time passes: the pending event is due now (instead of the test sleeping through the backoff). */
    const fastForward = () =>
      db.pool.query('UPDATE outbox SET next_attempt_at = now() WHERE org_id = $1 AND delivered_at IS NULL AND gave_up_at IS NULL', [orgId]);

    await importText(orgId, 'Department,Category,Month,Budget Amount\nSales,Events,2026-02,10.00\n', 'retry.csv');
    receiver.statuses = [500];
    const before = receiver.received.length;
    expect(await deliverDueEvents(db, { keyring, retry })).toMatchObject({ delivered: 0, retrying: 1 });
    // The first retry waits the base delay, ±20%; until then the event is not taken again.
    const first = (await dueIn()) as number;
    expect(first).toBeGreaterThan(0.8 * 60 - 5);
    expect(first).toBeLessThan(1.2 * 60 + 1);
    expect(await deliverDueEvents(db, { keyring, retry })).toMatchObject({ delivered: 0, retrying: 0 });
    await fastForward();
    expect(await deliverDueEvents(db, { keyring, retry })).toMatchObject({ delivered: 1 });
    const tries = receiver.received.slice(before);
    expect(tries).toHaveLength(2);
    expect(tries[0]?.headers['x-budget-sync-delivery']).toBe(tries[1]?.headers['x-budget-sync-delivery']);
    for (const r of tries) expectSigned(r);
    const [event] = await listEvents(db.pool, orgId);
    expect(event).toMatchObject({ attempts: 2, lastError: null });
    expect(event?.deliveredAt).not.toBeNull();

    // A receiver that never takes it: the delay doubles, and after the third try the event is given up
    // with the last error kept.
    receiver.statuses = [503, 503, 503];
    await importText(orgId, 'Department,Category,Month,Budget Amount\nSales,Events,2026-02,20.00\n', 'retry.csv');
    await deliverDueEvents(db, { keyring, retry });
    await fastForward();
    await deliverDueEvents(db, { keyring, retry });
    const second = (await dueIn()) as number;
    expect(second).toBeGreaterThan(0.8 * 120 - 5);
    expect(second).toBeLessThan(1.2 * 120 + 1);
    await fastForward();
    expect(await deliverDueEvents(db, { keyring, retry })).toMatchObject({ gaveUp: 1 });
    const [last] = await listEvents(db.pool, orgId);
    expect(last).toMatchObject({ attempts: 3, deliveredAt: null });
    expect(last?.gaveUpAt).not.toBeNull();
    expect(last?.lastError).toMatch(/503/);
    expect(await dueIn()).toBeNull();
    receiver.statuses = [];
  });

  it('writes no events for an org without a webhook', async () => {
    const orgId = await newOrg(db);
    await importText(orgId, 'Department,Category,Month,Budget Amount\nLegal,Rent,2026-04,100.00\n', 'budget.csv');
    await reserveFunds(db.pool, orgId, { department: 'Legal', category: 'Rent', period: '2026-04', amount: '100.00', actor: 'x' });
    expect(await listEvents(db.pool, orgId)).toEqual([]);
  });
});

describe('the worker', () => {
  it('delivers events on its own, and purges original files past their retention', async () => {
    const orgId = await orgWithWebhook();
    const expired = await importText(orgId, 'Department,Category,Month,Budget Amount\nOps,Rent,2026-05,5.00\n', 'old.csv');
    await db.pool.query("UPDATE import_files SET expires_at = now() - interval '1 day' WHERE import_id = $1", [expired.importId]);
    expect(await runHousekeeping(db)).toMatchObject({ filesPurged: 1 });
    expect(await getImportFile(db.pool, orgId, expired.importId as string)).toBeNull();

    const before = receiver.received.length;
    const worker = await startWorker(db, { pollingIntervalSeconds: 0.5, notifyIntervalMs: 100, delivery: { keyring, retry: FAST } });
    try {
      const done = await importText(orgId, 'Department,Category,Month,Budget Amount\nOps,Rent,2026-06,7.00\n', 'new.csv');
      const deadline = Date.now() + 15_000;
      const mine = () =>
        receiver
          .events()
          .slice(before)
          .filter((e) => e.orgId === orgId && e.data.importId === done.importId);
      while (mine().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(mine()).toMatchObject([{ type: 'import.succeeded' }]);
    } finally {
      await worker.stop();
    }
  });
});

describe("webhooks to the server's own network", () => {
  it('refuses a webhook URL on a loopback, private, link-local or metadata address, in any spelling, naming the field', async () => {
    delete process.env.BUDGET_SYNC_ALLOW_PRIVATE_NETWORKS;
    try {
      const orgId = await newOrg(db);
      const urls = [
        'http://169.254.169.254/latest/meta-data/',
        'http://[::ffff:169.254.169.254]/',
        'http://2852039166/',
        'http://0x7f.1:8080/',
        'https://10.0.0.1/hook',
        'http://[fe80::1]/',
        'http://[fd00:ec2::254]/',
        'http://localhost:6379/',
        receiver.url,
        // A name that is not one of these addresses until it is resolved: this machine's own.
        receiver.url.replace('127.0.0.1', hostname()),
      ];
      for (const url of urls) {
        const e = await setWebhook(db.pool, { orgId, url, secret: SECRET }, { keyring, guard: nodePlaceGuard }).then(
          () => null,
          (x: unknown) => x,
        );
        expect(e, url).toMatchObject({ code: 'source.address_refused', details: { field: 'url' } });
        expect((e as Error).message, url).toMatch(/BUDGET_SYNC_ALLOW_PRIVATE_NETWORKS=1/);
      }
      expect(await getWebhook(db.pool, orgId)).toBeNull();
    } finally {
      process.env.BUDGET_SYNC_ALLOW_PRIVATE_NETWORKS = '1';
    }
  });

  it('refuses at delivery a stored URL whose host is on the server: nothing is posted', async () => {
    // Stored while the operator allowed private networks; delivered after the switch is off.
    const literal = await orgWithWebhook();
    const named = await orgWithWebhook(receiver.url.replace('127.0.0.1', hostname()));
    for (const orgId of [literal, named]) {
      await importText(orgId, 'Department,Category,Month,Budget Amount\nOps,Rent,2026-07,9.00\n', 'budget.csv');
    }
    const before = receiver.received.length;
    delete process.env.BUDGET_SYNC_ALLOW_PRIVATE_NETWORKS;
    try {
      const log: string[] = [];
      await deliverDueEvents(db, { keyring, retry: FAST, log: (line) => log.push(line) });
      expect(receiver.received.length).toBe(before);
      for (const orgId of [literal, named]) {
        const [event] = await listEvents(db.pool, orgId);
        expect(event).toMatchObject({ deliveredAt: null, attempts: 1 });
        expect(event?.lastError).toMatch(/does not connect to/);
      }
      expect(log.filter((l) => /does not connect to/.test(l))).toHaveLength(2);
    } finally {
      process.env.BUDGET_SYNC_ALLOW_PRIVATE_NETWORKS = '1';
    }
  });
});
