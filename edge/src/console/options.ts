/**
 * What the console needs from its runtime beyond the app's own dependencies: the secret that seals
 * session cookies, and, where the runtime can reach files (Node), a way to run a data source's sync now.
 */
import type { Database } from '@budget-sync/db';

export interface SourceSyncOutcome {
  status: 'succeeded' | 'failed';
  reason: string | null;
  files: ReadonlyArray<{ name: string; status: string; reason?: string | undefined }>;
}

export interface ConsoleOptions {
  /** Seals the session cookies (AES-256-GCM). At least 32 characters; keep it stable across restarts. */
  sessionSecret: string;
  /** Runs a source's sync now and reports it. Absent where the runtime cannot reach the source (Workers). */
  syncSource?: ((db: Database, sourceId: string) => Promise<SourceSyncOutcome>) | undefined;
  /** A note shown with a source, e.g. that `budget-sync serve` watches it continuously. */
  sourceNote?: ((sourceId: string) => string | undefined) | undefined;
}

export const MIN_SESSION_SECRET_LENGTH = 32;
