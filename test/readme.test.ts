/**
 * The README's examples run as written (issue 14: its figures were wrong and `analyze budget.csv --sheet …`
 * failed for any CSV). The commands of its shell blocks are read from the README itself — so a changed
 * example is tested as changed — and run with bash from the repository root: the analyze examples as they
 * are, the HTTP examples against a fresh server holding the demo budget, with `API` and `KEY` set as the
 * README says (and `ID` from the reservation the block before made).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiKey } from '@budget-sync/db';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, type Served, serve } from './console/helpers.ts';
import { createDatabase, dropDatabase } from './support/postgres.ts';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The README's ```sh blocks, each as its commands (continuation lines joined; comment lines dropped). */
function shellBlocks(): string[][] {
  const blocks: string[][] = [];
  for (const m of README.matchAll(/```sh\n([\s\S]*?)```/g)) {
    const commands: string[] = [];
    let pending = '';
    for (const line of (m[1] as string).split('\n')) {
      if (pending === '' && (line.trim() === '' || line.trim().startsWith('#'))) continue;
      pending += line;
      if (pending.endsWith('\\')) pending = `${pending.slice(0, -1)} `;
      else {
        commands.push(pending);
        pending = '';
      }
    }
    blocks.push(commands);
  }
  return blocks;
}

function blockStarting(prefix: string): string[] {
  const block = shellBlocks().find((b) => b[0]?.startsWith(prefix));
  if (!block) throw new Error(`README has no shell block starting with ${prefix}`);
  return block;
}

function bash(command: string, env: Record<string, string> = {}) {
  const r = spawnSync('bash', ['-c', command], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${join(process.execPath, '..')}:${process.env.PATH}`, ...env },
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

describe('README: Using it', () => {
  const block = blockStarting('npx budget-sync --version');

  it('every analyze example runs as written, exit 0 (importable), from the repository root', () => {
    expect(block.length).toBeGreaterThanOrEqual(5);
    for (const command of block) {
      const r = bash(command);
      expect({ command, status: r.status, err: r.err.slice(0, 300) }).toEqual({ command, status: 0, err: '' });
      if (command.includes('--json')) expect(() => JSON.parse(r.out)).not.toThrow();
      if (command.includes('--version')) expect(r.out.trim()).toBe(/# (\S+)/.exec(command)?.[1]);
    }
  });
});

describe('README: Importing into Postgres', () => {
  let database: { name: string; url: string };
  const work = mkdtempSync(join(tmpdir(), 'bs-readme-cli-'));

  beforeAll(async () => {
    database = await createDatabase();
  });

  afterAll(async () => {
    await dropDatabase(database.name);
    rmSync(work, { recursive: true, force: true });
    rmSync(join(ROOT, 'original.xlsx'), { force: true });
  });

  it('every command runs as written, in order, with ORG, PREFIX and ID taken from what the commands before printed', () => {
    const block = blockStarting('npx budget-sync migrate');
    expect(block.length).toBeGreaterThanOrEqual(10);
    const env: Record<string, string> = { DATABASE_URL: database.url, BUDGET_SYNC_DATA_DIR: work };
    for (const command of block) {
      const r = bash(command, env);
      expect({ command, status: r.status, err: r.err.slice(0, 400) }).toMatchObject({ command, status: 0 });
      // What the README's comments say to keep: the org id, the key's prefix, an import id.
      if (command.includes('orgs create')) env.ORG = (JSON.parse(r.out) as { orgId: string }).orgId;
      const prefix = /prefix (bsk_[A-Za-z0-9_-]+)/.exec(r.out)?.[1];
      if (command.includes('keys create') && prefix) env.PREFIX = prefix;
      if (command.includes('--mode replace')) env.ID = /import ([0-9a-f-]{36})/.exec(r.out)?.[1] ?? '';
    }
    expect(env.ORG).toMatch(/^[0-9a-f-]{36}$/);
    expect(env.PREFIX).toMatch(/^bsk_/);
    expect(env.ID).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('README: the HTTP API and integrator examples', () => {
  let database: { name: string; url: string };
  let server: Served;
  let key: string;
  const dir = mkdtempSync(join(tmpdir(), 'bs-readme-'));

  beforeAll(async () => {
    database = await createDatabase();
    // A first start on an empty database: the demo organization with its sample FY2026 budget.
    server = await serve({ DATABASE_URL: database.url, BUDGET_SYNC_DATA_DIR: dir }, ['--no-worker']);
    const sql = new pg.Pool({ connectionString: database.url, max: 1 });
    try {
      const orgId = (await sql.query<{ id: string }>('SELECT id FROM organizations')).rows[0]?.id as string;
      key = (await createApiKey(sql, { orgId, name: 'readme', scopes: ['budget:check', 'budget:reserve', 'budget:read'] })).apiKey;
    } finally {
      await sql.end();
    }
  });

  afterAll(async () => {
    await server?.stop();
    await dropDatabase(database.name);
    rmSync(dir, { recursive: true, force: true });
  });

  it('check and reserve answer what the README says, on the demo budget', () => {
    const [assign, check, reserve] = blockStarting('API=') as [string, string, string];
    // The README's address, with this server's port.
    const api = /API=(\S+)/.exec(assign)?.[1] as string;
    const env = { API: `${api.replace(/:\d+$/, '')}:${new URL(server.url).port}`, KEY: key };
    const checked = bash(check, env);
    expect(checked.status).toBe(0);
    const said = /# → (\{.*\})/.exec(README.slice(README.indexOf(check.slice(0, 40))))?.[1] as string;
    const figures = Object.fromEntries([...said.matchAll(/"(\w+)":"([^"]*)"/g)].map((m) => [m[1], m[2]]));
    expect(JSON.parse(checked.out)).toMatchObject(figures);
    const reserved = bash(reserve, env);
    expect(reserved.status).toBe(0);
    expect(JSON.parse(reserved.out)).toMatchObject({ status: 'held', amount: '1200.00' });
  });

  it("the integrator's three calls: check, reserve with an Idempotency-Key, commit the reservation ($ID)", () => {
    const [check, reserve, commit] = blockStarting('curl -s "$API/api/budget/check"') as [string, string, string];
    const env = { API: server.url.replace(/\/$/, ''), KEY: key };
    expect(JSON.parse(bash(check, env).out)).toMatchObject({ decision: expect.stringMatching(/^(pass|warn)$/) });
    const held = JSON.parse(bash(reserve, env).out) as { id: string; status: string };
    expect(held.status).toBe('held');
    const committed = bash(commit, { ...env, ID: held.id });
    expect(committed.status).toBe(0);
    expect(JSON.parse(committed.out)).toMatchObject({ id: held.id, status: 'committed', committed: '1200.00' });
  });
});
