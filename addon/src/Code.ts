/**
 * The add-on's entry points: exactly the functions Apps Script must see (triggers, menu items, the
 * templates' include(), and what the sidebar and the settings dialog call through google.script.run).
 * The build makes each export a top-level function of Code.js and nothing else global. Each one only
 * delegates; the work is in ordinary modules under server/. Functions the browser calls answer an
 * Outcome (never throw), so the sidebar always gets a code and a message.
 */
import type {
  ConnectionReport,
  DiffView,
  Field,
  HighlightResult,
  ImportRecordView,
  ImportRequest,
  ImportResultView,
  Outcome,
  ReviewRequest,
  RevertResultView,
  SettingsInput,
  SettingsView,
  SheetCheck,
  SidebarState,
} from './shared/contract.ts';
import { saveSettingsInput, testConnectionInput } from './server/connection.ts';
import { outcome } from './server/failure.ts';
import { clearActiveSheetHighlights, highlightActiveSheet } from './server/highlights.ts';
import { recentImports, revertOne } from './server/history.ts';
import { type ReportResult, writeReport } from './server/report.ts';
import { importActiveSheet, reviewActiveSheet } from './server/review.ts';
import { settingsView } from './server/settings.ts';
import { addMenu, openSettings, openSidebar, partial, select, sidebarState } from './server/ui.ts';
import { checkActiveSheet, checkWithOverride } from './server/validation.ts';

export function onOpen(_event?: GoogleAppsScript.Events.SheetsOnOpen): void {
  addMenu();
}

export function onInstall(_event?: GoogleAppsScript.Events.AddonOnInstall): void {
  addMenu();
}

export function showSidebar(): void {
  openSidebar();
}

export function showSettings(): void {
  openSettings();
}

/** For the templates: `<?!= include('Stylesheet') ?>`. */
export function include(name: string): string {
  return partial(name);
}

export function getSidebarState(): Outcome<SidebarState> {
  return outcome(sidebarState);
}

export function validateActiveSheet(): Outcome<SheetCheck> {
  return outcome(checkActiveSheet);
}

/** The user's choice for a column (`'auto'`: back to detection); answers the check with it applied. */
export function rememberOverride(header: string, field: Field | null | 'auto'): Outcome<SheetCheck> {
  return outcome(() => checkWithOverride(header, field));
}

export function getDiff(request?: ReviewRequest): Outcome<DiffView> {
  return outcome(() => reviewActiveSheet(request));
}

export function submitImport(request: ImportRequest): Outcome<ImportResultView> {
  return outcome(() => importActiveSheet(request));
}

export function listRecentImports(): Outcome<ImportRecordView[]> {
  return outcome(recentImports);
}

export function revertImport(importId: string): Outcome<RevertResultView> {
  return outcome(() => revertOne(importId));
}

export function getSettings(): Outcome<SettingsView> {
  return outcome(settingsView);
}

export function saveSettings(input: SettingsInput): Outcome<SettingsView> {
  return outcome(() => saveSettingsInput(input));
}

/** Tests the typed settings when given, else the saved ones. */
export function testConnection(input?: SettingsInput): Outcome<ConnectionReport> {
  return outcome(() => testConnectionInput(input));
}

export function highlightIssues(): Outcome<HighlightResult> {
  return outcome(highlightActiveSheet);
}

export function clearHighlights(): Outcome<HighlightResult> {
  return outcome(clearActiveSheetHighlights);
}

export function selectCell(sheetId: number, row: number, column: number | null): Outcome<null> {
  return outcome(() => select(sheetId, row, column));
}

export function writeIssueReport(): Outcome<ReportResult> {
  return outcome(writeReport);
}
