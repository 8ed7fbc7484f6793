/// <reference types="google-apps-script" />
/**
 * The active sheet as values: one getValues() and one getDisplayValues() over the data range (two
 * service calls, however big the sheet: per-row reads would blow the six-minute limit), the JSON the API
 * takes, and a fingerprint of it. The sheet is read again by every server function: nothing survives
 * between google.script.run calls, and the user may have edited in between.
 */
import type { SheetRef } from '../shared/contract.ts';
import { AddonFailure } from './failure.ts';

export interface SheetSnapshot {
  ref: SheetRef;
  /** What the API records as the file name: the spreadsheet and the sheet. */
  fileName: string;
  values: unknown[][];
  displayValues: string[][];
}

const FILE_NAME_MAX = 255;

export function activeSpreadsheet(): GoogleAppsScript.Spreadsheet.Spreadsheet {
  const ss = SpreadsheetApp.getActiveSpreadsheet();
  if (ss === null) throw new AddonFailure('sheet.none', 'Open a spreadsheet first.');
  return ss;
}

export function sheetRefOf(ss: GoogleAppsScript.Spreadsheet.Spreadsheet, sheet: GoogleAppsScript.Spreadsheet.Sheet): SheetRef {
  return {
    spreadsheetId: ss.getId(),
    sheetId: sheet.getSheetId(),
    name: sheet.getName(),
    rows: sheet.getLastRow(),
    columns: sheet.getLastColumn(),
  };
}

export function readActiveSheet(): SheetSnapshot {
  const ss = activeSpreadsheet();
  const sheet = ss.getActiveSheet();
  const ref = sheetRefOf(ss, sheet);
  if (ref.rows === 0 || ref.columns === 0)
    throw new AddonFailure('sheet.empty', `The sheet "${ref.name}" is empty. Open the sheet that holds the budget.`);
  const range = sheet.getRange(1, 1, ref.rows, ref.columns);
  const fileName = `${ss.getName()} / ${ref.name}`.slice(0, FILE_NAME_MAX);
  return { ref, fileName, values: range.getValues(), displayValues: range.getDisplayValues() };
}

/** Finds a sheet of the active spreadsheet by id: names change, ids do not. */
export function sheetById(sheetId: number): GoogleAppsScript.Spreadsheet.Sheet {
  const sheet = activeSpreadsheet()
    .getSheets()
    .find((s) => s.getSheetId() === sheetId);
  if (!sheet) throw new AddonFailure('sheet.not_found', 'That sheet no longer exists. Check the sheet again.');
  return sheet;
}

/**
 * The API's sheet-values JSON, as text. Dates become ISO timestamps through their toJSON, which the API
 * reads back as dates. Built once per call: the import body and the fingerprint share it.
 */
export function sheetJson(snapshot: SheetSnapshot): string {
  return JSON.stringify({
    sheetName: snapshot.ref.name,
    fileName: snapshot.fileName,
    values: snapshot.values,
    displayValues: snapshot.displayValues,
  });
}

/** The sheet JSON with more members, without serializing the (possibly 10 MB) sheet again. */
export function withMembers(json: string, members: Record<string, unknown>): string {
  const extra = JSON.stringify(members);
  return extra === '{}' ? json : `${json.slice(0, -1)},${extra.slice(1)}`;
}

/** SHA-256 of the sheet JSON, hex. */
export function fingerprintOf(json: string): string {
  const digest = Utilities.computeDigest(Utilities.DigestAlgorithm.SHA_256, json, Utilities.Charset.UTF_8);
  return digest.map((b) => ((b + 256) % 256).toString(16).padStart(2, '0')).join('');
}
