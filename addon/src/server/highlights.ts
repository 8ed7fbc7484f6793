/// <reference types="google-apps-script" />
/**
 * Issue cells highlighted in the sheet, and cleared again with the original formatting restored. Before
 * painting, each cell's original background and note are saved in the document's properties (the
 * highlights live in the document, so any editor can clear them); clearing puts back only what still
 * looks as we left it: a cell the user re-coloured or re-noted since keeps the user's choice.
 * Reads and writes are batched (one read of the bounding range, one RangeList per colour): a call per
 * cell would crawl on a big sheet.
 */
import { columnName, type Issue } from '@budget-sync/core';
import type { HighlightResult, Severity } from '../shared/contract.ts';
import { sheetById } from './active-sheet.ts';
import { neutralizeFormula } from './formula-safety.ts';
import { analyzeActiveSheet } from './validation.ts';

export const HIGHLIGHT_COLOR: Record<Exclude<Severity, 'info'>, string> = { error: '#f4c7c3', warning: '#fce8b2' };
/** Cells painted at most; the rest of the issues stay in the sidebar's list. */
export const MAX_CELLS = 1000;
/** The bounding range is read in one call up to this many cells, else cell by cell. */
const BULK_READ_CELLS = 250_000;
/** A document property holds at most 9 KB. */
const CHUNK_CHARS = 8_000;
const NOTE_MAX_CHARS = 1_000;

interface MarkedCell {
  r: number;
  c: number;
  /** The original background, null for none. */
  bg: string | null;
  /** Our colour, to tell on clearing whether the user changed it since. */
  mark: string;
  /** The original note ('' for none), and ours when we wrote one. */
  note: string;
  ours: string | null;
}

interface HighlightState {
  sheetId: number;
  cells: MarkedCell[];
}

const stateKey = (sheetId: number) => `budgetSync.highlights.${sheetId}`;
const a1 = (r: number, c: number) => `${columnName(c)}${r}`;

function docProps(): GoogleAppsScript.Properties.Properties {
  return PropertiesService.getDocumentProperties();
}

export function loadHighlights(sheetId: number): HighlightState | null {
  const store = docProps();
  const count = Number(store.getProperty(stateKey(sheetId)) ?? '0');
  if (!(count > 0)) return null;
  let text = '';
  for (let i = 0; i < count; i++) text += store.getProperty(`${stateKey(sheetId)}.${i}`) ?? '';
  try {
    return JSON.parse(text) as HighlightState;
  } catch {
    return null;
  }
}

function saveHighlights(state: HighlightState | null, sheetId: number): void {
  const store = docProps();
  const old = Number(store.getProperty(stateKey(sheetId)) ?? '0');
  for (let i = 0; i < old; i++) store.deleteProperty(`${stateKey(sheetId)}.${i}`);
  if (state === null) {
    store.deleteProperty(stateKey(sheetId));
    return;
  }
  const text = JSON.stringify(state);
  const chunks: Record<string, string> = {};
  let n = 0;
  for (let at = 0; at < text.length; at += CHUNK_CHARS, n++) chunks[`${stateKey(sheetId)}.${n}`] = text.slice(at, at + CHUNK_CHARS);
  chunks[stateKey(sheetId)] = String(n);
  store.setProperties(chunks);
}

interface Target {
  r: number;
  c: number;
  severity: 'error' | 'warning';
  /** Messages for the note; only the first cell of a row-wide issue carries one. */
  messages: string[];
}

/** Cells to paint: the issue's cell, or the whole row for an issue about a row. Errors win over warnings. */
function targetsOf(issues: readonly Issue[], rows: number, columns: number): { targets: Target[]; notShown: number } {
  const byCell = new Map<string, Target>();
  let notShown = 0;
  for (const issue of issues) {
    if (issue.severity === 'info') continue;
    if (issue.row === null || issue.row > rows) {
      notShown++;
      continue;
    }
    const row = issue.row;
    const cols = issue.column !== null ? [issue.column] : Array.from({ length: columns }, (_, i) => i + 1);
    const fresh = cols.filter((c) => !byCell.has(`${row}:${c}`)).length;
    if (byCell.size + fresh > MAX_CELLS) {
      notShown++;
      continue;
    }
    cols.forEach((c, i) => {
      const key = `${row}:${c}`;
      const t = byCell.get(key) ?? { r: row, c, severity: issue.severity as 'error' | 'warning', messages: [] };
      if (issue.severity === 'error') t.severity = 'error';
      if (i === 0) t.messages.push(`${issue.severity === 'error' ? 'Error' : 'Warning'}: ${issue.message}`);
      byCell.set(key, t);
    });
  }
  return { targets: [...byCell.values()], notShown };
}

interface CellReader {
  background(r: number, c: number): string;
  note(r: number, c: number): string;
}

/** Backgrounds and notes of these cells, in one read of their bounding range when it is not huge. */
function readCells(sheet: GoogleAppsScript.Spreadsheet.Sheet, cells: readonly { r: number; c: number }[]): CellReader {
  const r0 = Math.min(...cells.map((x) => x.r));
  const c0 = Math.min(...cells.map((x) => x.c));
  const height = Math.max(...cells.map((x) => x.r)) - r0 + 1;
  const width = Math.max(...cells.map((x) => x.c)) - c0 + 1;
  if (height * width <= BULK_READ_CELLS) {
    const range = sheet.getRange(r0, c0, height, width);
    const backgrounds = range.getBackgrounds();
    const notes = range.getNotes();
    return {
      background: (r, c) => backgrounds[r - r0]?.[c - c0] ?? '#ffffff',
      note: (r, c) => notes[r - r0]?.[c - c0] ?? '',
    };
  }
  return { background: (r, c) => sheet.getRange(r, c).getBackground(), note: (r, c) => sheet.getRange(r, c).getNote() };
}

function paint(sheet: GoogleAppsScript.Spreadsheet.Sheet, cells: readonly { r: number; c: number; color: string | null }[]): void {
  const byColor = new Map<string | null, string[]>();
  for (const cell of cells) byColor.set(cell.color, [...(byColor.get(cell.color) ?? []), a1(cell.r, cell.c)]);
  for (const [color, refs] of byColor) sheet.getRangeList(refs).setBackground(color);
}

/** Puts back what the highlights replaced; returns how many cells were restored. */
function restore(state: HighlightState): number {
  let sheet: GoogleAppsScript.Spreadsheet.Sheet;
  try {
    sheet = sheetById(state.sheetId);
  } catch {
    return 0;
  }
  if (state.cells.length === 0) return 0;
  const now = readCells(sheet, state.cells);
  // "No fill" reads as white; putting back none rather than an explicit white keeps the cell as it was.
  const original = (bg: string | null) => (bg === null || bg.toLowerCase() === '#ffffff' ? null : bg);
  const restored = state.cells.filter((cell) => now.background(cell.r, cell.c).toLowerCase() === cell.mark.toLowerCase());
  paint(
    sheet,
    restored.map((cell) => ({ r: cell.r, c: cell.c, color: original(cell.bg) })),
  );
  for (const cell of state.cells) {
    if (cell.ours !== null && now.note(cell.r, cell.c) === cell.ours)
      sheet.getRange(cell.r, cell.c).setNote(cell.note === '' ? null : cell.note);
  }
  return restored.length;
}

export function highlightActiveSheet(): HighlightResult {
  const { snapshot, analysis } = analyzeActiveSheet();
  const sheetId = snapshot.ref.sheetId;
  const previous = loadHighlights(sheetId);
  // Painting over our own paint would save our colours as the "originals".
  if (previous) restore(previous);
  saveHighlights(null, sheetId);
  const { targets, notShown } = targetsOf(analysis.issues, snapshot.ref.rows, snapshot.ref.columns);
  if (targets.length === 0) {
    return {
      cells: 0,
      notShown,
      message: notShown > 0 ? 'The issues concern the sheet as a whole: no cell to highlight.' : 'No issue to highlight.',
    };
  }
  const sheet = sheetById(sheetId);
  const before = readCells(sheet, targets);
  const cells: MarkedCell[] = targets.map((t) => {
    const ours = t.messages.length > 0 ? neutralizeFormula(`Budget Sync\n${t.messages.join('\n')}`).slice(0, NOTE_MAX_CHARS) : null;
    const note = before.note(t.r, t.c);
    return {
      r: t.r,
      c: t.c,
      bg: before.background(t.r, t.c),
      mark: HIGHLIGHT_COLOR[t.severity],
      note,
      // Under the user's own note, not instead of it.
      ours: ours === null ? null : note === '' ? ours : `${note}\n\n${ours}`,
    };
  });
  // Saved before painting: should the painting fail half-way, "Clear highlights" still knows the originals.
  saveHighlights({ sheetId, cells }, sheetId);
  paint(
    sheet,
    cells.map((cell) => ({ r: cell.r, c: cell.c, color: cell.mark })),
  );
  for (const cell of cells) if (cell.ours !== null) sheet.getRange(cell.r, cell.c).setNote(cell.ours);
  const more = notShown > 0 ? ` ${notShown} more issue${notShown === 1 ? '' : 's'} are listed in the sidebar only.` : '';
  return { cells: cells.length, notShown, message: `Highlighted ${cells.length} cell${cells.length === 1 ? '' : 's'}.${more}` };
}

export function clearActiveSheetHighlights(): HighlightResult {
  const sheet = SpreadsheetApp.getActiveSheet();
  const sheetId = sheet.getSheetId();
  const state = loadHighlights(sheetId);
  if (state === null) return { cells: 0, notShown: 0, message: 'There are no highlights to clear on this sheet.' };
  const restored = restore(state);
  saveHighlights(null, sheetId);
  return { cells: restored, notShown: 0, message: `Cleared the highlights; ${restored} cell${restored === 1 ? '' : 's'} restored.` };
}

export function hasHighlights(sheetId: number): boolean {
  return Number(docProps().getProperty(stateKey(sheetId)) ?? '0') > 0;
}
