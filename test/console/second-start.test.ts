/**
 * Starting Budget Sync a second time, as a person does: `npm start` while one runs says it is probably
 * already running and where (not only EADDRINUSE), and `npm start --port N` — which npm reads as its own
 * switch, handing the script a bare `N` — reaches serve as `--port N`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, dropDatabase } from '../support/postgres.ts';
import { ROOT, type Served, serve } from './helpers.ts';

let database: { name: string; url: string };
let server: Served;
let port: number;
const dir = mkdtempSync(join(tmpdir(), 'bs-second-start-'));

beforeAll(async () => {
  database = await createDatabase();
  server = await serve({ DATABASE_URL: database.url, BUDGET_SYNC_DATA_DIR: dir }, ['--no-worker']);
  port = Number(new URL(server.url).port);
});

afterAll(async () => {
  await server?.stop();
  await dropDatabase(database.name);
  rmSync(dir, { recursive: true, force: true });
});

function npmStart(...args: string[]) {
  const r = spawnSync('npm', ['start', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: database.url, BUDGET_SYNC_DATA_DIR: dir },
    timeout: 60_000,
  });
  return { status: r.status, err: r.stderr };
}

describe('a second start', () => {
  it('npm start --port N on a taken port says Budget Sync is probably already running there, and how to run another', () => {
    const r = npmStart('--port', String(port), '--no-worker');
    expect(r.status).not.toBe(0);
    expect(r.err).toContain(
      `Port ${port} on 127.0.0.1 is already in use: Budget Sync is probably already running there — open http://127.0.0.1:${port}/.`,
    );
    expect(r.err).toContain(`npm start -- --port ${port + 1}`);
  });

  it('npm start -- --port N (flags after --) and npm start --port=N say the same', () => {
    for (const args of [
      ['--', '--port', String(port), '--no-worker'],
      [`--port=${port}`, '--no-worker'],
    ]) {
      const r = npmStart(...args);
      expect(r.status, args.join(' ')).not.toBe(0);
      expect(r.err).toContain(`Port ${port} on 127.0.0.1 is already in use`);
    }
  });

  it('a later start on the same database names its organizations and prints commands with a real org id, not a literal ID', async () => {
    const again = await serve({ DATABASE_URL: database.url, BUDGET_SYNC_DATA_DIR: dir }, ['--no-worker']);
    try {
      const out = again.out();
      const id = /Organization "[^"]+": ([0-9a-f-]{36})/.exec(out)?.[1];
      expect(id).toBeDefined();
      expect(out).toContain(`budget-sync users add EMAIL --org ${id} --role admin`);
      expect(out).toContain(`budget-sync keys create --org ${id} --name NAME --scopes admin`);
      expect(out).not.toMatch(/--org ID\b/);
    } finally {
      await again.stop();
    }
  });

  it('two flags that npm took for itself are refused with the command that works', () => {
    const r = npmStart('--port', String(port), '--host', '127.0.0.1');
    expect(r.status).not.toBe(0);
    expect(r.err).toContain('pass them after --, e.g. npm start -- --port 8790 --host 0.0.0.0');
  });
});
