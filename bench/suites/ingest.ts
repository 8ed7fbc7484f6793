/**
 * Ingest end to end: a generated 1M-row CSV (≈70 MB) synced from SFTP (a private sshd, as the tests run
 * it) and from S3 (s3rver) through the real sync path — download, hash, analyse, one import transaction —
 * each in a child process of its own (ingest-child.ts) so that its peak RSS is that run's alone, into a
 * fresh org each time. The baseline, timed in the same run: a raw `COPY FROM STDIN` of the same rows into
 * budget_lines. Every run starts from the same state: empty line tables (TRUNCATE) and a fresh checkpoint,
 * so that none of them writes into indexes already holding millions of rows, or pays for a checkpoint the
 * others did not (the runs used to go one after the other into one growing table: the raw COPY into an
 * empty one, the S3 import into one of 2M rows). Needs root and openssh-server for sshd
 * (scripts/ensure-sshd.sh installs it).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createOrganization, createSource, type Database } from '@budget-sync/db';
import { openDatabase } from '@budget-sync/db/node';
import { uuidv7 } from '../../db/src/ids.ts';
import { startS3rver } from '../../test/support/s3rver.ts';
import { startSshd } from '../../test/support/sshd.ts';
import { budgetCsv, budgetRows } from './generate.ts';
import { benchDatabase } from './import.ts';
import { rawCopy } from './raw-copy.ts';
import { type Metric, round, type Suite } from './types.ts';

const ROWS = 1_000_000;
const FILE = 'budget-1m.csv';
const outDir = fileURLToPath(new URL('../out/', import.meta.url));

interface ChildResult {
  ms: number;
  downloadMs: number;
  importMs: number | null;
  inserted: number;
  status: string;
  reason: string | null;
  peakRssMb: number;
}

export const ingestSuite: Suite = async (log) => {
  mkdirSync(outDir, { recursive: true });
  const target = await benchDatabase(log);
  // The sources' credentials are sealed with this key here and opened with it in the children.
  const secretKey = randomBytes(32).toString('base64');
  process.env.BUDGET_SYNC_SECRET_KEY = secretKey;
  // sshd and s3rver listen on 127.0.0.1: the operator's switch lets the sources (and the children) reach them.
  process.env.BUDGET_SYNC_ALLOW_PRIVATE_NETWORKS = '1';
  log(`  generating a ${ROWS.toLocaleString('en')}-row CSV; starting sshd and s3rver`);
  const path = join(outDir, FILE);
  writeFileSync(path, budgetCsv(ROWS));
  const [sshd, s3] = await Promise.all([startSshd(), startS3rver()]);
  const db = await openDatabase({ url: target.url });
  try {
    const content = readFileSync(path);
    const remote = join(sshd.dir, FILE);
    writeFileSync(remote, content);
    chownSync(remote, sshd.uid, sshd.gid);
    const client = new S3Client({
      region: s3.region,
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: `incoming/${FILE}`, Body: content }));
    client.destroy();
    log(`  ${(content.byteLength / 1e6).toFixed(0)} MB on both servers`);

    const org = async (name: string) => (await createOrganization(db.pool, { name })).org.id;
    const common = { glob: FILE, stabilitySeconds: 0, acceptWarnings: true };
    const sftpSource = await createSource(db.pool, {
      orgId: await org('bench sftp'),
      type: 'sftp',
      config: {
        ...common,
        host: sshd.host,
        port: sshd.port,
        username: sshd.username,
        directory: '.',
        hostKeyFingerprint: sshd.hostKeyFingerprint,
      },
      secrets: { privateKey: sshd.clientKey },
    });
    const s3Source = await createSource(db.pool, {
      orgId: await org('bench s3'),
      type: 's3',
      config: { ...common, bucket: s3.bucket, prefix: 'incoming', endpoint: s3.endpoint, region: s3.region, accessKeyId: s3.accessKeyId },
      secrets: { secretAccessKey: s3.secretAccessKey },
    });

    await sameStart(db);
    const copyMs = await timed(() => copyGenerated(db, ROWS));
    log(`  raw COPY of ${ROWS.toLocaleString('en')} rows: ${copyMs.toFixed(0)} ms`);
    await sameStart(db);
    const sftp = childRun(target.url, sftpSource.id, 'sftp', log);
    await sameStart(db);
    const viaS3 = childRun(target.url, s3Source.id, 's3', log);

    const copyRate = ROWS / (copyMs / 1000);
    const rate = (r: ChildResult) => ROWS / (r.ms / 1000);
    const versusCopy = (name: string, r: ChildResult): Metric => ({
      name,
      value: Math.round(rate(r)),
      unit: 'rows/s',
      baseline: Math.round(copyRate),
      ratio: round(rate(r) / copyRate),
    });
    return [
      versusCopy('ingest.sftp1m.rows_per_s', sftp),
      versusCopy('ingest.s3_1m.rows_per_s', viaS3),
      { name: 'ingest.1m.peak_rss_mb', value: Math.round(Math.max(sftp.peakRssMb, viaS3.peakRssMb)), unit: 'MB' },
      { name: 'ingest.sftp1m.download_ms', value: Math.round(sftp.downloadMs), unit: 'ms' },
      { name: 'ingest.s3_1m.download_ms', value: Math.round(viaS3.downloadMs), unit: 'ms' },
      // applyImport's own time (lock, stored lines, plan, COPY, versions, history), the rest being analysis.
      {
        name: 'ingest.1m.import_ms',
        value: Math.round(Math.max(sftp.importMs ?? 0, viaS3.importMs ?? 0)),
        unit: 'ms',
        baseline: Math.round(copyMs),
      },
    ];
  } finally {
    await db.close();
    await Promise.all([sshd.dispose(), s3.stop()]);
    await target.drop();
  }
};

/** Empty line tables and a checkpoint: the state each timed run starts from. */
async function sameStart(db: Database): Promise<void> {
  // CASCADE reaches the tables that refer to lines (reservations, consumption, ledger): empty in this bench.
  await db.pool.query('TRUNCATE budget_lines, line_versions CASCADE');
  // A superuser's privilege; on a server where the bench user is not one, runs may meet checkpoints unevenly.
  await db.pool.query('CHECKPOINT').catch(() => {});
}

function childRun(url: string, sourceId: string, name: string, log: (s: string) => void): ChildResult {
  const script = fileURLToPath(new URL('./ingest-child.ts', import.meta.url));
  const out = execFileSync(process.execPath, [script, url, sourceId], { encoding: 'utf8', maxBuffer: 1 << 20, env: process.env });
  const r = JSON.parse(out) as ChildResult;
  if (r.status !== 'imported' || r.inserted !== ROWS)
    throw new Error(`${name} sync ended ${r.status} with ${r.inserted} lines: ${r.reason}`);
  log(
    `  ${name}: ${r.ms.toFixed(0)} ms end to end (download ${r.downloadMs.toFixed(0)} ms, import transaction ${r.importMs} ms), peak RSS ${r.peakRssMb.toFixed(0)} MB`,
  );
  return r;
}

/**
 * The baseline: the generated rows as budget lines, streamed by COPY into budget_lines (with its indexes),
 * nothing else; ids are UUIDv7 as the import's are, so both append to the primary key's right-hand end.
 */
async function copyGenerated(db: Database, rows: number): Promise<void> {
  const { org } = await createOrganization(db.pool, { name: 'bench copy' });
  await rawCopy(db, generatedCopyRows(org.id, rows));
}

function* generatedCopyRows(orgId: string, rows: number): Generator<string> {
  for (const [dept, cat, project, month, , amount, owner] of budgetRows(rows)) {
    const [y, m] = (month as string).split('-').map(Number) as [number, number];
    const end = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
    yield `${uuidv7()}\t${orgId}\t${dept}\t${cat}\t${project}\t${month}\t${month}-01\t${end}\t${y}\t${amount}\tUSD\t${owner}\t\\N\n`;
  }
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}
