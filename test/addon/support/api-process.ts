/**
 * The API's Node entry (edge/src/node.ts: the app on @hono/node-server, one pool, the demo organization on
 * an empty database) as its own process for the add-on tests, on the database DATABASE_URL names. Prints
 * one JSON line, `{"url", "key"}`, once it listens; stops cleanly on SIGTERM.
 */
import { parseConfig } from '@budget-sync/edge';
import { startServer, stopOnSignals } from '@budget-sync/edge/node';

const server = await startServer({ port: 0, host: '127.0.0.1', config: parseConfig(process.env), poolSize: 5 });
process.stdout.write(`${JSON.stringify({ url: server.url, key: server.demo?.apiKey ?? null })}\n`);
await stopOnSignals(server);
