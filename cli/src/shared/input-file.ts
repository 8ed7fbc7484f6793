/**
 * Reading the file a command was given (analyze, import) into bytes, and reporting a file that cannot be
 * read the way `analyze` always has: `{file, error: {code, message, row, column}}` on stdout with --json,
 * the message on stderr, exit 2.
 */
import { readFile, stat } from 'node:fs/promises';
import { FileReadError } from '@budget-sync/core';

/** The whole file as bytes; a FileReadError (file.unreadable) saying why when it cannot be read. */
export async function readInputFile(path: string, file: string): Promise<Uint8Array> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new FileReadError('file.unreadable', file, `${path} is a folder, not a file.`);
    const buffer = await readFile(path);
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength); // a view, not a copy
  } catch (e) {
    if (e instanceof FileReadError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'there is no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new FileReadError('file.unreadable', file, `cannot read ${path}: ${why}.`);
  }
}

/** Prints a problem with the input file (or a flag about it); returns exit code 2. */
export function printFileError(
  json: boolean | undefined,
  file: string,
  code: string,
  message: string,
  where: { row?: number | null; column?: number | null } = {},
): number {
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ file, error: { code, message, row: where.row ?? null, column: where.column ?? null } }, null, 2)}\n`,
    );
  }
  process.stderr.write(`budget-sync: ${message}\n`);
  return 2;
}
