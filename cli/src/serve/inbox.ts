/**
 * The inbox of `budget-sync serve`: a local folder (./inbox by default) registered as a folder source of
 * the demo organization, and watched by the server itself so that a file dropped there is in the import
 * history within seconds.
 *
 * Why a watch loop and not only a cron schedule: cron's finest step is a minute, and a sync every few
 * seconds would write a run row each time. The loop looks at the folder every 2 s (a readdir and a stat
 * per file) and runs the ingest worker's syncSource only when the files there changed. The source's
 * stability window is 1 s: a file still being copied is looked at again until its size and modification
 * time hold still. Imported files move to inbox/archive/, refused ones to inbox/rejected/.
 */
import { mkdir, readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createSource, type DataSource, type Database, listOrganizations, listSources, updateSource } from '@budget-sync/db';
import { type SyncReport, syncSource } from '@budget-sync/ingest-worker';

export const INBOX_SOURCE_NAME = 'Inbox';
export const INBOX_POLL_MS = 2_000;
export const INBOX_STABILITY_SECONDS = 1;
/** The longest pause between retries of a file that could not be taken yet (still being written, failed). */
const MAX_RETRY_MS = 60_000;

export interface Inbox {
  source: DataSource;
  directory: string;
}

/**
 * The demo organization's inbox source, created on the first start (and pointed at `dir` if it moved);
 * null when the database has no demo organization (a real one is not given a folder it did not ask for).
 */
export async function ensureInbox(db: Database, dir: string): Promise<Inbox | null> {
  const directory = resolve(dir);
  const demo = (await listOrganizations(db.pool)).find((o) => o.isDemo);
  if (!demo) return null;
  await mkdir(directory, { recursive: true });
  const existing = (await listSources(db.pool, demo.id)).find((s) => s.type === 'folder' && s.name === INBOX_SOURCE_NAME);
  if (existing) {
    // The operator's folder (made by this command, which runs on the server); one stored before folders
    // were told apart is made the operator's again here.
    const same = existing.type === 'folder' && existing.config.directory === directory && existing.config.operatorPath === true;
    const source = same
      ? existing
      : await updateSource(db.pool, existing.id, { config: { directory } }, { orgId: demo.id, by: 'operator' });
    return { source, directory };
  }
  const source = await createSource(
    db.pool,
    {
      orgId: demo.id,
      type: 'folder',
      name: INBOX_SOURCE_NAME,
      config: { directory, glob: '*', stabilitySeconds: INBOX_STABILITY_SECONDS, acceptWarnings: false },
      schedule: null,
      mode: 'merge',
      afterImport: 'move',
    },
    { by: 'operator' },
  );
  return { source, directory };
}

/** Names, sizes and modification times of the files directly in the folder (sub-folders and dot files aside). */
async function fingerprint(directory: string): Promise<string> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(directory, { withFileTypes: true });
  } catch {
    return '';
  }
  const parts: string[] = [];
  for (const e of entries) {
    if (!e.isFile() || e.name.startsWith('.')) continue;
    try {
      const s = await stat(join(directory, e.name));
      parts.push(`${e.name}\u0000${s.size}\u0000${Math.trunc(s.mtimeMs)}`);
    } catch {
      // Gone between the listing and the look: the next look settles it.
    }
  }
  return parts.sort().join('\u0001');
}

export interface InboxWatcher {
  stop(): Promise<void>;
}

export function watchInbox(db: Database, inbox: Inbox, log: (line: string) => void, pollMs = INBOX_POLL_MS): InboxWatcher {
  let synced = '';
  let retryAt = 0;
  let retryMs = pollMs;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const report = (r: SyncReport) => {
    for (const f of r.files) {
      if (f.status === 'skipped' && !f.movedTo) continue;
      log(`inbox: ${f.name} ${f.status}${f.importId ? ` (import ${f.importId})` : ''}${f.reason ? `: ${f.reason}` : ''}`);
    }
    if (r.status === 'failed' && r.reason) log(`inbox: sync failed: ${r.reason}`);
  };

  const look = async () => {
    const now = await fingerprint(inbox.directory);
    if (now === '') {
      synced = '';
      return;
    }
    if (now === synced && (retryAt === 0 || Date.now() < retryAt)) return;
    const r = await syncSource(db, inbox.source.id, { trigger: 'inbox', log });
    report(r);
    synced = await fingerprint(inbox.directory);
    // A file left behind (still being written, or its import failed) is looked at again, less and less often.
    const leftBehind = synced !== '' && r.files.some((f) => f.status === 'failed' || (f.status === 'skipped' && !f.movedTo));
    if (leftBehind) {
      retryAt = Date.now() + retryMs;
      retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
    } else {
      retryAt = 0;
      retryMs = pollMs;
    }
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = look()
        .catch((e: unknown) => log(`inbox: ${e instanceof Error ? e.message : String(e)}`))
        .finally(schedule);
    }, pollMs);
  };
  // The first look at once: files dropped while the server was down are taken on start.
  running = look()
    .catch((e: unknown) => log(`inbox: ${e instanceof Error ? e.message : String(e)}`))
    .finally(schedule);

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
