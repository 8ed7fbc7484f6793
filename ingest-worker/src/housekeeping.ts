/**
 * The worker's housekeeping: original import files past their org's retention are deleted (history rows
 * stay), and delivered webhook events older than a month are dropped from the outbox.
 */
import { type Database, purgeDeliveredEvents, purgeExpiredFiles } from '@budget-sync/db';

export const DELIVERED_EVENTS_KEPT_DAYS = 30;

export interface HousekeepingReport {
  filesPurged: number;
  eventsPurged: number;
}

export async function runHousekeeping(db: Database, options: { deliveredEventsKeptDays?: number } = {}): Promise<HousekeepingReport> {
  const filesPurged = await purgeExpiredFiles(db.pool);
  const eventsPurged = await purgeDeliveredEvents(db.pool, options.deliveredEventsKeptDays ?? DELIVERED_EVENTS_KEPT_DAYS);
  return { filesPurged, eventsPurged };
}
