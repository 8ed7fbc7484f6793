/**
 * The ingest worker: pg-boss schedules every enabled source on its own cron and time zone (one schedule
 * per source on the `source-sync` queue), and workers take the jobs in batches and run syncSource. Any
 * number of workers may run: pg-boss hands each job to one of them, and the per-file claims make a
 * duplicate run harmless. Schedules are brought in line with the sources at start and every minute.
 *
 * Beside the syncs it delivers the outbox's webhook events (every couple of seconds; claims with SKIP
 * LOCKED, so workers share them) and does the housekeeping (expired original files, old delivered
 * events) at start and every hour.
 */
import { type Database, listScheduledSources } from '@budget-sync/db';
import type { JobResult } from 'pg-boss';
import { runHousekeeping } from './housekeeping.ts';
import { type DeliveryOptions, deliverDueEvents } from './notify.ts';
import { scheduleChanges } from './schedules.ts';
import { type SyncOptions, type SyncReport, syncSource } from './sync.ts';
import { messageOf } from './errors.ts';

export const SYNC_QUEUE = 'source-sync';

export interface WorkerOptions {
  /** Jobs taken per fetch (at least 10, per DESIGN §4). */
  batchSize?: number;
  /** How often schedules are matched to the sources again (default 60 s). */
  refreshMs?: number;
  pollingIntervalSeconds?: number;
  sync?: SyncOptions;
  /** One line per event, for the operator. */
  log?: (line: string) => void;
  /** How often due webhook events are looked for (default 2 s). */
  notifyIntervalMs?: number;
  delivery?: DeliveryOptions;
  /** How often expired files and old delivered events are purged (default 1 h). */
  housekeepingIntervalMs?: number;
}

export interface RunningWorker {
  /** Matches pg-boss's schedules to the sources' settings now. */
  refreshSchedules(): Promise<void>;
  /** Queues a run of a source now; the job id. */
  runNow(sourceId: string): Promise<string | null>;
  stop(): Promise<void>;
}

interface SyncJobData {
  sourceId: string;
}

export async function startWorker(db: Database, options: WorkerOptions = {}): Promise<RunningWorker> {
  const log = options.log ?? (() => {});
  // Loaded when a worker starts: a one-off sync (CLI, API, bench) never needs pg-boss.
  const { PgBoss } = await import('pg-boss');
  const boss = new PgBoss({
    // pg-boss runs on the same pool as everything else (also the embedded database, which has no URL up front).
    db: { executeSql: (text: string, values?: unknown[]) => db.pool.query(text, values) },
    schema: 'pgboss',
  });
  boss.on('error', (e: unknown) => log(`queue error: ${messageOf(e)}`));
  await boss.start();
  await boss.createQueue(SYNC_QUEUE, { retryLimit: 3, retryDelay: 30, retryBackoff: true, expireInSeconds: 3600 });

  const refreshSchedules = async () => {
    const wanted = (await listScheduledSources(db.pool)).map((s) => ({ key: s.id, cron: s.schedule as string, tz: s.timezone }));
    const existing = (await boss.getSchedules(SYNC_QUEUE)).map((s) => ({ key: s.key, cron: s.cron, tz: s.timezone ?? 'UTC' }));
    const { upsert, remove } = scheduleChanges(wanted, existing);
    for (const s of upsert) {
      await boss.schedule(SYNC_QUEUE, s.cron, { sourceId: s.key }, { tz: s.tz, key: s.key, singletonKey: s.key });
      log(`scheduled source ${s.key}: "${s.cron}" (${s.tz})`);
    }
    for (const key of remove) {
      await boss.unschedule(SYNC_QUEUE, key);
      log(`unscheduled source ${key}`);
    }
  };

  const runJob = async (job: { id: string; data: SyncJobData }): Promise<JobResult> => {
    try {
      const report: SyncReport = await syncSource(db, job.data.sourceId, { trigger: 'schedule', log, ...options.sync });
      const counts = countStatuses(report);
      log(`source ${report.sourceId}: run ${report.status}${report.reason ? ` (${report.reason})` : ''} ${JSON.stringify(counts)}`);
      // A failed run is retried by pg-boss with backoff; files already handled are skipped then.
      return {
        id: job.id,
        status: report.status === 'failed' ? 'failed' : 'completed',
        output: { runId: report.runId, reason: report.reason, counts },
      };
    } catch (e) {
      log(`source ${job.data.sourceId}: ${messageOf(e)}`);
      return { id: job.id, status: 'failed', output: { reason: messageOf(e) } };
    }
  };

  await boss.work<SyncJobData>(
    SYNC_QUEUE,
    {
      batchSize: Math.max(10, options.batchSize ?? 10),
      perJobResults: true,
      pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2,
    },
    (jobs) => Promise.all(jobs.map(runJob)),
  );
  await refreshSchedules();
  const timer = setInterval(() => {
    refreshSchedules().catch((e: unknown) => log(`could not refresh schedules: ${messageOf(e)}`));
  }, options.refreshMs ?? 60_000);
  timer.unref();

  const notifier = every(
    options.notifyIntervalMs ?? 2_000,
    async () => {
      // Round after round while a backlog lasts; then wait for the next tick.
      for (;;) {
        const r = await deliverDueEvents(db, { log, ...options.delivery });
        if (r.delivered + r.retrying + r.gaveUp === 0) return;
        if (r.retrying + r.gaveUp > 0) log(`webhooks: ${r.delivered} delivered, ${r.retrying} to retry, ${r.gaveUp} given up`);
      }
    },
    (e) => log(`could not deliver webhook events: ${messageOf(e)}`),
  );
  const housekeeping = every(
    options.housekeepingIntervalMs ?? 3_600_000,
    async () => {
      const r = await runHousekeeping(db);
      if (r.filesPurged + r.eventsPurged > 0) log(`housekeeping: ${r.filesPurged} expired files and ${r.eventsPurged} old events deleted`);
    },
    (e) => log(`housekeeping failed: ${messageOf(e)}`),
  );
  housekeeping.now();

  return {
    refreshSchedules,
    runNow: (sourceId) => boss.send(SYNC_QUEUE, { sourceId }),
    async stop() {
      clearInterval(timer);
      await Promise.all([notifier.stop(), housekeeping.stop()]);
      await boss.stop({ graceful: true, timeout: 30_000 });
    },
  };
}

/** Runs `task` every `ms`, never two at once; `stop` waits for a run in progress. */
function every(ms: number, task: () => Promise<void>, onError: (e: unknown) => void): { now(): void; stop(): Promise<void> } {
  let running: Promise<void> | null = null;
  const run = () => {
    running ??= task()
      .catch(onError)
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(run, ms);
  timer.unref();
  return {
    now: run,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

function countStatuses(report: SyncReport): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const f of report.files) counts[f.status] = (counts[f.status] ?? 0) + 1;
  return counts;
}
