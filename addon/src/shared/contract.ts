/**
 * What the sidebar and the settings dialog exchange with the server functions (google.script.run).
 * Only plain JSON values cross that bridge (Apps Script drops Dates and functions), so every view here
 * is plain data, and every server function answers an Outcome instead of throwing: the failure handler
 * of google.script.run would only get a message, and the sidebar needs a code to decide what to show.
 */

/** What a column can be mapped to: a budget field, the line's direction, or a further dimension (named after the column). */
export type Field =
  | 'department'
  | 'category'
  | 'period'
  | 'fiscal_year'
  | 'amount'
  | 'currency'
  | 'project'
  | 'owner'
  | 'notes'
  | 'direction'
  | 'dimension';
export type Severity = 'error' | 'warning' | 'info';
export type FileKindName = import('@budget-sync/core').FileKind;
/** header as written → field, or null to ignore the column. */
export type MappingOverrides = Record<string, Field | null>;

export interface AddonError {
  /** The API's problem code (`auth.invalid_key`, `import.rejected`…) or the add-on's own (`settings.missing`, `api.unreachable`…). */
  code: string;
  message: string;
  /** The HTTP status when the API answered. */
  status?: number;
  /** `set.invalid`: what is wrong with each value of the review's fields, by field. */
  fields?: SetValuesInput;
}

/** A value the sheet does not give that the review asks for (core's reviewFields). */
export type SetField = 'department' | 'category' | 'fiscal_year' | 'currency' | 'direction';
/**
 * The values given for what the sheet lacks (blank: not given), kept per sheet and sent with every request
 * as `set`: the review's fields.
 */
export type SetValuesInput = Partial<Record<SetField, string>>;

export interface SetFieldView {
  field: SetField;
  label: string;
  /** What the field holds: the value given, else the proposal or the default, else empty. */
  value: string;
  /** The warning that says what was proposed, the error that says it is missing, or the note on relative years; null when none. */
  issue: IssueView | null;
  /** Where the value comes from when no issue says it (the currency's and the direction's default, a sheet's name, what was set). */
  note: string | null;
  /** A default shown, not given: kept and sent as a value only once the user changes it (core's ReviewField.assumed). */
  assumed: boolean;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: AddonError };

export interface SettingsView {
  apiBaseUrl: string;
  /** The saved key, never in full: its prefix and last four characters (`bsk_…x4Fq`), or null when none is saved. */
  keyHint: string | null;
  /** The signed-in user, when Google tells (userinfo.email). */
  email: string | null;
  /** How the add-on signs in: as the Google user (their ID token, no key), or with a saved API key. */
  signIn: 'google' | 'key';
  /** The organization chosen for a person in several (sent as X-Budget-Sync-Org); null: their only one. */
  orgId: string | null;
}

export interface SettingsInput {
  apiBaseUrl: string;
  /** Blank keeps the saved key (none saved: sign in as the Google user). */
  apiKey?: string;
  /** Forget the saved key and sign in as the Google user. */
  useGoogle?: boolean;
  /** The organization, for a person in several. */
  orgId?: string | null;
}

export interface ConnectionReport {
  apiBaseUrl: string;
  /** The organization's fiscal-year start, when the key may read settings. */
  fiscalYearStartMonth: number | null;
  message: string;
  /** Who the API says is signed in (GET /api/me): the person and role, or the key, and the org (its name when the API tells). */
  me: { email: string | null; role: string | null; orgId: string; orgName: string | null } | null;
  /**
   * The organizations of a person in several, with their role in each (saved as orgId once picked): to
   * pick one when none is chosen yet (`me` is then null), or to switch.
   */
  orgs: Array<{ orgId: string; name: string | null; role: string }> | null;
}

export interface IssueView {
  severity: Severity;
  code: string;
  message: string;
  row: number | null;
  column: number | null;
  /** `C12`, `row 12`, or null for the whole sheet. */
  where: string | null;
}

export interface IssueCounts {
  error: number;
  warning: number;
  info: number;
}

export interface ColumnView {
  column: number;
  /** Column letter as the sheet shows it. */
  letter: string;
  header: string;
  /** null: the column is not imported. */
  field: Field | null;
  confidence: number | null;
  method: string | null;
  reason: string;
  needsConfirmation: boolean;
  /** Wide layouts: the period the column holds. */
  period: string | null;
  /** The user chose this field (or to ignore it) in the sidebar. */
  overridden: boolean;
}

export interface SheetRef {
  spreadsheetId: string;
  sheetId: number;
  name: string;
  rows: number;
  columns: number;
}

export interface KindView {
  kind: FileKindName;
  /** In words: "a payroll or salary list". */
  label: string;
  confidence: number;
  reasons: string[];
}

/** The local check of the active sheet (core's analysis, in Apps Script). */
export interface SheetCheck {
  sheet: SheetRef;
  kind: KindView;
  headerRow: number | null;
  headerReason: string;
  layout: 'long' | 'wide';
  fiscalYear: number | null;
  currency: string;
  columns: ColumnView[];
  issues: IssueView[];
  issueCounts: IssueCounts;
  /** More issues than `issues` holds. */
  issuesTruncated: boolean;
  lines: number;
  total: string;
  importable: boolean;
  overrides: MappingOverrides;
  /** The values the sheet does not give, as kept for it and applied by this check. */
  set: SetValuesInput;
  elapsedMs: number;
}

export interface DiffLineView {
  /** Names, further dimensions (`Fund General Fund (6064)`) and period. */
  label: string;
  detail: string;
  row: number | null;
  /** The line's further dimensions, name → value shown; {} when none. */
  dimensions: Record<string, string>;
  direction: 'expense' | 'revenue';
}

export interface ChangeCounts {
  inserted: number;
  updated: number;
  removed: number;
  unchanged: number;
}

/** How a sheet travelled to the API: shown as progress, and proof that big sheets go compressed. */
export interface TransferView {
  rows: number;
  /** Length of the JSON text (characters; bytes for ASCII). */
  jsonChars: number;
  sentBytes: number;
  gzip: boolean;
  elapsedMs: number;
}

export interface ReviewRequest {
  overrides?: MappingOverrides;
  /** The review's values; absent: those kept for the sheet. */
  set?: SetValuesInput;
}

/** The API's dry run: the diff against the stored budget, re-validated on the server. */
export interface DiffView {
  /** SHA-256 of the sheet as sent: the import refuses a sheet that changed since it was reviewed. */
  fingerprint: string;
  counts: ChangeCounts;
  inserted: DiffLineView[];
  updated: DiffLineView[];
  removed: DiffLineView[];
  importable: boolean;
  /** Why importing as is (without accepting warnings) would be refused. */
  reason: string | null;
  kind: KindView;
  lines: number;
  total: string;
  currency: string;
  issues: IssueView[];
  issueCounts: IssueCounts;
  issuesTruncated: boolean;
  /** The values the sheet does not give that the review asks for, as the API's analysis read them. */
  fields: SetFieldView[];
  transfer: TransferView;
}

export interface ImportRequest {
  mode: 'merge' | 'replace';
  acceptWarnings: boolean;
  overrideKind?: boolean;
  reason?: string;
  overrides?: MappingOverrides;
  /** The review's values; absent: those kept for the sheet. */
  set?: SetValuesInput;
  /** The fingerprint of the diff the user reviewed; a sheet that changed since is not imported. */
  expectedFingerprint?: string;
}

export interface ImportResultView {
  importId: string;
  status: 'succeeded' | 'no_changes';
  counts: ChangeCounts;
  message: string;
  transfer: TransferView;
}

export interface ImportRecordView {
  id: string;
  fileName: string;
  status: 'succeeded' | 'no_changes' | 'rejected' | 'failed' | 'reverted';
  mode: 'merge' | 'replace';
  actor: string;
  createdAt: string;
  counts: ChangeCounts;
  revertible: boolean;
  /** The values set for what the sheet lacked, as the API's history recorded them; {} when none (or an API before them). */
  set: SetValuesInput;
}

export interface RevertResultView {
  importId: string;
  message: string;
}

export interface HighlightResult {
  cells: number;
  /** Issues of the sheet as a whole, or beyond the cap, that no cell shows. */
  notShown: number;
  message: string;
}

export interface SidebarState {
  settings: SettingsView;
  configured: boolean;
  sheetName: string;
  overrides: MappingOverrides;
  /** The values kept for the sheet (the review's fields). */
  set: SetValuesInput;
  highlighted: boolean;
}

/** The fields a column can be mapped to, in the order the dropdown lists them. */
export const FIELDS: readonly Field[] = [
  'department',
  'category',
  'project',
  'period',
  'fiscal_year',
  'amount',
  'currency',
  'owner',
  'notes',
  'direction',
  'dimension',
];

export const FIELD_LABEL: Record<Field, string> = {
  department: 'Department',
  category: 'Category',
  project: 'Project',
  period: 'Period',
  fiscal_year: 'Fiscal year',
  amount: 'Amount',
  currency: 'Currency',
  owner: 'Owner',
  notes: 'Notes',
  direction: 'Direction',
  dimension: 'Dimension',
};
