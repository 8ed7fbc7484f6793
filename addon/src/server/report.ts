/// <reference types="google-apps-script" />
/**
 * The issue report: the check's issues written to a sheet of their own ("Budget Sync report"), for
 * people who work through them, share them or print them. Every text cell is neutralised against formula
 * injection: messages quote cell contents, and those are whatever someone typed.
 */
import { columnName } from '@budget-sync/core';
import { activeSpreadsheet } from './active-sheet.ts';
import { neutralizeFormula } from './formula-safety.ts';
import { analyzeActiveSheet } from './validation.ts';

export const REPORT_SHEET = 'Budget Sync report';
/** Rows written at most (a sheet of 50,000 warnings helps nobody). */
export const REPORT_MAX_ROWS = 5_000;

export interface ReportResult {
  sheetName: string;
  rows: number;
  message: string;
}

export function writeReport(): ReportResult {
  const { snapshot, analysis } = analyzeActiveSheet();
  const ss = activeSpreadsheet();
  const source = ss.getActiveSheet();
  if (snapshot.ref.name === REPORT_SHEET) {
    return { sheetName: REPORT_SHEET, rows: 0, message: 'This is the report sheet itself: open the budget sheet to check it.' };
  }
  const header = ['Severity', 'Code', 'Cell', 'Value', 'Message'];
  const shown = (row: number | null, column: number | null) =>
    row === null || column === null ? '' : (snapshot.displayValues[row - 1]?.[column - 1] ?? '');
  const rows = analysis.issues.slice(0, REPORT_MAX_ROWS).map((i) => [
    i.severity,
    i.code,
    i.row === null ? '' : i.column === null ? `row ${i.row}` : `${columnName(i.column)}${i.row}`,
    // The cell as the sheet shows it: exactly the text that must not turn into a formula here.
    shown(i.row, i.column),
    i.message,
  ]);
  const title = [`Issues of "${snapshot.ref.name}"`, `${analysis.issues.length} issue(s)`, '', '', ''];
  const grid = [title, header, ...rows].map((r) => r.map((cell) => neutralizeFormula(cell)));
  let report = ss.getSheetByName(REPORT_SHEET);
  if (report === null) report = ss.insertSheet(REPORT_SHEET);
  else report.clear();
  report.getRange(1, 1, grid.length, header.length).setValues(grid);
  report.getRange(2, 1, 1, header.length).setFontWeight('bold');
  report.setFrozenRows(2);
  // insertSheet makes the new sheet active; the user stays on the sheet they were checking.
  source.activate();
  const more = analysis.issues.length > rows.length ? ` (the first ${rows.length} of ${analysis.issues.length})` : '';
  return {
    sheetName: REPORT_SHEET,
    rows: rows.length,
    message: `Wrote ${rows.length} issue${rows.length === 1 ? '' : 's'}${more} to the sheet "${REPORT_SHEET}".`,
  };
}
