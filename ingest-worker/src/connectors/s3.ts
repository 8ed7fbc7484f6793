/**
 * An S3 bucket (or an S3-compatible store) as a source: the objects directly under the prefix whose
 * names match the glob. Objects appear whole, so no stability wait is needed; the ETag is the version.
 *
 * Every connection the SDK opens resolves its host through checkedLookup, so the address checked (no
 * loopback, private, link-local or metadata address unless the operator allows them) is the address
 * connected to; a literal address in the endpoint, which needs no lookup, is checked before the first.
 */
import { createWriteStream } from 'node:fs';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import type { S3Config, S3Secrets } from '@budget-sync/db';
import { checkedLookup, publicAddresses } from '@budget-sync/db/node';
import { cannotConnect, networkError, SourceError } from '../errors.ts';
import { byName, globMatcher } from '../glob.ts';
import { type Connector, movedName, type ProgressListener, type RemoteFile } from './types.ts';

/** `established`: the store has answered as S3 on this connector before. */
function s3Error(e: unknown, config: S3Config, established: boolean): SourceError {
  const where = `s3://${config.bucket}/${config.prefix}${config.endpoint ? ` at ${config.endpoint}` : ''}`;
  if (e instanceof S3ServiceException) {
    const name = e.name;
    if (name === 'NoSuchBucket')
      return new SourceError('source.location_missing', `The bucket ${config.bucket} does not exist.`, { cause: e });
    if (['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'AuthorizationHeaderMalformed', 'ExpiredToken'].includes(name)) {
      return new SourceError('source.auth_failed', `${where} refused the credentials of access key ${config.accessKeyId} (${name}).`, {
        cause: e,
      });
    }
    if (name === 'AccessDenied' || e.$metadata.httpStatusCode === 403) {
      return new SourceError('source.permission_denied', `${where}: access denied to access key ${config.accessKeyId}.`, { cause: e });
    }
    if ((e.$metadata.httpStatusCode ?? 0) >= 500 || name === 'SlowDown') {
      return new SourceError('source.server_error', `${where} answered with a server error (${name}); the next run tries again.`, {
        cause: e,
        detail: e.message,
      });
    }
  }
  return (
    networkError(e, where, established) ??
    (established
      ? new SourceError('source.server_error', `${where} gave an answer Budget Sync does not understand.`, { cause: e, detail: String(e) })
      : cannotConnect(where, e))
  );
}

function isMissing(e: unknown): boolean {
  return e instanceof S3ServiceException && (e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata.httpStatusCode === 404);
}

export interface S3Options {
  /** Attempts the SDK itself makes per request (default 1: the sync's own retries decide). */
  maxAttempts?: number;
}

export async function openS3(config: S3Config, secrets: S3Secrets, options: S3Options = {}): Promise<Connector> {
  let established = false;
  if (config.endpoint) {
    try {
      await publicAddresses(new URL(config.endpoint).hostname);
    } catch (e) {
      throw s3Error(e, config, established);
    }
  }
  const client = new S3Client({
    region: config.region,
    requestHandler: {
      httpAgent: new HttpAgent({ keepAlive: true, lookup: checkedLookup }),
      httpsAgent: new HttpsAgent({ keepAlive: true, lookup: checkedLookup }),
    },
    ...(config.endpoint ? { endpoint: config.endpoint, forcePathStyle: true } : {}),
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: secrets.secretAccessKey ?? '' },
    // Checksums only where S3 demands them: S3-compatible stores mangle streamed aws-chunked bodies (DESIGN §4).
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: options.maxAttempts ?? 1,
  });
  const matches = globMatcher(config.glob);
  const keyOf = (name: string) => `${config.prefix}${name}`;
  const encodeKey = (key: string) => key.split('/').map(encodeURIComponent).join('/');

  const look = async (name: string): Promise<RemoteFile | null> => {
    try {
      const h = await client.send(new HeadObjectCommand({ Bucket: config.bucket, Key: keyOf(name) }));
      established = true;
      const modifiedMs = h.LastModified?.getTime() ?? 0;
      return { name, size: h.ContentLength ?? 0, version: h.ETag ?? String(modifiedMs), modifiedMs };
    } catch (e) {
      if (isMissing(e)) return null;
      throw s3Error(e, config, established);
    }
  };

  return {
    describe: `s3://${config.bucket}/${config.prefix}`,
    atomicWrites: true,
    async list() {
      const files: RemoteFile[] = [];
      let token: string | undefined;
      try {
        do {
          const page = await client.send(
            new ListObjectsV2Command({ Bucket: config.bucket, Prefix: config.prefix, Delimiter: '/', ContinuationToken: token }),
          );
          established = true;
          for (const o of page.Contents ?? []) {
            const name = (o.Key ?? '').slice(config.prefix.length);
            if (!name || !matches(name)) continue;
            const modifiedMs = o.LastModified?.getTime() ?? 0;
            files.push({ name, size: o.Size ?? 0, version: o.ETag ?? String(modifiedMs), modifiedMs });
          }
          token = page.IsTruncated ? page.NextContinuationToken : undefined;
        } while (token);
      } catch (e) {
        throw s3Error(e, config, established);
      }
      return byName(files);
    },
    stat: look,
    async download(file: RemoteFile, target: string, onProgress?: ProgressListener) {
      let done = 0;
      try {
        const got = await client.send(new GetObjectCommand({ Bucket: config.bucket, Key: keyOf(file.name) }));
        if (got.ETag && got.ETag !== file.version) {
          (got.Body as Readable | undefined)?.destroy();
          // Replaced since it was listed: this version is gone; the next run takes the new one.
          throw new SourceError(
            'source.file_gone',
            `${file.name} was replaced while it was being read; the next run takes the new version.`,
          );
        }
        const count = new Transform({
          transform(chunk: Buffer, _enc, callback) {
            done += chunk.length;
            onProgress?.(done, file.size);
            callback(null, chunk);
          },
        });
        await pipeline(got.Body as Readable, count, createWriteStream(target));
      } catch (e) {
        if (e instanceof SourceError) throw e;
        if (isMissing(e)) {
          throw new SourceError(
            'source.file_gone',
            `${file.name} disappeared from s3://${config.bucket}/${config.prefix} before it could be read.`,
            {
              cause: e,
            },
          );
        }
        throw s3Error(e, config, established);
      }
      if (done !== file.size) {
        throw new SourceError('source.transfer_failed', `The download of ${file.name} stopped at ${done} of ${file.size} bytes.`);
      }
    },
    async moveTo(file: RemoteFile, folder: string) {
      const taken = (await look(`${folder}/${file.name}`)) !== null;
      const name = movedName(file.name, taken);
      const to = keyOf(`${folder}/${name}`);
      try {
        await client.send(
          new CopyObjectCommand({ Bucket: config.bucket, Key: to, CopySource: `${config.bucket}/${encodeKey(keyOf(file.name))}` }),
        );
        await client.send(new DeleteObjectCommand({ Bucket: config.bucket, Key: keyOf(file.name) }));
      } catch (e) {
        throw s3Error(e, config, established);
      }
      return `${folder}/${name}`;
    },
    async close() {
      client.destroy();
    },
  };
}
