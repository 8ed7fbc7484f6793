/**
 * The embedded default database for real: initdb + start in a fresh dir, sharing a running server,
 * restarting on the same cluster, stale postmaster.pid files, concurrent starts, and (when the tests run
 * as root) the same module run by a normal user, whose server then runs as that user.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, linkSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { type EmbeddedServer, startEmbeddedPostgres } from '../../db/src/embedded.ts';

const isRoot = process.getuid?.() === 0;
const made: string[] = [];
const servers: EmbeddedServer[] = [];

/** A fresh data dir: mkdtemp makes it 0700, which the module itself must open up for `postgres` as root. */
function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'budget-sync-embedded-'));
  made.push(dir);
  return dir;
}

async function start(dataDir: string): Promise<EmbeddedServer> {
  const server = await startEmbeddedPostgres({ dataDir });
  servers.push(server);
  return server;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  client.on('error', () => {});
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** A pid that surely belongs to no process: one that just exited. */
function deadPid(): number {
  const child = spawnSync('sh', ['-c', 'echo $$'], { encoding: 'utf8' });
  return Number.parseInt(child.stdout, 10);
}

function postmasterPid(pid: number, dataDir: string, port: number): string {
  return `${pid}\n${join(dataDir, 'postgres')}\n1700000000\n${port}\n\n127.0.0.1\n  0 0\nready   \n`;
}

afterAll(async () => {
  for (const server of servers) await server.stop();
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

describe('startEmbeddedPostgres', () => {
  const dataDir = freshDir();

  it('initialises and starts a server in a fresh dir, answers SELECT 1, and stops', async () => {
    const server = await start(dataDir);
    expect(server.startedHere).toBe(true);
    expect(server.url).toMatch(/^postgres:\/\/postgres:[0-9a-f]+@127\.0\.0\.1:\d+\/budget_sync$/);
    expect(await query(server.url, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    expect(await query(server.url, 'SHOW server_encoding')).toEqual([{ server_encoding: 'UTF8' }]);
    await server.stop();
    await expect(query(server.url, 'SELECT 1')).rejects.toThrow();
  });

  it('shares a server that is already running on the same dir', async () => {
    const first = await start(dataDir);
    const second = await start(dataDir);
    expect(first.startedHere).toBe(true);
    expect(second.startedHere).toBe(false);
    expect(second.url).toBe(first.url);
    await second.stop(); // does nothing: the first owns it
    expect(await query(first.url, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    await first.stop();
  });

  it('restarts on the same cluster: data written before the stop is still there', async () => {
    const before = await start(dataDir);
    await query(before.url, "CREATE TABLE kept (note text); INSERT INTO kept VALUES ('Büro €')");
    await before.stop();
    const after = await start(dataDir);
    expect(after.startedHere).toBe(true);
    expect(await query(after.url, 'SELECT note FROM kept')).toEqual([{ note: 'Büro €' }]);
    await after.stop();
  });

  it('starts despite a stale postmaster.pid (or one whose pid now belongs to another process) and a stale lock', async () => {
    const pidFile = join(dataDir, 'postgres', 'postmaster.pid');
    writeFileSync(pidFile, postmasterPid(deadPid(), dataDir, 1));
    // Left by a budget-sync process that died while starting the server.
    writeFileSync(join(dataDir, 'postgres.lock'), `${deadPid()}\n`);
    const afterDead = await start(dataDir);
    expect(afterDead.startedHere).toBe(true);
    expect(await query(afterDead.url, 'SELECT count(*)::int AS n FROM kept')).toEqual([{ n: 1 }]);
    await afterDead.stop();

    // A reused pid: alive, but not a postgres (Postgres itself would refuse to start over it).
    const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      writeFileSync(pidFile, postmasterPid(sleeper.pid ?? 0, dataDir, 1));
      const afterReused = await start(dataDir);
      expect(afterReused.startedHere).toBe(true);
      await afterReused.stop();
    } finally {
      sleeper.kill();
    }
  });

  it('starts one server when two starts race on the same dir (first run included)', async () => {
    const dir = freshDir();
    const both = await Promise.all([start(dir), start(dir)]);
    expect(both.map((s) => s.startedHere).sort()).toEqual([false, true]);
    expect(both[0]?.url).toBe(both[1]?.url);
    for (const server of both) await server.stop();
  });

  it(isRoot ? 'runs as a normal user too (root: a child process as nobody)' : 'runs as the current normal user', async () => {
    if (!isRoot) {
      // The normal-user path is what the tests above ran: the cluster belongs to us and no `postgres` user was involved.
      expect(statSync(join(dataDir, 'postgres')).uid).toBe(process.getuid?.());
      return;
    }
    // As root the server ran as `postgres`, which owns the cluster, and root's 0700 temp dir was opened up.
    const postgresUid = Number.parseInt(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout, 10);
    expect(statSync(join(dataDir, 'postgres')).uid).toBe(postgresUid);
    expect(statSync(dataDir).mode & 0o001).toBe(0o001);

    // A data dir below a directory `postgres` cannot pass: a clear error before initdb even tries.
    const closed = freshDir();
    await expect(startEmbeddedPostgres({ dataDir: join(closed, 'data') })).rejects.toThrow(/cannot reach the data dir .*not searchable/);

    const result = await runAsNobody();
    expect(result).toEqual({ uid: 65534, clusterUid: 65534, startedHere: true, one: 1, user: 'postgres', afterStop: 'refused' });
  });
});

interface ChildReport {
  uid: number;
  clusterUid: number;
  startedHere: boolean;
  one: number;
  user: string;
  afterStop: string;
}

/**
 * Runs the module as `nobody` in a dir it owns. Node lives under /root (0700) here, so a hard link (or a
 * copy, across file systems) in a directory nobody can read stands in for it; the repository itself is
 * world-readable. The child's script imports pg by absolute URL since it lives outside the repository.
 */
async function runAsNobody(): Promise<ChildReport> {
  const nobody = { uid: 65534, gid: 65534 };
  const home = freshDir();
  chownSync(home, nobody.uid, nobody.gid);
  const binDir = freshDir();
  chmodSync(binDir, 0o755);
  const node = join(binDir, 'node');
  try {
    linkSync(process.execPath, node);
  } catch {
    copyFileSync(process.execPath, node);
    chmodSync(node, 0o755);
  }
  const moduleUrl = pathToFileURL(fileURLToPath(new URL('../../db/src/embedded.ts', import.meta.url))).href;
  const pgUrl = pathToFileURL(createRequire(import.meta.url).resolve('pg')).href;
  const script = join(binDir, 'child.mjs');
  writeFileSync(
    script,
    `import { statSync } from 'node:fs';
import { startEmbeddedPostgres } from ${JSON.stringify(moduleUrl)};
import pg from ${JSON.stringify(pgUrl)};
const dataDir = ${JSON.stringify(join(home, 'data'))};
const server = await startEmbeddedPostgres({ dataDir });
const client = new pg.Client({ connectionString: server.url });
await client.connect();
const { rows } = await client.query('SELECT 1 AS one, current_user AS user');
await client.end();
await server.stop();
const after = new pg.Client({ connectionString: server.url, connectionTimeoutMillis: 2000 });
after.on('error', () => {});
const afterStop = await after.connect().then(() => 'connected', () => 'refused');
console.log(JSON.stringify({ uid: process.getuid(), clusterUid: statSync(dataDir + '/postgres').uid, startedHere: server.startedHere, ...rows[0], afterStop }));
`,
  );
  chmodSync(script, 0o644);
  const child = spawn(node, ['--no-warnings', script], {
    uid: nobody.uid,
    gid: nobody.gid,
    cwd: home,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`child as nobody exited ${code}: ${stderr}`);
  return JSON.parse(stdout) as ChildReport;
}
