/** Builders for the analysis tests: workbooks made in the test (CSV text, SheetJS workbooks) and short views of an analysis. */
import * as XLSX from '@e965/xlsx';
import { analyzeWorkbook, type Analysis, type AnalyzeOptions, type CanonicalField, type Workbook } from '@budget-sync/core';
import { readWorkbook } from '@budget-sync/core/readers';

export { XLSX };

export const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

export function csvWorkbook(text: string, fileName = 'budget.csv'): Workbook {
  return readWorkbook(encode(text), fileName);
}

export function analyzeCsv(text: string, fileName = 'budget.csv', options: AnalyzeOptions = {}): Analysis {
  return analyzeWorkbook(csvWorkbook(text, fileName), options);
}

export interface SheetSpec {
  name: string;
  /** Rows as for `XLSX.utils.aoa_to_sheet`: values or SheetJS cell objects (`{ t: 'e', v: 0x17 }`). */
  rows: unknown[][];
  /** A1 ranges, e.g. `'A1:D1'`. */
  merges?: string[];
  hidden?: boolean;
}

export function xlsxBytes(sheets: SheetSpec[], bookType: XLSX.BookType = 'xlsx'): Uint8Array {
  const wb = XLSX.utils.book_new();
  for (const spec of sheets) {
    const ws = XLSX.utils.aoa_to_sheet(spec.rows);
    if (spec.merges) ws['!merges'] = spec.merges.map((m) => XLSX.utils.decode_range(m));
    XLSX.utils.book_append_sheet(wb, ws, spec.name);
  }
  wb.Workbook = { Sheets: sheets.map((s) => ({ Hidden: s.hidden ? 1 : 0 })) };
  return new Uint8Array(XLSX.write(wb, { type: 'array', bookType }) as ArrayBuffer);
}

export function xlsxWorkbook(sheets: SheetSpec[], fileName = 'budget.xlsx', bookType: XLSX.BookType = 'xlsx'): Workbook {
  return readWorkbook(xlsxBytes(sheets, bookType), fileName);
}

export function analyzeXlsx(sheets: SheetSpec[], fileName = 'budget.xlsx', options: AnalyzeOptions = {}): Analysis {
  return analyzeWorkbook(xlsxWorkbook(sheets, fileName), options);
}

/** A date header cell as Excel stores a `Jan-26` column title. */
export function monthCell(year: number, month: number): XLSX.CellObject {
  return { t: 'd', v: new Date(Date.UTC(year, month - 1, 1)), z: 'mmm-yy' };
}

/** The header a dimension or long-layout field is mapped to (not the period columns of a wide layout). */
export function headerOf(a: Analysis, field: CanonicalField): string | undefined {
  return a.mapping.find((m) => m.field === field && m.method !== 'period_header')?.header;
}

export function mappingOf(a: Analysis, field: CanonicalField) {
  return a.mapping.find((m) => m.field === field && m.method !== 'period_header');
}

/** `[code, severity, row, column]` of every issue, in the analysis' order. */
export function issueCells(a: Analysis): [string, string, number | null, number | null][] {
  return a.issues.map((i) => [i.code, i.severity, i.row, i.column]);
}

/** `[period, amount]` of the lines of one source row. */
export function rowLines(a: Analysis, row: number): [string, string][] {
  return a.lines.filter((l) => l.sourceRow === row).map((l) => [l.period, l.amount]);
}

/** The parts of an analysis every door (xlsx, CSV, Google Sheets values) must agree on. */
export function essentials(a: Analysis) {
  return {
    kind: a.kind.kind,
    headerRow: a.headerRow,
    headerRows: a.headerRows,
    layout: a.layout,
    fiscalYear: a.fiscalYear.value,
    mapping: a.mapping.map((m) => ({ field: m.field, column: m.column, header: m.header, method: m.method, period: m.period })),
    lines: a.lines,
    total: a.stats.total,
    rows: a.stats.rows,
    importable: a.stats.importable,
    issues: a.issues.map((i) => ({ code: i.code, severity: i.severity, row: i.row, column: i.column })),
  };
}
