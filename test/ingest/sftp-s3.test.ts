/**
 * SFTP and S3 sources against real servers: a private sshd (test/support/sshd.ts) and s3rver. Covers the
 * import with archive/rejected moves, the pinned host key, wrong credentials, and sshd stopped in the
 * middle of a download (retried on a fresh connection; nothing partial is imported).
 */
import { chownSync, existsSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { createSource } from '@budget-sync/db';
import { checkedLookup } from '@budget-sync/db/node';
import { openConnector, syncSource } from '@budget-sync/ingest-worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/ports.ts';
import { freshDatabase } from '../support/postgres.ts';
import { type S3Server, startS3rver } from '../support/s3rver.ts';
import { type SshServer, startSshd } from '../support/sshd.ts';
import { bigBudget, corpus, FAST_RETRY, history, lineCount, newOrg, newSecretKey } from './helpers.ts';

process.env.BUDGET_SYNC_SECRET_KEY = newSecretKey();
// sshd and s3rver listen on 127.0.0.1: the operator's switch lets sources reach them.
process.env.BUDGET_SYNC_ALLOW_PRIVATE_NETWORKS = '1';
const db = await freshDatabase();
let orgId: string;
let sshd: SshServer;
let s3: S3Server;

beforeAll(async () => {
  orgId = await newOrg(db);
  [sshd, s3] = await Promise.all([startSshd(), startS3rver()]);
});

afterAll(async () => {
  await Promise.all([sshd?.dispose(), s3?.stop()]);
});

function putSftpFile(name: string, content: string | Buffer): void {
  const p = join(sshd.dir, name);
  writeFileSync(p, content);
  chownSync(p, sshd.uid, sshd.gid);
}

function sftpSource(extra: { hostKeyFingerprint?: string; privateKey?: string; afterImport?: 'leave' | 'move'; glob?: string } = {}) {
  return createSource(db.pool, {
    orgId,
    type: 'sftp',
    config: {
      host: sshd.host,
      port: sshd.port,
      username: sshd.username,
      directory: '.',
      glob: extra.glob ?? '*.csv',
      stabilitySeconds: 0,
      hostKeyFingerprint: extra.hostKeyFingerprint ?? sshd.hostKeyFingerprint,
    },
    secrets: { privateKey: extra.privateKey ?? sshd.clientKey },
    afterImport: extra.afterImport ?? 'leave',
  });
}

describe('sftp source', () => {
  it('imports new files, moves them to archive/ and rejected/, and skips them next time', async () => {
    putSftpFile('budget-long-basic.csv', corpus('budget-long-basic.csv'));
    putSftpFile('payroll-jan.csv', corpus('payroll-jan.csv'));
    const source = await sftpSource({ afterImport: 'move' });
    const report = await syncSource(db, source.id, { retry: FAST_RETRY });
    expect(report.status).toBe('succeeded');
    expect(report.files).toMatchObject([
      { name: 'budget-long-basic.csv', status: 'imported', movedTo: 'archive/budget-long-basic.csv' },
      { name: 'payroll-jan.csv', status: 'rejected', movedTo: 'rejected/payroll-jan.csv' },
    ]);
    expect(existsSync(join(sshd.dir, 'archive', 'budget-long-basic.csv'))).toBe(true);
    expect(existsSync(join(sshd.dir, 'rejected', 'payroll-jan.csv'))).toBe(true);
    expect((await history(db, source.id)).map((h) => [h.file_name, h.status, h.source])).toEqual([
      ['budget-long-basic.csv', 'succeeded', 'sftp'],
      ['payroll-jan.csv', 'rejected', 'sftp'],
    ]);
    expect((await syncSource(db, source.id, { retry: FAST_RETRY })).files).toEqual([]);
  });

  it('refuses a server whose host key is not the pinned one, and says so', async () => {
    const source = await sftpSource({ hostKeyFingerprint: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
    const report = await syncSource(db, source.id, { retry: FAST_RETRY });
    expect(report.status).toBe('failed');
    expect(report.reason).toMatch(/Refusing to connect/);
    expect(report.reason).toContain(sshd.hostKeyFingerprint);
  });

  it('records a failed run for wrong credentials without retrying them', async () => {
    const { execFileSync } = await import('node:child_process');
    const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
    const tmp = mkdtempSync('/var/tmp/bs-key-');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(tmp, 'k')]);
    const source = await sftpSource({ privateKey: readFileSync(join(tmp, 'k'), 'utf8') });
    rmSync(tmp, { recursive: true, force: true });
    const retries: number[] = [];
    const report = await syncSource(db, source.id, {
      retry: FAST_RETRY,
      onEvent: (e) => void (e.type === 'retry' && retries.push(e.retry)),
    });
    expect(report.status).toBe('failed');
    expect(report.reason).toMatch(/refused the credentials/);
    expect(retries).toEqual([]);
  });

  it('retries a download cut by sshd stopping, on a fresh connection, and imports the whole file once', async () => {
    putSftpFile('large.csv', bigBudget(60_000, 'Large'));
    const source = await sftpSource({ glob: 'large.csv' });
    let cut = false;
    const events: string[] = [];
    const report = await syncSource(db, source.id, {
      retry: FAST_RETRY,
      onEvent: async (e) => {
        if (e.type === 'retry') events.push(`retry: ${e.reason}`);
        if (e.type === 'download' && !cut && e.transferred > 0 && e.transferred < e.total) {
          cut = true;
          await sshd.stop();
          // Back after a moment: the first retry may still find it down.
          setTimeout(() => void sshd.start(), 200);
        }
      },
    });
    expect(cut).toBe(true);
    expect(events.length).toBeGreaterThan(0);
    expect(report.files).toMatchObject([{ name: 'large.csv', status: 'imported' }]);
    const h = await history(db, source.id);
    expect(h).toHaveLength(1);
    expect(h[0]?.inserted).toBe(60_000);
  });

  it('records a failed run when the server cannot be reached, after retrying', async () => {
    await sshd.stop();
    try {
      const source = await sftpSource();
      const retries: number[] = [];
      const report = await syncSource(db, source.id, {
        retry: { attempts: 3, baseMs: 50, maxMs: 100 },
        onEvent: (e) => void (e.type === 'retry' && retries.push(e.retry)),
      });
      expect(report.status).toBe('failed');
      expect(report.reason).toMatch(/Could not connect to 127\.0\.0\.1:\d+: check the host, the port/);
      expect(report.reason).not.toMatch(/ECONNREFUSED/);
      expect(retries).toEqual([1, 2]);
    } finally {
      await sshd.start();
    }
  });
});

describe('s3 source', () => {
  it('imports new objects, skips unchanged ones, re-imports a changed one, and moves a refused one to rejected/', async () => {
    const client = new S3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    const put = (key: string, body: string | Buffer) => client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: body }));
    await put('incoming/budget.csv', bigBudget(30, 'S3 Dept'));
    await put('incoming/payroll-jan.csv', corpus('payroll-jan.csv'));
    await put('incoming/notes.txt', 'not a budget');
    await put('elsewhere/other.csv', bigBudget(3, 'Elsewhere'));
    const source = await createSource(db.pool, {
      orgId,
      type: 's3',
      config: {
        bucket: s3.bucket,
        prefix: 'incoming',
        region: s3.region,
        endpoint: s3.endpoint,
        accessKeyId: s3.accessKeyId,
        glob: '*.csv',
      },
      secrets: { secretAccessKey: s3.secretAccessKey },
      afterImport: 'move',
    });
    const first = await syncSource(db, source.id, { retry: FAST_RETRY });
    expect(first.files).toMatchObject([
      { name: 'budget.csv', status: 'imported', movedTo: 'archive/budget.csv' },
      { name: 'payroll-jan.csv', status: 'rejected', movedTo: 'rejected/payroll-jan.csv' },
    ]);
    const keys = (await client.send(new ListObjectsV2Command({ Bucket: s3.bucket }))).Contents?.map((o) => o.Key).sort();
    expect(keys).toEqual(['elsewhere/other.csv', 'incoming/archive/budget.csv', 'incoming/notes.txt', 'incoming/rejected/payroll-jan.csv']);

    // The same file dropped again (same size and ETag): skipped; a changed one is imported.
    await put('incoming/budget.csv', bigBudget(30, 'S3 Dept'));
    const again = await syncSource(db, source.id, { retry: FAST_RETRY });
    expect(again.files).toMatchObject([{ name: 'budget.csv', status: 'skipped', reason: expect.stringMatching(/unchanged/) }]);
    await put('incoming/budget.csv', bigBudget(30, 'S3 Dept', 250));
    const changed = await syncSource(db, source.id, { retry: FAST_RETRY });
    expect(changed.files).toMatchObject([{ name: 'budget.csv', status: 'imported' }]);
    expect((await history(db, source.id)).map((h) => h.status)).toEqual(['succeeded', 'rejected', 'succeeded']);
    expect(await lineCount(db, orgId)).toBeGreaterThan(0);
    client.destroy();
  });

  it('records a failed run for credentials the store does not know', async () => {
    const source = await createSource(db.pool, {
      orgId,
      type: 's3',
      config: { bucket: s3.bucket, region: s3.region, endpoint: s3.endpoint, accessKeyId: 'NOT-A-KEY' },
      secrets: { secretAccessKey: 'wrong-secret' },
    });
    const report = await syncSource(db, source.id, { retry: FAST_RETRY });
    expect(report.status).toBe('failed');
    expect(report.reason).toMatch(/refused the credentials/);
  });
});

describe("sources on the server's own network", () => {
  /** Runs `fn` with the operator's switch off, as on a server that did not set it. */
  async function switchOff<T>(fn: () => Promise<T>): Promise<T> {
    delete process.env.BUDGET_SYNC_ALLOW_PRIVATE_NETWORKS;
    try {
      return await fn();
    } finally {
      process.env.BUDGET_SYNC_ALLOW_PRIVATE_NETWORKS = '1';
    }
  }

  function s3Source(endpoint: string) {
    return createSource(db.pool, {
      orgId,
      type: 's3',
      config: { bucket: s3.bucket, region: s3.region, endpoint, accessKeyId: s3.accessKeyId, glob: '*.csv' },
      secrets: { secretAccessKey: s3.secretAccessKey },
    });
  }

  it('refuses at connect time a stored SFTP host or S3 endpoint that is (or now resolves to) a private address, without retrying', async () => {
    putSftpFile('never-read.csv', bigBudget(3, 'Never'));
    // Stored while the operator allowed private networks: by address and by a name that resolves to this machine.
    const sources = [
      await sftpSource(),
      await createSource(db.pool, {
        orgId,
        type: 'sftp',
        config: { host: hostname(), port: sshd.port, username: sshd.username, hostKeyFingerprint: sshd.hostKeyFingerprint },
        secrets: { privateKey: sshd.clientKey },
      }),
      await s3Source(s3.endpoint),
      await s3Source(s3.endpoint.replace('127.0.0.1', hostname())),
    ];
    for (const source of sources) {
      const retries: number[] = [];
      const report = await switchOff(() =>
        syncSource(db, source.id, { retry: FAST_RETRY, onEvent: (e) => void (e.type === 'retry' && retries.push(e.retry)) }),
      );
      expect(report.status, source.name).toBe('failed');
      expect(report.reason, source.name).toMatch(/does not connect to/);
      expect(report.reason, source.name).toMatch(/BUDGET_SYNC_ALLOW_PRIVATE_NETWORKS=1/);
      expect(report.files).toEqual([]);
      expect(retries).toEqual([]);
    }
    // With the switch on, the same source reads.
    expect((await syncSource(db, (sources[0] as { id: string }).id, { retry: FAST_RETRY })).status).toBe('succeeded');
  });

  it('checks the address a connection really uses: a name resolving to loopback is refused inside the lookup', async () => {
    const refused = await switchOff(
      () =>
        new Promise<unknown>((resolve) => {
          const req = httpGet({ host: hostname(), port: s3.endpoint.split(':').pop(), path: '/', lookup: checkedLookup }, () =>
            resolve(null),
          );
          req.on('error', resolve);
        }),
    );
    expect(refused).toMatchObject({ code: 'BUDGET_SYNC_ADDRESS_REFUSED' });
  });

  it("checks again on the S3 client's own connections: a name allowed when the source opened is refused when it connects", async () => {
    const source = await s3Source(s3.endpoint.replace('127.0.0.1', hostname()));
    const connector = await openConnector(source, { secretAccessKey: s3.secretAccessKey });
    try {
      // With the switch on, the SDK connects by the name (through checkedLookup) and lists.
      expect(Array.isArray(await connector.list())).toBe(true);
      const fresh = await openConnector(source, { secretAccessKey: s3.secretAccessKey });
      try {
        // Opened while allowed; its first connection is made after the switch is off.
        const refused = await switchOff(() =>
          fresh.list().then(
            () => null,
            (e: unknown) => e,
          ),
        );
        expect(refused).toMatchObject({ code: 'source.address_refused' });
      } finally {
        await fresh.close();
      }
    } finally {
      await connector.close();
    }
  });

  it('tells the tenant one sentence whatever the port answers (closed, another protocol), and the operator the details', async () => {
    const closed = await freePort();
    const cases = [
      // S3 to a closed port (ECONNREFUSED) and to sshd (not HTTP: a hang-up or a parse error).
      await s3Source(`http://127.0.0.1:${closed}`),
      await s3Source(`http://127.0.0.1:${sshd.port}`),
      // SFTP to a closed port and to s3rver (HTTP, not SSH).
      await createSource(db.pool, {
        orgId,
        type: 'sftp',
        config: { host: '127.0.0.1', port: closed, username: 'u', hostKeyFingerprint: sshd.hostKeyFingerprint },
        secrets: { password: 'p' },
      }),
      await createSource(db.pool, {
        orgId,
        type: 'sftp',
        config: {
          host: '127.0.0.1',
          port: Number(s3.endpoint.split(':').pop()),
          username: 'u',
          hostKeyFingerprint: sshd.hostKeyFingerprint,
        },
        secrets: { password: 'p' },
      }),
    ];
    const reasons: string[] = [];
    const log: string[] = [];
    for (const source of cases) {
      const report = await syncSource(db, source.id, {
        retry: { attempts: 1, baseMs: 10, maxMs: 10 },
        readyTimeoutMs: 3000,
        log: (line) => log.push(line),
      });
      expect(report.status).toBe('failed');
      reasons.push((report.reason ?? '').replace(/:\d+/g, ':PORT'));
    }
    expect(new Set(reasons.slice(0, 2)).size).toBe(1);
    expect(new Set(reasons.slice(2)).size).toBe(1);
    for (const r of reasons) {
      expect(r).toMatch(/^Could not connect to .*: check the host, the port and that it accepts connections from Budget Sync\.$/);
      expect(r).not.toMatch(/ECONNREFUSED|hang up|reset|XML|pars|protocol|handshake|timed out/i);
    }
    // The operator's log has what the clients said, without secrets.
    expect(log.some((l) => /ECONNREFUSED/.test(l))).toBe(true);
    expect(log.join('\n')).not.toContain(s3.secretAccessKey);
  });
});
