/**
 * Google Sheets values (`Range.getValues()` / `getDisplayValues()`, possibly after JSON transport) → a
 * Workbook with one sheet, format `'sheets'`. The shape is checked up front: arrays of arrays of numbers,
 * strings, booleans, Dates or ISO timestamps; `''` is a blank cell.
 */
import type { CellValue, Row, RowVisitor, SheetSource, Workbook } from '../workbook.ts';
import { withoutNul } from '../values/text.ts';
import { type ReadOptions, fail, formatCount, resolveLimits } from './options.ts';

/** Google Sheets' own per-cell limit; Excel's 32,767 would refuse cells Sheets accepts. */
const SHEETS_MAX_CELL_CHARS = 50_000;
/** `JSON.stringify(date)`: a Date that crossed the wire as text. */
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/;

export interface SheetValuesInput {
  sheetName: string;
  values: unknown[][];
  displayValues?: string[][];
  fileName?: string;
}

export function workbookFromSheetValues(input: SheetValuesInput, options?: ReadOptions): Workbook {
  const sheetName = typeof input?.sheetName === 'string' && input.sheetName !== '' ? withoutNul(input.sheetName) : 'Sheet1';
  const fileName = typeof input?.fileName === 'string' && input.fileName !== '' ? withoutNul(input.fileName) : sheetName;
  const limits = resolveLimits({ maxCellChars: SHEETS_MAX_CELL_CHARS, ...options });
  const where = `the values of sheet "${sheetName}"`;
  const bad = (message: string, row?: number, column?: number): never =>
    fail('file.unreadable', fileName, `Cannot read ${where}: ${message}`, { row: row ?? null, column: column ?? null });

  const values: unknown = input?.values;
  if (!Array.isArray(values)) bad('expected an array of rows (as returned by getValues()).');
  const raw = values as unknown[];
  if (raw.length > limits.maxRows) {
    fail(
      'file.too_many_rows',
      fileName,
      `Sheet "${sheetName}" has ${formatCount(raw.length)} rows; the limit is ${formatCount(limits.maxRows)}.`,
      {
        row: limits.maxRows + 1,
      },
    );
  }
  const rows: Row[] = raw.map((rawRow, r) => {
    if (!Array.isArray(rawRow)) bad(`row ${r + 1} is ${describe(rawRow)}, not an array of cells.`, r + 1);
    const cells = rawRow as unknown[];
    if (cells.length > limits.maxColumns) {
      fail(
        'file.too_many_columns',
        fileName,
        `Row ${formatCount(r + 1)} of sheet "${sheetName}" has ${formatCount(cells.length)} columns; the limit is ${formatCount(limits.maxColumns)}.`,
        { row: r + 1 },
      );
    }
    const row: CellValue[] = new Array<CellValue>(cells.length);
    for (let c = 0; c < cells.length; c++) {
      const cell = toCell(cells[c]);
      if (cell === undefined) bad(`the cell at row ${r + 1}, column ${c + 1} is ${describe(cells[c])}.`, r + 1, c + 1);
      if (typeof cell === 'string' && cell.length > limits.maxCellChars) {
        fail(
          'file.line_too_long',
          fileName,
          `The cell at row ${formatCount(r + 1)}, column ${c + 1} of sheet "${sheetName}" holds ${formatCount(cell.length)} characters; the limit is ${formatCount(limits.maxCellChars)}.`,
          { row: r + 1, column: c + 1 },
        );
      }
      row[c] = cell ?? null;
    }
    // getValues() is rectangular: trailing blanks say nothing, and a blank row is visited as [].
    let width = row.length;
    while (width > 0 && row[width - 1] === null) width--;
    row.length = width;
    return row;
  });

  const display = input.displayValues;
  if (display !== undefined) {
    if (!Array.isArray(display)) bad('displayValues must be an array of rows (as returned by getDisplayValues()).');
    display.forEach((d, r) => {
      if (!Array.isArray(d) || d.some((s) => typeof s !== 'string')) bad(`displayValues row ${r + 1} must be an array of strings.`, r + 1);
    });
  }
  return {
    fileName,
    format: 'sheets',
    sheets: [new ValuesSheet(sheetName, rows, display)],
    notes: [`Read from Google Sheets values (${formatCount(rows.length)} rows).`],
  };
}

/** A cell as the model wants it; `undefined` for a value Sheets never returns. */
function toCell(value: unknown): CellValue | undefined {
  if (value === '' || value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    if (ISO_TIMESTAMP.test(value)) {
      const date = new Date(value);
      if (Number.isFinite(date.getTime())) return date;
    }
    return value;
  }
  if (value instanceof Date) return Number.isFinite(value.getTime()) ? value : undefined;
  return undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return 'an invalid date';
  if (typeof value === 'number') return `the number ${String(value)}`;
  return `a value of type ${typeof value}`;
}

class ValuesSheet implements SheetSource {
  readonly name: string;
  readonly hidden = false;
  readonly rowCount: number;
  readonly #rows: Row[];
  readonly #display: string[][] | undefined;

  constructor(name: string, rows: Row[], display: string[][] | undefined) {
    this.name = name;
    this.rowCount = rows.length;
    this.#rows = rows;
    this.#display = display;
  }

  scan(visit: RowVisitor): void {
    const rows = this.#rows;
    for (let r = 0; r < rows.length; r++) {
      if (visit(rows[r] ?? [], r) === false) return;
    }
  }

  displayText(rowIndex: number, col: number): string | undefined {
    return this.#display?.[rowIndex]?.[col];
  }
}
