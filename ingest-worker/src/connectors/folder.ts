/**
 * A local (or mounted) folder as a source.
 *
 * An organization's folder (one made over the API) is resolved inside its own folder under
 * BUDGET_SYNC_FOLDER_ROOT before every operation (confinedFolder: realpath, then checked to be inside), so
 * a folder swapped for a symbolic link after it was configured is refused then, not followed. For every
 * source, operator's or not, only regular files are read: a listed symlink, FIFO or device is not a file
 * here; a file is opened with O_NOFOLLOW (and O_NONBLOCK, so a FIFO slipped in cannot hang the read),
 * checked to be a regular file on the opened descriptor (in an organization's folder, one without other
 * hard links), and, on Linux, checked through /proc/self/fd to be the file in the checked folder.
 * archive/ and rejected/ must be real folders of the checked folder.
 *
 * What is left: Node has no openat/renameat, so a folder swapped for a link in the instant between a
 * check and the rename into archive/ or rejected/ is not seen; run the worker as a user that can write
 * only below the folder root.
 */
import { constants, createWriteStream } from 'node:fs';
import { lstat, mkdir, open, readdir, readlink, realpath, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type FolderConfig, isDomainError } from '@budget-sync/db';
import { confinedFolder } from '@budget-sync/db/node';
import { SourceError } from '../errors.ts';
import { byName, globMatcher } from '../glob.ts';
import { type Connector, movedName, type ProgressListener, type RemoteFile } from './types.ts';

const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

function fsError(e: unknown, what: string): SourceError | unknown {
  if (isDomainError(e) && e.code === 'source.folder_refused') return new SourceError('source.folder_refused', e.message, { cause: e });
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new SourceError('source.location_missing', `${what} does not exist.`, { cause: e });
  if (code === 'EACCES' || code === 'EPERM')
    return new SourceError('source.permission_denied', `${what}: permission denied.`, { cause: e });
  return e;
}

function notRegular(name: string, what: string): SourceError {
  return new SourceError(
    'source.folder_refused',
    `${name} in ${what} is not a regular file (a symbolic link, FIFO or device); it is not read.`,
  );
}

/** Whether the opened descriptor is the file at `path` (not one reached through a folder swapped meanwhile). */
async function isOpenedAt(fd: number, path: string, st: { dev: number; ino: number }): Promise<boolean> {
  try {
    return (await readlink(`/proc/self/fd/${fd}`)) === path;
  } catch {
    // No /proc: the path must still name the very file that was opened.
    const now = await lstat(path).catch(() => null);
    return now !== null && now.dev === st.dev && now.ino === st.ino;
  }
}

export async function openFolder(config: FolderConfig, orgId: string): Promise<Connector> {
  const what = config.operatorPath ? `The folder ${config.directory}` : `The folder "${config.directory}" of the organization`;
  const matches = globMatcher(config.glob);
  /** The folder's real path, resolved and checked again for each operation. */
  const folder = async (): Promise<string> => {
    try {
      return config.operatorPath ? await realpath(config.directory) : await confinedFolder(orgId, config.directory);
    } catch (e) {
      throw fsError(e, what);
    }
  };
  await folder();

  const look = async (name: string): Promise<RemoteFile | null> => {
    try {
      const s = await lstat(join(await folder(), name));
      return s.isFile() ? { name, size: s.size, version: String(Math.trunc(s.mtimeMs)), modifiedMs: Math.trunc(s.mtimeMs) } : null;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  };

  return {
    describe: config.operatorPath ? `the folder ${config.directory}` : `the organization's folder "${config.directory}"`,
    atomicWrites: false,
    async list() {
      let entries: import('node:fs').Dirent[];
      try {
        entries = await readdir(await folder(), { withFileTypes: true });
      } catch (e) {
        throw fsError(e, what);
      }
      const files: RemoteFile[] = [];
      for (const entry of entries) {
        if (!entry.isFile() || !matches(entry.name)) continue;
        const file = await look(entry.name);
        if (file) files.push(file);
      }
      return byName(files);
    },
    stat: look,
    async download(file: RemoteFile, target: string, onProgress?: ProgressListener) {
      const path = join(await folder(), file.name);
      let handle: import('node:fs/promises').FileHandle;
      try {
        handle = await open(path, READ_FLAGS);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') {
          throw new SourceError('source.file_gone', `${file.name} disappeared from ${what.toLowerCase()} before it could be read.`, {
            cause: e,
          });
        }
        // O_NOFOLLOW on a symbolic link.
        if (code === 'ELOOP') throw notRegular(file.name, what.toLowerCase());
        throw fsError(e, what);
      }
      try {
        const st = await handle.stat();
        if (!st.isFile()) throw notRegular(file.name, what.toLowerCase());
        // A hard link is another name of a file that may live anywhere on the same disk (another org's).
        if (!config.operatorPath && st.nlink > 1) {
          throw new SourceError(
            'source.folder_refused',
            `${file.name} in ${what.toLowerCase()} has other hard links, so it may be another file of the server; it is not read. Copy the file in instead of linking it.`,
          );
        }
        if (!(await isOpenedAt(handle.fd, path, st))) {
          throw new SourceError(
            'source.folder_refused',
            `${what} changed while ${file.name} was opened (a folder replaced by a link?); it is not read.`,
          );
        }
        let done = 0;
        const count = new Transform({
          transform(chunk: Buffer, _enc, callback) {
            done += chunk.length;
            onProgress?.(done, file.size);
            callback(null, chunk);
          },
        });
        await pipeline(handle.createReadStream({ autoClose: false }), count, createWriteStream(target));
      } finally {
        await handle.close();
      }
    },
    async moveTo(file: RemoteFile, into: string) {
      const dir = await folder();
      const aside = join(dir, into);
      const kind = await lstat(aside).catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') return null;
        throw e;
      });
      if (kind === null) await mkdir(aside).catch((e: NodeJS.ErrnoException) => (e.code === 'EEXIST' ? undefined : Promise.reject(e)));
      else if (!kind.isDirectory())
        throw new SourceError(
          'source.folder_refused',
          `${into}/ in ${what.toLowerCase()} is not a folder (a link?); files are not moved into it.`,
        );
      if ((await realpath(aside)) !== aside)
        throw new SourceError('source.folder_refused', `${into}/ in ${what.toLowerCase()} leads elsewhere; files are not moved into it.`);
      const from = join(dir, file.name);
      if (!(await lstat(from)).isFile()) throw notRegular(file.name, what.toLowerCase());
      const taken = await lstat(join(aside, file.name)).then(
        () => true,
        () => false,
      );
      const name = movedName(file.name, taken);
      await rename(from, join(aside, name));
      return `${into}/${name}`;
    },
    async close() {},
  };
}
