/**
 * `budget-sync orgs webhook` as a subprocess against a fresh database: a new webhook gets a secret made
 * and shown once (stored sealed, never in clear), a change keeps the secret and thresholds unless given,
 * and bad input exits 2 with a sentence.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, dropDatabase } from '../support/postgres.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(root, 'cli/bin/budget-sync.js');
const secretKey = randomBytes(32).toString('base64');
let database: { name: string; url: string };

function run(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { cwd: root, encoding: 'utf8', env: { ...process.env, DATABASE_URL: database.url, BUDGET_SYNC_SECRET_KEY: secretKey } },
      (error, stdout, stderr) => {
        const code = (error as { code?: unknown } | null)?.code;
        resolve({ status: error ? (typeof code === 'number' ? code : -1) : 0, stdout, stderr });
      },
    );
  });
}

beforeAll(async () => {
  database = await createDatabase();
});
afterAll(async () => {
  await dropDatabase(database.name);
});

describe('budget-sync orgs webhook', () => {
  it('sets a webhook, shows a made secret once, keeps it on change, and refuses bad input', async () => {
    const created = await run(['orgs', 'create', 'Hooked', '--json']);
    expect(created.status, created.stderr).toBe(0);
    const orgId = (JSON.parse(created.stdout) as { orgId: string }).orgId;

    const first = await run(['orgs', 'webhook', '--org', orgId, '--url', 'https://hooks.example.com/budget', '--json']);
    expect(first.status, first.stderr).toBe(0);
    const one = JSON.parse(first.stdout) as { url: string; thresholds: number[]; secret: string | null };
    expect(one).toMatchObject({ url: 'https://hooks.example.com/budget', thresholds: [80, 100] });
    expect(one.secret).toMatch(/^whsec_[0-9a-f]{48}$/);

    const sql = new pg.Client({ connectionString: database.url });
    await sql.connect();
    try {
      const stored = await sql.query<{ secret_ciphertext: Buffer }>('SELECT secret_ciphertext FROM org_webhooks WHERE org_id = $1', [
        orgId,
      ]);
      expect(stored.rows[0]?.secret_ciphertext.toString('latin1')).not.toContain(one.secret as string);

      const changed = await run(['orgs', 'webhook', '--org', orgId, '--url', 'https://hooks.example.com/v2', '--thresholds', '100,50,90']);
      expect(changed.status, changed.stderr).toBe(0);
      expect(changed.stdout).toContain('50%, 90%, 100%');
      expect(changed.stdout).not.toContain('whsec_');
      const after = await sql.query<{ url: string; thresholds: number[]; secret_ciphertext: Buffer }>(
        'SELECT url, thresholds, secret_ciphertext FROM org_webhooks WHERE org_id = $1',
        [orgId],
      );
      expect(after.rows[0]).toMatchObject({ url: 'https://hooks.example.com/v2', thresholds: [50, 90, 100] });
      expect(after.rows[0]?.secret_ciphertext.equals(stored.rows[0]?.secret_ciphertext as Buffer)).toBe(true);
    } finally {
      await sql.end();
    }

    const badThresholds = await run(['orgs', 'webhook', '--org', orgId, '--url', 'https://x.example.com', '--thresholds', '80,abc']);
    expect(badThresholds.status).toBe(2);
    expect(badThresholds.stderr).toMatch(/whole percentages/);
    const badUrl = await run(['orgs', 'webhook', '--org', orgId, '--url', 'ftp://x.example.com']);
    expect(badUrl.status).toBe(2);
    expect(badUrl.stderr).toMatch(/https/);
    // The cloud's metadata service (and the server's own network) is no receiver, unless the operator allows it.
    const metadata = await run(['orgs', 'webhook', '--org', orgId, '--url', 'http://169.254.169.254/latest/meta-data/', '--json']);
    expect(metadata.status).toBe(1);
    expect(JSON.parse(metadata.stdout)).toMatchObject({ error: { code: 'source.address_refused' } });
    expect(metadata.stderr + metadata.stdout).toMatch(/BUDGET_SYNC_ALLOW_PRIVATE_NETWORKS=1/);
  });
});
