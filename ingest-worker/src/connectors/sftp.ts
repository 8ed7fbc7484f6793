/**
 * An SFTP server as a source (ssh2-sftp-client). The server's host key is pinned: the connection is
 * refused unless the key's SHA-256 fingerprint is the one configured, and the refusal names the key the
 * server offered, so a person can check it and pin it.
 *
 * The host is resolved first and every address checked (no loopback, private, link-local or metadata
 * address unless the operator allows them); the connection goes to the checked address itself, so the
 * name cannot resolve elsewhere in between.
 */
import { stat as localStat } from 'node:fs/promises';
import { posix } from 'node:path';
import type { SftpConfig, SftpSecrets } from '@budget-sync/db';
import { publicAddresses } from '@budget-sync/db/node';
import SftpClient from 'ssh2-sftp-client';
import { cannotConnect, messageOf, networkError, SourceError } from '../errors.ts';
import { byName, globMatcher } from '../glob.ts';
import { hostKeyFingerprint } from './fingerprint.ts';
import { type Connector, movedName, type ProgressListener, type RemoteFile } from './types.ts';

export interface SftpOptions {
  /** How long to wait for the SSH handshake, ms (default 10 s). */
  readyTimeoutMs?: number;
}

/** `SHA256:<base64, no padding>`, as `ssh-keygen -l` prints it. */
interface HostKeyCheck {
  offered: string | null;
  refused: boolean;
}

function connectError(e: unknown, config: SftpConfig, check: HostKeyCheck): SourceError {
  const where = `${config.host}:${config.port}`;
  if (check.refused && check.offered) {
    if (!config.hostKeyFingerprint) {
      return new SourceError(
        'source.host_key_unknown',
        `No host key is pinned for ${where}, so Budget Sync will not connect. The server offered ${check.offered}: check it with the server's administrator, then set it with --host-key-fingerprint.`,
        { cause: e },
      );
    }
    return new SourceError(
      'source.host_key_mismatch',
      `Refusing to connect to ${where}: the server presented host key ${check.offered}, not the pinned ${config.hostKeyFingerprint}. Someone may be impersonating the server; if its key really changed, confirm the new one with its administrator and update the source.`,
      { cause: e },
    );
  }
  const message = messageOf(e);
  const code = (e as { code?: unknown }).code;
  if (code === 'ERR_BAD_AUTH' || /authentication methods failed|authentication failed/i.test(message)) {
    return new SourceError('source.auth_failed', `${where} refused the credentials of user ${config.username} (wrong password or key).`, {
      cause: e,
    });
  }
  if (/privateKey|private key|passphrase/i.test(message)) {
    return new SourceError('source.auth_failed', `The private key of the source cannot be used: ${message}.`, { cause: e });
  }
  return networkError(e, where) ?? cannotConnect(where, e);
}

/** Errors of an operation once connected: a missing path is reported by the caller (folder missing, file gone). */
function operationError(e: unknown, config: SftpConfig): SourceError | null {
  const message = messageOf(e);
  const code = (e as { code?: unknown }).code;
  if (code === 'ENOENT' || code === 'ERR_BAD_PATH' || /No such file/i.test(message)) return null;
  if (code === 'EACCES' || /Permission denied/i.test(message)) {
    return new SourceError('source.permission_denied', `SFTP ${config.host}: permission denied: ${message}.`, { cause: e });
  }
  return (
    networkError(e, `${config.host}:${config.port}`, true) ??
    new SourceError('source.server_error', `SFTP ${config.host}: ${message}.`, { cause: e })
  );
}

export async function openSftp(config: SftpConfig, secrets: SftpSecrets, options: SftpOptions = {}): Promise<Connector> {
  const client = new SftpClient('budget-sync');
  const check: HostKeyCheck = { offered: null, refused: false };
  let address: string;
  try {
    [{ address }] = await publicAddresses(config.host);
  } catch (e) {
    throw connectError(e, config, check);
  }
  try {
    await client.connect({
      host: address,
      port: config.port,
      username: config.username,
      ...(secrets.password !== undefined ? { password: secrets.password } : {}),
      ...(secrets.privateKey !== undefined ? { privateKey: secrets.privateKey } : {}),
      ...(secrets.passphrase !== undefined ? { passphrase: secrets.passphrase } : {}),
      readyTimeout: options.readyTimeoutMs ?? 10_000,
      hostVerifier: (key: Buffer) => {
        check.offered = hostKeyFingerprint(key);
        check.refused = check.offered !== config.hostKeyFingerprint;
        return !check.refused;
      },
    });
  } catch (e) {
    await client.end().catch(() => {});
    throw connectError(e, config, check);
  }

  const dir = config.directory;
  const pathOf = (name: string) => posix.join(dir, name);
  const matches = globMatcher(config.glob);

  const look = async (name: string): Promise<RemoteFile | null> => {
    try {
      const s = await client.stat(pathOf(name));
      return s.isFile ? { name, size: s.size, version: String(s.modifyTime), modifiedMs: s.modifyTime } : null;
    } catch (e) {
      const known = operationError(e, config);
      if (known) throw known;
      return null;
    }
  };

  return {
    describe: `sftp://${config.username}@${config.host}:${config.port}/${dir}`,
    atomicWrites: false,
    async list() {
      try {
        const entries = await client.list(dir);
        return byName(
          entries
            .filter((f) => f.type === '-' && matches(f.name))
            .map((f) => ({ name: f.name, size: f.size, version: String(f.modifyTime), modifiedMs: f.modifyTime })),
        );
      } catch (e) {
        throw (
          operationError(e, config) ??
          new SourceError('source.location_missing', `The directory ${dir} does not exist on ${config.host}.`, { cause: e })
        );
      }
    },
    stat: look,
    async download(file: RemoteFile, target: string, onProgress?: ProgressListener) {
      try {
        await client.fastGet(pathOf(file.name), target, {
          ...(onProgress ? { step: (done: number, _chunk: number, total: number) => onProgress(done, total) } : {}),
        });
      } catch (e) {
        throw (
          operationError(e, config) ??
          new SourceError('source.file_gone', `${file.name} disappeared from ${config.host}:${dir} before it could be read.`, { cause: e })
        );
      }
      // A transfer cut short must not pass for the file.
      const got = (await localStat(target)).size;
      if (got !== file.size) {
        throw new SourceError('source.transfer_failed', `The download of ${file.name} stopped at ${got} of ${file.size} bytes.`);
      }
    },
    async moveTo(file: RemoteFile, folder: string) {
      try {
        const into = pathOf(folder);
        if (!(await client.exists(into))) await client.mkdir(into, true);
        const taken = (await client.exists(posix.join(into, file.name))) !== false;
        const name = movedName(file.name, taken);
        await client.rename(pathOf(file.name), posix.join(into, name));
        return `${folder}/${name}`;
      } catch (e) {
        throw (
          operationError(e, config) ??
          new SourceError('source.file_gone', `${file.name} disappeared before it could be moved.`, { cause: e })
        );
      }
    },
    async close() {
      await client.end().catch(() => {});
    },
  };
}
