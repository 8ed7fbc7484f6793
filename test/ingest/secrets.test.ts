/**
 * Source credentials at rest: no secret appears anywhere in the database (every text, bytea and jsonb
 * column of every table is searched) nor in listings; a wrong key cannot open them and says so; a
 * retired key still opens what it sealed; a missing key is a clear error.
 */
import { createSource, getSource, listSources, loadSecretKeyring, readSourceSecrets } from '@budget-sync/db';
import { beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/postgres.ts';
import { newOrg, newSecretKey } from './helpers.ts';

const db = await freshDatabase();
const key = newSecretKey();
const PASSWORD = 'pw-Zq8#unlikely-string-41';
const PRIVATE_KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nkeymaterial-Xy7-unlikely\n-----END OPENSSH PRIVATE KEY-----\n';
const S3_SECRET = 's3secret-Kp2-unlikely-string';
let orgId: string;
let sftpId: string;

beforeAll(async () => {
  orgId = await newOrg(db);
  const keyring = await loadSecretKeyring({ BUDGET_SYNC_SECRET_KEY: key });
  sftpId = (
    await createSource(
      db.pool,
      {
        orgId,
        type: 'sftp',
        config: { host: 'sftp.example.com', username: 'finance', directory: 'in' },
        secrets: { password: PASSWORD, privateKey: PRIVATE_KEY, passphrase: 'phrase-unlikely-99' },
      },
      { keyring },
    )
  ).id;
  await createSource(
    db.pool,
    { orgId, type: 's3', config: { bucket: 'b', accessKeyId: 'AKIAEXAMPLE' }, secrets: { secretAccessKey: S3_SECRET } },
    { keyring },
  );
});

/** Every value of every text, bytea and jsonb column of every table, as text. */
async function dumpDatabase(): Promise<string> {
  const cols = await db.pool.query<{ table_schema: string; table_name: string; column_name: string; data_type: string }>(
    `SELECT c.table_schema, c.table_name, c.column_name, c.data_type FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
      WHERE c.table_schema NOT IN ('pg_catalog', 'information_schema') AND c.data_type IN ('text', 'bytea', 'jsonb', 'character varying', 'ARRAY')`,
  );
  const parts: string[] = [];
  for (const c of cols.rows) {
    const col = `"${c.column_name}"`;
    const expr = c.data_type === 'bytea' ? `encode(${col}, 'escape')` : `${col}::text`;
    const r = await db.pool.query<{ v: string | null }>(`SELECT ${expr} AS v FROM "${c.table_schema}"."${c.table_name}"`);
    for (const row of r.rows) if (row.v) parts.push(row.v);
  }
  return parts.join('\n');
}

describe('source secrets', () => {
  it('stores no secret in clear anywhere in the database, and lists none', async () => {
    const dump = await dumpDatabase();
    expect(dump).toContain('sftp.example.com'); // the search does reach the sources' settings
    for (const secret of [PASSWORD, 'keymaterial-Xy7-unlikely', 'phrase-unlikely-99', S3_SECRET]) {
      expect(dump).not.toContain(secret);
      expect(JSON.stringify(await listSources(db.pool, orgId))).not.toContain(secret);
    }
    expect(await getSource(db.pool, sftpId)).toMatchObject({ hasSecrets: true, type: 'sftp' });
  });

  it('opens them with the right key, and with a retired key listed in BUDGET_SYNC_SECRET_KEYS_OLD', async () => {
    const keyring = await loadSecretKeyring({ BUDGET_SYNC_SECRET_KEY: key });
    expect(await readSourceSecrets(db.pool, sftpId, { keyring })).toEqual({
      password: PASSWORD,
      privateKey: PRIVATE_KEY,
      passphrase: 'phrase-unlikely-99',
    });
    const rotated = await loadSecretKeyring({ BUDGET_SYNC_SECRET_KEY: newSecretKey(), BUDGET_SYNC_SECRET_KEYS_OLD: key });
    expect((await readSourceSecrets(db.pool, sftpId, { keyring: rotated })).password).toBe(PASSWORD);
  });

  it('cannot decrypt them with a wrong key, and says so with secret.undecryptable', async () => {
    const wrong = await loadSecretKeyring({ BUDGET_SYNC_SECRET_KEY: newSecretKey() });
    await expect(readSourceSecrets(db.pool, sftpId, { keyring: wrong })).rejects.toMatchObject({
      code: 'secret.undecryptable',
      message: expect.stringMatching(/encrypted with key [0-9a-f]{8}/),
    });
    // Even a key that claims the same id (forged key id) fails authentication rather than yielding garbage.
    await db.pool.query('UPDATE data_sources SET secret_key_id = $2 WHERE id = $1', [sftpId, wrong.current.id]);
    await expect(readSourceSecrets(db.pool, sftpId, { keyring: wrong })).rejects.toMatchObject({ code: 'secret.undecryptable' });
    const right = await loadSecretKeyring({ BUDGET_SYNC_SECRET_KEY: key });
    await db.pool.query('UPDATE data_sources SET secret_key_id = $2 WHERE id = $1', [sftpId, right.current.id]);
  });

  it('refuses a missing or malformed key with a clear error', async () => {
    await expect(loadSecretKeyring({})).rejects.toMatchObject({
      code: 'secret.key_missing',
      message: expect.stringMatching(/BUDGET_SYNC_SECRET_KEY/),
    });
    await expect(loadSecretKeyring({ BUDGET_SYNC_SECRET_KEY: 'c2hvcnQ=' })).rejects.toMatchObject({ code: 'secret.key_invalid' });
  });
});
