/// <reference types="google-apps-script" />
/**
 * The add-on's surfaces in Sheets: the menu, the sidebar and the settings dialog (HtmlService templates
 * whose CSS and JS are include()d partials), and moving the selection to an issue's cell.
 */
import type { SidebarState } from '../shared/contract.ts';
import { activeSpreadsheet, sheetById, sheetRefOf } from './active-sheet.ts';
import { AddonFailure } from './failure.ts';
import { hasHighlights } from './highlights.ts';
import { loadOverrides } from './overrides.ts';
import { loadSetValues } from './set-values.ts';
import { loadConnection, settingsView } from './settings.ts';

export const TITLE = 'Budget Sync';
/** The only files include() hands out: the partials the templates name. */
const PARTIALS = new Set(['Stylesheet', 'SidebarJs', 'SettingsJs']);

/**
 * Runs in AuthMode.NONE too (an add-on's onOpen before the user has authorized it in this document):
 * the menu is all it may touch, no properties and no spreadsheet data.
 */
export function addMenu(): void {
  SpreadsheetApp.getUi().createAddonMenu().addItem('Open sidebar', 'showSidebar').addItem('Settings', 'showSettings').addToUi();
}

export function openSidebar(): void {
  const html = HtmlService.createTemplateFromFile('Sidebar').evaluate().setTitle(TITLE);
  SpreadsheetApp.getUi().showSidebar(html);
}

export function openSettings(): void {
  const html = HtmlService.createTemplateFromFile('Settings').evaluate().setWidth(420).setHeight(470);
  SpreadsheetApp.getUi().showModalDialog(html, `${TITLE} settings`);
}

export function partial(name: string): string {
  if (!PARTIALS.has(name)) throw new AddonFailure('request.invalid', `There is no partial "${String(name)}".`);
  return HtmlService.createHtmlOutputFromFile(name).getContent();
}

export function sidebarState(): SidebarState {
  const ss = activeSpreadsheet();
  const ref = sheetRefOf(ss, ss.getActiveSheet());
  return {
    settings: settingsView(),
    configured: loadConnection() !== null,
    sheetName: ref.name,
    overrides: loadOverrides(ref),
    set: loadSetValues(ref),
    highlighted: hasHighlights(ref.sheetId),
  };
}

const isIndex = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 1;

/** Selects the cell, or its whole row when the issue is about a row. */
export function select(sheetId: unknown, row: unknown, column: unknown): null {
  if (typeof sheetId !== 'number' || !isIndex(row) || (column !== null && !isIndex(column))) {
    throw new AddonFailure('request.invalid', 'That is not a cell of the sheet.');
  }
  const sheet = sheetById(sheetId);
  sheet.activate();
  const width = Math.max(1, sheet.getLastColumn());
  (column === null ? sheet.getRange(row, 1, 1, width) : sheet.getRange(row, column)).activate();
  return null;
}
