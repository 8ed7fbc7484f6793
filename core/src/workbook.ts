/**
 * The spreadsheet model every reader produces and the analysis consumes.
 * Readers (xlsx, csv, Google Sheets values) live in `core/src/readers/`; the analysis only sees these types,
 * so the add-on can bundle the analysis without SheetJS or papaparse.
 */

/**
 * One cell's typed value. Formula error cells (`#REF!`, `#N/A`, …) are their error text as a string.
 * Dates are JavaScript Dates whose nearest UTC midnight is the calendar day the spreadsheet shows.
 */
export type CellValue = string | number | boolean | Date | null;

/** One spreadsheet row, 0-based columns. Rows may be ragged; a missing cell is `undefined` or `null`. */
export type Row = readonly (CellValue | undefined)[];

/** Return `false` to stop scanning early. */
export type RowVisitor = (row: Row, rowIndex: number) => boolean | undefined;

/** A sheet the analysis can read: random access is not required, rows are scanned in order. */
export interface SheetSource {
  readonly name: string;
  /** Hidden or very-hidden sheets are considered last. */
  readonly hidden: boolean;
  /** Row count when known up front (xlsx, Sheets values); `undefined` for streamed text. */
  readonly rowCount: number | undefined;
  /** Visits rows in order from row 0 (the spreadsheet's row 1). Blank rows are visited as `[]`. */
  scan(visit: RowVisitor): void;
  /** The text the spreadsheet shows for a cell, when the reader knows it (formatted numbers, dates). */
  displayText(rowIndex: number, col: number): string | undefined;
}

export type WorkbookFormat = 'xlsx' | 'xls' | 'csv' | 'tsv' | 'sheets';

export interface Workbook {
  fileName: string;
  format: WorkbookFormat;
  sheets: SheetSource[];
  /** What the reader decided on the way in (delimiter, encoding), for the reasons shown to users. */
  notes: string[];
}
