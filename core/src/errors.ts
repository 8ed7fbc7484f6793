/**
 * Errors that stop an analysis before it starts: the input cannot be read at all.
 * Everything the analysis can still say something about is an `Issue` instead (see issues.ts).
 * Each carries a stable `code`, the file, and where known the 1-based row and column, and a message a
 * finance person can act on.
 */
export type FileErrorCode =
  | 'file.empty'
  | 'file.unreadable'
  | 'file.unsupported'
  | 'file.too_large'
  | 'file.zip_bomb'
  | 'file.encrypted'
  | 'file.too_many_columns'
  | 'file.line_too_long'
  | 'file.too_many_rows'
  | 'file.no_sheets'
  /** Reading and analysing it took more time or memory than one file may (the server's analysis pool). */
  | 'file.too_complex'
  | 'sheet.not_found';

export class FileReadError extends Error {
  readonly code: FileErrorCode;
  readonly file: string;
  readonly row: number | null;
  readonly column: number | null;

  constructor(code: FileErrorCode, file: string, message: string, where: { row?: number | null; column?: number | null } = {}) {
    super(message);
    this.name = 'FileReadError';
    this.code = code;
    this.file = file;
    this.row = where.row ?? null;
    this.column = where.column ?? null;
  }
}

export function isFileReadError(e: unknown): e is FileReadError {
  return e instanceof FileReadError;
}
