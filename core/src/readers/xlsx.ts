/**
 * Excel workbooks (xlsx/xlsm/xlsb in a zip, xls in an OLE container) through SheetJS, dense mode. Each sheet
 * converts SheetJS's rows to CellValue rows while it is scanned; merged ranges are applied per row from a
 * list of the merges active on that row, never by copying the sheet.
 */
import * as XLSX from '@e965/xlsx';
import type { CellValue, RowVisitor, SheetSource, Workbook } from '../workbook.ts';
import { FileReadError } from '../errors.ts';
import { type Limits, SUPPORTED, columnLetters, fail, formatCount, quoted } from './options.ts';
import { withoutNul } from '../values/text.ts';
import { checkZip } from './zip-guard.ts';

const DAY_MS = 86_400_000;

/** Excel's error codes, for error cells SheetJS left without formatted text. */
const ERROR_TEXT: ReadonlyMap<number, string> = new Map([
  [0x00, '#NULL!'],
  [0x07, '#DIV/0!'],
  [0x0f, '#VALUE!'],
  [0x17, '#REF!'],
  [0x1d, '#NAME?'],
  [0x24, '#NUM!'],
  [0x2a, '#N/A'],
  [0x2b, '#GETTING_DATA'],
]);

/** How SheetJS is asked to read: dense rows, typed dates, none of what the analysis never looks at. */
export const SHEETJS_READ_OPTIONS = {
  type: 'array',
  dense: true,
  cellDates: true,
  cellFormula: false,
  cellHTML: false,
  cellStyles: false,
  cellNF: false,
  sheetStubs: false,
  bookVBA: false,
} as const satisfies XLSX.ParsingOptions;

export function isCfb(bytes: Uint8Array): boolean {
  const magic = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
  return magic.every((b, i) => bytes[i] === b);
}

const encrypted = (fileName: string): FileReadError =>
  new FileReadError(
    'file.encrypted',
    fileName,
    `${quoted(fileName)} is password-protected. Remove the password (in Excel: File > Info > Protect Workbook > Encrypt with Password, clear it), save, and upload it again.`,
  );

export function readExcel(bytes: Uint8Array, fileName: string, container: 'zip' | 'cfb', limits: Limits, notes: string[] = []): Workbook {
  let input = bytes;
  if (container === 'zip') {
    const zip = checkZip(bytes, fileName, limits);
    const names = zip.names.map((n) => n.replace(/^\//, '').toLowerCase());
    if (!names.some((n) => n.startsWith('xl/'))) {
      const what =
        names.includes('mimetype') && names.includes('content.xml')
          ? 'an OpenDocument file (LibreOffice/OpenOffice), not an Excel workbook. Save it as .xlsx and upload that'
          : names.some((n) => n.startsWith('word/') || n.startsWith('ppt/'))
            ? 'a Word or PowerPoint document, not an Excel workbook'
            : 'a zip archive, not an Excel workbook';
      fail('file.unsupported', fileName, `${quoted(fileName)} is ${what}. ${SUPPORTED}`);
    }
    input = zip.bytes;
  } else if (hasEncryptedPackage(bytes)) {
    throw encrypted(fileName);
  }

  let wb: XLSX.WorkBook;
  try {
    wb = XLSX.read(input, { ...SHEETJS_READ_OPTIONS, sheetRows: limits.maxRows + 1 });
  } catch (e) {
    throw sheetJsFailure(e, fileName);
  }

  const sheets: SheetSource[] = [];
  wb.SheetNames.forEach((name, i) => {
    const ws = wb.Sheets[name];
    const data = ws?.['!data'];
    if (!ws || !data || ws['!type'] === 'chart') return;
    const hiddenFlag = wb.Workbook?.Sheets?.[i]?.Hidden ?? 0;
    sheets.push(new ExcelSheet(withoutNul(name), hiddenFlag !== 0, ws, data, fileName, limits));
  });
  if (sheets.length === 0) {
    fail('file.no_sheets', fileName, `${quoted(fileName)} contains no worksheets (only charts or nothing at all).`);
  }
  notes.push(container === 'zip' ? 'Read as an Excel workbook (.xlsx).' : 'Read as an Excel 97-2003 workbook (.xls).');
  return { fileName: withoutNul(fileName), format: container === 'zip' ? 'xlsx' : 'xls', sheets, notes };
}

function sheetJsFailure(e: unknown, fileName: string): FileReadError {
  if (e instanceof FileReadError) return e;
  const message = e instanceof Error ? e.message : String(e);
  let err: FileReadError;
  if (/password|encrypt/i.test(message)) {
    err = encrypted(fileName);
  } else {
    err = new FileReadError(
      'file.unreadable',
      fileName,
      `${quoted(fileName)} could not be read as an Excel workbook: it is damaged or not really an Excel file. Open it in Excel, save it again as .xlsx, and upload the new copy.`,
    );
  }
  Object.defineProperty(err, 'cause', { value: e, enumerable: false });
  return err;
}

interface CfbApi {
  read(data: Uint8Array, opts: { type: 'array' }): unknown;
  find(cfb: unknown, path: string): unknown;
}

/** `EncryptedPackage` as a UTF-16LE directory entry name. */
const ENCRYPTED_NAME = Array.from('EncryptedPackage', (ch) => [ch.charCodeAt(0), 0]).flat();

/**
 * An encrypted OOXML file is an OLE container holding an `EncryptedPackage` stream. A native byte search
 * for the stream's name finds candidates; only then is the container parsed to confirm.
 */
function hasEncryptedPackage(bytes: Uint8Array): boolean {
  let found = false;
  for (let i = bytes.indexOf(0x45); i >= 0 && !found; i = bytes.indexOf(0x45, i + 1)) {
    found = ENCRYPTED_NAME.every((b, k) => bytes[i + k] === b);
  }
  if (!found) return false;
  try {
    const cfb = XLSX.CFB as CfbApi;
    return Boolean(cfb.find(cfb.read(bytes, { type: 'array' }), 'EncryptedPackage'));
  } catch {
    return false;
  }
}

/** Excel has no dates before 1900: a SheetJS date earlier than that is a time of day without a date. */
const FIRST_EXCEL_DAY = Date.UTC(1900, 0, 1);

/**
 * Dates as the calendar day shown: UTC midnight of that day (a time of day is dropped, sub-second noise
 * rounded), so that the day is also the nearest UTC midnight. `null` for a time of day or an invalid date.
 */
function dayOf(date: Date): Date | null {
  const ms = date.getTime();
  if (!Number.isFinite(ms) || ms < FIRST_EXCEL_DAY) return null;
  return new Date(Math.floor((ms + 1000) / DAY_MS) * DAY_MS);
}

function toCellValue(cell: XLSX.CellObject | undefined): CellValue {
  if (!cell) return null;
  const v = cell.v;
  switch (cell.t) {
    case 'n':
      return typeof v === 'number' && Number.isFinite(v) ? v : null;
    case 'b':
      return typeof v === 'boolean' ? v : null;
    case 's':
      return typeof v === 'string' && v !== '' ? v : null;
    case 'd': {
      const date = v instanceof Date ? dayOf(v) : typeof v === 'string' || typeof v === 'number' ? dayOf(new Date(v)) : null;
      return date ?? cell.w ?? null;
    }
    case 'e':
      return cell.w || (typeof v === 'number' ? (ERROR_TEXT.get(v) ?? '#ERROR!') : '#ERROR!');
    default:
      return null;
  }
}

interface Merge {
  r0: number;
  r1: number;
  c0: number;
  c1: number;
}

class ExcelSheet implements SheetSource {
  readonly name: string;
  readonly hidden: boolean;
  readonly rowCount: number;
  readonly #data: XLSX.CellObject[][];
  /** Sorted by first row, clipped to the used range. */
  readonly #merges: Merge[];
  readonly #columns: number;

  constructor(name: string, hidden: boolean, ws: XLSX.WorkSheet, data: XLSX.CellObject[][], fileName: string, limits: Limits) {
    this.name = name;
    this.hidden = hidden;
    this.#data = data;
    // Used range from the cells themselves: a dense row's length is its last cell's column + 1, so this is
    // one look per row, whatever the sheet's declared dimension says.
    let rows = 0;
    let columns = 0;
    for (let r = 0; r < data.length; r++) {
      const row = data[r];
      if (!row || row.length === 0) continue;
      let last = row.length - 1;
      while (last >= 0 && toCellValue(row[last]) === null) last--;
      if (last < 0) continue;
      rows = r + 1;
      if (last + 1 > columns) columns = last + 1;
    }
    const where = `Sheet "${name}" in ${quoted(fileName)}`;
    if (columns > limits.maxColumns) {
      fail(
        'file.too_many_columns',
        fileName,
        `${where} uses ${formatCount(columns)} columns (up to column ${columnLetters(columns - 1)}); the limit is ${formatCount(limits.maxColumns)}. Delete the unused columns and save again.`,
        { column: columns },
      );
    }
    if (rows > limits.maxRows) {
      fail(
        'file.too_many_rows',
        fileName,
        `${where} has more than ${formatCount(limits.maxRows)} rows, the limit. Split it into smaller files.`,
        { row: limits.maxRows + 1 },
      );
    }
    this.rowCount = rows;
    this.#columns = columns;
    this.#merges = (ws['!merges'] ?? [])
      .map((m) => ({ r0: m.s.r, r1: Math.min(m.e.r, rows - 1), c0: m.s.c, c1: Math.min(m.e.c, columns - 1) }))
      .filter((m) => m.r0 <= m.r1 && m.c0 <= m.c1)
      .sort((a, b) => a.r0 - b.r0);
  }

  scan(visit: RowVisitor): void {
    const merges = this.#merges;
    let nextMerge = 0;
    let active: { merge: Merge; value: CellValue }[] = [];
    for (let r = 0; r < this.rowCount; r++) {
      const source = this.#data[r];
      const row: CellValue[] = [];
      if (source) {
        const width = Math.min(source.length, this.#columns);
        for (let c = 0; c < width; c++) row.push(toCellValue(source[c]));
        while (row.length > 0 && row[row.length - 1] === null) row.pop();
      }
      while (nextMerge < merges.length && (merges[nextMerge]?.r0 ?? Infinity) <= r) {
        const merge = merges[nextMerge++];
        if (merge) active.push({ merge, value: toCellValue(this.#data[merge.r0]?.[merge.c0]) });
      }
      if (active.length > 0) {
        active = active.filter((a) => a.merge.r1 >= r);
        for (const { merge, value } of active) {
          if (value === null) continue;
          while (row.length <= merge.c1) row.push(null);
          row.fill(value, merge.c0, merge.c1 + 1);
        }
      }
      if (visit(row, r) === false) return;
    }
  }

  displayText(rowIndex: number, col: number): string | undefined {
    let r = rowIndex;
    let c = col;
    for (const m of this.#merges) {
      if (m.r0 > rowIndex) break;
      if (rowIndex <= m.r1 && col >= m.c0 && col <= m.c1) {
        r = m.r0;
        c = m.c0;
        break;
      }
    }
    const cell = this.#data[r]?.[c];
    if (!cell) return undefined;
    if (cell.w !== undefined) return cell.w;
    const value = toCellValue(cell);
    return value === null ? undefined : value instanceof Date ? value.toISOString().slice(0, 10) : String(value);
  }
}
