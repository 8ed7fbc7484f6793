/**
 * `budget-sync serve [--port 8787] [--host 127.0.0.1] [--inbox ./inbox] [--no-worker]`: the HTTP API and
 * the web console on Node (edge/src/node.ts) against DATABASE_URL or the embedded database, with the
 * ingest worker (every scheduled source) and the demo organization's inbox folder (serve/inbox.ts).
 * Prints where it listens and, on the first start with an empty database, the demo organization's admin
 * key (once). Runs until SIGINT/SIGTERM, then stops in order: requests, worker, database.
 */
import type { Database } from '@budget-sync/db';
import { describeTarget } from '../shared/database.ts';
import { isConnectionFailure, messageOf, printError, reportError, usageError } from '../shared/report.ts';

export interface ServeFlags {
  port: string;
  host: string;
  /** The demo organization's inbox folder (default ./inbox). */
  inbox?: string;
  /** false with --no-worker: no ingest worker and no inbox watch (the console's "Sync now" still works). */
  worker?: boolean;
}

const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);

export async function serveCommand(flags: ServeFlags): Promise<number> {
  const port = Number(flags.port);
  if (!/^\d{1,5}$/.test(flags.port) || port > 65_535) {
    return reportError(
      false,
      usageError(`--port must be a port number from 0 to 65535 (0: any free port), not "${flags.port}".`),
      describeTarget(),
    );
  }
  // Loaded here: the API and its dependencies are only needed by this command.
  const { parseConfig } = await import('@budget-sync/edge');
  const { describeStart, startServer, stopOnSignals } = await import('@budget-sync/edge/node');
  const { startWorker, syncSource } = await import('@budget-sync/ingest-worker');
  const { ensureInbox, INBOX_POLL_MS, watchInbox } = await import('../serve/inbox.ts');
  const runWorker = flags.worker !== false;
  let watchedId: string | null = null;
  let config: ReturnType<typeof parseConfig>;
  try {
    config = parseConfig(process.env);
  } catch (e) {
    printError(false, 'usage', messageOf(e));
    return 2;
  }
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer({
      port,
      host: flags.host,
      config,
      console: {
        syncSource: async (db: Database, sourceId: string) => syncSource(db, sourceId, { trigger: 'console', log }),
        sourceNote: (id: string) => (id === watchedId ? `watched every ${INBOX_POLL_MS / 1000} s by budget-sync serve` : undefined),
      },
    });
  } catch (e) {
    const code = (e as { code?: unknown } | null)?.code;
    if (code === 'EADDRINUSE') {
      const url = `http://${flags.host.includes(':') ? `[${flags.host}]` : flags.host}:${port}/`;
      printError(
        false,
        'usage',
        `Port ${port} on ${flags.host} is already in use: Budget Sync is probably already running there — open ${url}. ` +
          `To run a second one, choose another port: npm start -- --port ${port + 1} (or budget-sync serve --port ${port + 1}).`,
      );
      return 2;
    }
    if (code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      printError(false, 'usage', `Cannot listen on ${flags.host}:${port}: ${messageOf(e)}. Choose another --port or --host.`);
      return 2;
    }
    if (isConnectionFailure(e) || process.env.DATABASE_URL) return reportError(false, e, describeTarget());
    printError(false, 'db.unreachable', `Cannot start ${describeTarget()}: ${messageOf(e)}`);
    return 2;
  }
  const lines = describeStart(server);
  try {
    const inbox = await ensureInbox(server.database, flags.inbox ?? 'inbox');
    if (runWorker) {
      const worker = await startWorker(server.database, { log });
      server.onClose(() => worker.stop());
      if (inbox) {
        const watcher = watchInbox(server.database, inbox, log);
        watchedId = inbox.source.id;
        // Registered last, run first: the watch stops before the worker does.
        server.onClose(() => watcher.stop());
      }
    }
    if (inbox) {
      lines.splice(
        lines.length - 1,
        0,
        runWorker
          ? `Inbox: drop .xlsx or .csv budget files into ${inbox.directory}; they show in the import history within seconds (then move to archive/ or rejected/).`
          : `Inbox: ${inbox.directory} (not watched: --no-worker; use "Sync now" on the console's Sources page).`,
        '',
      );
    }
  } catch (e) {
    printError(false, 'worker.unavailable', `The ingest worker could not start: ${messageOf(e)}`);
    await server.close();
    return 2;
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  await stopOnSignals(server, (signal) => process.stdout.write(`\n${signal}: stopping (running requests may finish)…\n`));
  process.stdout.write('Stopped.\n');
  return 0;
}
