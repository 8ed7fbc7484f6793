/**
 * `budget-sync serve [--port 8787] [--host 127.0.0.1]`: the HTTP API on Node (edge/src/node.ts) against
 * DATABASE_URL or the embedded database. Prints where it listens and, on the first start with an empty
 * database, the demo organization's admin key (once). Runs until SIGINT/SIGTERM, then stops in order.
 */
import { describeTarget } from '../shared/database.ts';
import { isConnectionFailure, messageOf, printError, reportError, usageError } from '../shared/report.ts';

export interface ServeFlags {
  port: string;
  host: string;
}

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
  let config: ReturnType<typeof parseConfig>;
  try {
    config = parseConfig(process.env);
  } catch (e) {
    printError(false, 'usage', messageOf(e));
    return 2;
  }
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer({ port, host: flags.host, config });
  } catch (e) {
    const code = (e as { code?: unknown } | null)?.code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      printError(false, 'usage', `Cannot listen on ${flags.host}:${port}: ${messageOf(e)}. Choose another --port or --host.`);
      return 2;
    }
    if (isConnectionFailure(e) || process.env.DATABASE_URL) return reportError(false, e, describeTarget());
    printError(false, 'db.unreachable', `Cannot start ${describeTarget()}: ${messageOf(e)}`);
    return 2;
  }
  process.stdout.write(`${describeStart(server).join('\n')}\n`);
  await stopOnSignals(server, (signal) => process.stdout.write(`\n${signal}: stopping (running requests may finish)…\n`));
  process.stdout.write('Stopped.\n');
  return 0;
}
