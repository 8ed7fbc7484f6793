/**
 * What the console needs from its runtime beyond the app's own dependencies: where the runtime can reach
 * files (Node), a way to run a data source's sync now. Sessions need nothing: they live in the database.
 */
import type { Database } from '@budget-sync/db';

export interface SourceSyncOutcome {
  status: 'succeeded' | 'failed';
  reason: string | null;
  files: ReadonlyArray<{ name: string; status: string; reason?: string | undefined }>;
}

export interface ConsoleOptions {
  /** Runs a source's sync now and reports it. Absent where the runtime cannot reach the source (Workers). */
  syncSource?: ((db: Database, sourceId: string) => Promise<SourceSyncOutcome>) | undefined;
  /** A note shown with a source, e.g. that `budget-sync serve` watches it continuously. */
  sourceNote?: ((sourceId: string) => string | undefined) | undefined;
}
