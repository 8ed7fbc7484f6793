/** A local (or mounted) folder as a source. */
import { createReadStream, createWriteStream } from 'node:fs';
import { access, mkdir, readdir, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FolderConfig } from '@budget-sync/db';
import { SourceError } from '../errors.ts';
import { byName, globMatcher } from '../glob.ts';
import { type Connector, movedName, type ProgressListener, type RemoteFile } from './types.ts';

function fsError(e: unknown, what: string): SourceError | unknown {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new SourceError('source.location_missing', `${what} does not exist.`, { cause: e });
  if (code === 'EACCES' || code === 'EPERM')
    return new SourceError('source.permission_denied', `${what}: permission denied.`, { cause: e });
  return e;
}

export async function openFolder(config: FolderConfig): Promise<Connector> {
  const dir = config.directory;
  const matches = globMatcher(config.glob);
  try {
    await access(dir);
  } catch (e) {
    throw fsError(e, `The folder ${dir}`);
  }

  const look = async (name: string): Promise<RemoteFile | null> => {
    try {
      const s = await stat(join(dir, name));
      return s.isFile() ? { name, size: s.size, version: String(Math.trunc(s.mtimeMs)), modifiedMs: Math.trunc(s.mtimeMs) } : null;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  };

  return {
    describe: `the folder ${dir}`,
    atomicWrites: false,
    async list() {
      let entries: import('node:fs').Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (e) {
        throw fsError(e, `The folder ${dir}`);
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
      let done = 0;
      const count = new Transform({
        transform(chunk: Buffer, _enc, callback) {
          done += chunk.length;
          onProgress?.(done, file.size);
          callback(null, chunk);
        },
      });
      try {
        await pipeline(createReadStream(join(dir, file.name)), count, createWriteStream(target));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
          throw new SourceError('source.file_gone', `${file.name} disappeared from ${dir} before it could be read.`, { cause: e });
        }
        throw e;
      }
    },
    async moveTo(file: RemoteFile, folder: string) {
      const into = join(dir, folder);
      await mkdir(into, { recursive: true });
      const taken = await access(join(into, file.name)).then(
        () => true,
        () => false,
      );
      const name = movedName(file.name, taken);
      await rename(join(dir, file.name), join(into, name));
      return `${folder}/${name}`;
    },
    async close() {},
  };
}
