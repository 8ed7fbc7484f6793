/** Limits every reader enforces, and the small helpers the readers share (messages, names). */
import { type FileErrorCode, FileReadError } from '../errors.ts';
import { withoutNul } from '../values/text.ts';

export interface ReadOptions {
  /** Largest input accepted, in bytes. Default 200 MiB. */
  maxBytes?: number;
  /** Most rows in one sheet. Default 2,000,000. */
  maxRows?: number;
  /** Most columns in one sheet (or fields in one CSV row). Default 1,000. */
  maxColumns?: number;
  /** Longest cell text. Default 32,767 (Excel's own limit). */
  maxCellChars?: number;
  /** Most bytes an xlsx may declare once unpacked (sum of its parts). Default 1 GiB. */
  maxUncompressedBytes?: number;
  /** Highest unpacked:packed ratio, for a part over 1 MiB and for the whole file. Default 200. */
  maxCompressionRatio?: number;
  /** Longest physical line of CSV text, in characters. Default 1 MiB. */
  maxLineChars?: number;
}

export type Limits = Required<ReadOptions>;

export const DEFAULT_LIMITS: Readonly<Limits> = {
  maxBytes: 200 * 1024 * 1024,
  maxRows: 2_000_000,
  maxColumns: 1_000,
  maxCellChars: 32_767,
  maxUncompressedBytes: 1024 * 1024 * 1024,
  maxCompressionRatio: 200,
  maxLineChars: 1024 * 1024,
};

export const SUPPORTED = 'Supported formats are Excel workbooks (.xlsx, .xlsm, .xls) and CSV or tab-separated text (.csv, .tsv, .txt).';

export function resolveLimits(options: ReadOptions | undefined): Limits {
  const limits: Limits = { ...DEFAULT_LIMITS };
  if (options === undefined) return limits;
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof Limits)[]) {
    const value = options[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !(value > 0)) {
      throw new TypeError(`ReadOptions.${key} must be a positive number, got ${String(value)}`);
    }
    limits[key] = value;
  }
  return limits;
}

/** Throws a FileReadError; the message always names the file. */
export function fail(
  code: FileErrorCode,
  fileName: string,
  message: string,
  where: { row?: number | null; column?: number | null } = {},
): never {
  throw new FileReadError(code, fileName, message, where);
}

/** `"budget.xlsx"` — the way messages name a file. */
export function quoted(fileName: string): string {
  return `"${withoutNul(baseName(fileName)) || 'the file'}"`;
}

export function baseName(fileName: string): string {
  const slash = Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\'));
  return fileName.slice(slash + 1);
}

/** Lower-case extension without the dot (`xlsx`), or `''`. */
export function extensionOf(fileName: string): string {
  const base = baseName(fileName);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

/** File name without directory and extension, for a CSV's single sheet. */
export function stem(fileName: string): string {
  const base = baseName(fileName);
  const dot = base.lastIndexOf('.');
  return (dot > 0 ? base.slice(0, dot) : base) || 'Sheet1';
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** `1.5 MB`, `200 KB`, `3 bytes` (decimal-free above 10). */
export function formatSize(bytes: number): string {
  const units: [number, string][] = [
    [1024 ** 3, 'GB'],
    [1024 ** 2, 'MB'],
    [1024, 'KB'],
  ];
  for (const [size, unit] of units) {
    if (bytes >= size) {
      const v = bytes / size;
      return `${v >= 10 ? formatCount(Math.round(v)) : v.toFixed(1).replace(/\.0$/, '')} ${unit}`;
    }
  }
  return `${bytes} bytes`;
}

/** Excel's column letters for a 0-based column: 0 → A, 16383 → XFD. */
export function columnLetters(col: number): string {
  let s = '';
  for (let n = col + 1; n > 0; n = Math.floor((n - 1) / 26)) {
    s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  }
  return s;
}
