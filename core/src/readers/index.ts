/**
 * `@budget-sync/core/readers`: bytes or Google Sheets values → the Workbook model (core/src/workbook.ts).
 * Pure: no file system, no network, no Node built-ins; runs in Node, Cloudflare Workers and browsers.
 * Input that cannot be read throws a FileReadError (core/src/errors.ts) whose message names the file.
 */
import type { Workbook, WorkbookFormat } from '../workbook.ts';
import { markupKind, readCsv } from './csv.ts';
import { decodeText, looksBinary } from './decode.ts';
import { type ReadOptions, SUPPORTED, extensionOf, fail, formatSize, quoted, resolveLimits } from './options.ts';
import { sniffDelimiter } from './text-shape.ts';
import { isCfb, readExcel } from './xlsx.ts';
import { isZip, listZipNames } from './zip-guard.ts';

export { FileReadError, isFileReadError, type FileErrorCode } from '../errors.ts';
export { DEFAULT_LIMITS, type ReadOptions } from './options.ts';
export { workbookFromSheetValues, type SheetValuesInput } from './sheet-values.ts';
export { SHEETJS_READ_OPTIONS } from './xlsx.ts';

/** Binary formats people upload by mistake, named so the message can say what the file is. */
const OTHER_FORMATS: readonly { magic: readonly number[]; what: string }[] = [
  { magic: [0x25, 0x50, 0x44, 0x46], what: 'a PDF document' },
  { magic: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image' },
  { magic: [0xff, 0xd8, 0xff], what: 'a JPEG image' },
  { magic: [0x47, 0x49, 0x46, 0x38], what: 'a GIF image' },
  { magic: [0x1f, 0x8b], what: 'a gzip archive' },
  { magic: [0x37, 0x7a, 0xbc, 0xaf], what: 'a 7-Zip archive' },
  { magic: [0x52, 0x61, 0x72, 0x21], what: 'a RAR archive' },
];

const startsWith = (bytes: Uint8Array, magic: readonly number[]): boolean => magic.every((b, i) => bytes[i] === b);

const EXCEL_EXTENSIONS = new Set(['xlsx', 'xlsm', 'xlsb', 'xls']);

/**
 * Reads a spreadsheet file. The format comes from the content (zip → xlsx/xlsm, OLE → xls, otherwise
 * CSV/TSV text); the file name only names the sheet of a CSV, hints a tab delimiter (.tsv) and explains
 * a mismatch in `notes`.
 */
export function readWorkbook(bytes: Uint8Array, fileName: string, options?: ReadOptions): Workbook {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('readWorkbook expects the file content as a Uint8Array');
  const limits = resolveLimits(options);
  if (bytes.length === 0) fail('file.empty', fileName, `${quoted(fileName)} is empty (0 bytes).`);
  if (bytes.length > limits.maxBytes) {
    fail('file.too_large', fileName, `${quoted(fileName)} is ${formatSize(bytes.length)}; the limit is ${formatSize(limits.maxBytes)}.`);
  }
  const ext = extensionOf(fileName);
  const notes: string[] = [];
  if (isZip(bytes) || isCfb(bytes)) {
    const container = isZip(bytes) ? 'zip' : 'cfb';
    if (ext !== '' && !EXCEL_EXTENSIONS.has(ext)) notes.push(`The file is named .${ext} but is an Excel workbook; read it as one.`);
    return readExcel(bytes, fileName, container, limits, notes);
  }
  const other = OTHER_FORMATS.find((f) => startsWith(bytes, f.magic));
  if (other) fail('file.unsupported', fileName, `${quoted(fileName)} is ${other.what}, not a spreadsheet. ${SUPPORTED}`);
  if (EXCEL_EXTENSIONS.has(ext)) notes.push(`The file is named .${ext} but contains text; read it as CSV.`);
  return readCsv(bytes, fileName, limits, notes);
}

const SNIFF_BYTES = 64 * 1024;

/**
 * The format `readWorkbook` would read the bytes as, from their content (a quick look at the first 64 KB;
 * no limits are checked), or `null` when they are not a spreadsheet at all.
 */
export function sniffFormat(bytes: Uint8Array, fileName: string): WorkbookFormat | null {
  if (bytes.length === 0) return null;
  if (isZip(bytes)) {
    const names = listZipNames(bytes);
    // An unreadable directory is still reported as xlsx: reading it explains what is wrong.
    return names === null || names.some((n) => n.replace(/^\//, '').toLowerCase().startsWith('xl/')) ? 'xlsx' : null;
  }
  if (isCfb(bytes)) return 'xls';
  if (OTHER_FORMATS.some((f) => startsWith(bytes, f.magic))) return null;
  const { text } = decodeText(bytes.subarray(0, SNIFF_BYTES), bytes.length > SNIFF_BYTES);
  if (text.trim() === '' || looksBinary(text) || markupKind(text)) return null;
  const ext = extensionOf(fileName);
  const hint = ext === 'tsv' || ext === 'tab' ? '\t' : null;
  return (sniffDelimiter(text, hint) ?? hint) === '\t' ? 'tsv' : 'csv';
}
