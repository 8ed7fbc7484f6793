/**
 * `budget-sync worker`: schedules every enabled source with pg-boss and runs their syncs until SIGINT or
 * SIGTERM, then stops taking jobs and lets the running ones finish.
 */
import { startWorker } from '@budget-sync/ingest-worker';
import { withDatabase } from '../shared/database.ts';

export async function workerCommand(flags: { batchSize?: string }): Promise<number> {
  return withDatabase(false, async (db) => {
    const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
    const batchSize = flags.batchSize ? Number(flags.batchSize) : 10;
    const worker = await startWorker(db, { batchSize, log });
    log('worker started; stop it with Ctrl-C (SIGINT) or SIGTERM');
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    log('stopping: waiting for running syncs to finish');
    await worker.stop();
    return 0;
  });
}
