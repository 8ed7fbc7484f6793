/**
 * The API the add-on talks to, as it runs: the Node entry (edge/src/node.ts, through api-process.ts) as
 * its own process on a fresh database of the test Postgres, with the demo organization's admin key. A
 * separate process on purpose: the synchronous UrlFetchApp stand-in blocks the test's thread while a
 * request is out. (Not `budget-sync serve`, which also watches an inbox folder in the working directory.)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createDatabase, dropDatabase } from '../../support/postgres.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));

export interface ApiServer {
  url: string;
  /** The demo organization's admin key. */
  key: string;
  databaseUrl: string;
  /** Stops the server (the database stays until `dispose`). */
  stop(): Promise<void>;
  dispose(): Promise<void>;
}

/** `env`: more settings for the API (BUDGET_SYNC_GOOGLE_* for the identity tests). */
export async function startApiServer(env: Record<string, string> = {}): Promise<ApiServer> {
  const database = await createDatabase();
  const child: ChildProcess = spawn(process.execPath, [fileURLToPath(new URL('./api-process.ts', import.meta.url))], {
    cwd: root,
    env: { ...process.env, ...env, DATABASE_URL: database.url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const { url, key } = await new Promise<{ url: string; key: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the API did not start: ${out}`)), 30_000);
    const poll = setInterval(() => {
      const line = /^(\{"url".*\})$/m.exec(out);
      if (line) {
        clearInterval(poll);
        clearTimeout(timer);
        const started = JSON.parse(line[1] as string) as { url: string; key: string | null };
        if (started.key === null) reject(new Error('the API started without a demo organization: the database was not empty'));
        else resolve({ url: started.url.replace(/\/$/, ''), key: started.key });
      }
    }, 20);
    void exited.then(() => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`the API exited: ${out}`));
    });
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  };
  return {
    url,
    key,
    databaseUrl: database.url,
    stop,
    dispose: async () => {
      await stop();
      await dropDatabase(database.name);
    },
  };
}
