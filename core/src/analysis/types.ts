/**
 * The analysis object: what Budget Sync understood of a file. This is exactly what
 * `budget-sync analyze --json` prints and what the API returns, so its shape is a contract (DESIGN §3).
 */

export type CanonicalField = 'department' | 'category' | 'period' | 'fiscal_year' | 'amount' | 'currency' | 'project' | 'owner' | 'notes';

/**
 * What a person may say a column holds (an override, or a remembered one): a canonical field, the
 * line's `direction`, or a further `dimension` — named after the column's title (`dimension`) or as
 * given (`dimension:fund`). Two columns given the same dimension are its code/name twin. `null` (in the
 * tables below) ignores the column.
 */
export type MappingChoice = CanonicalField | 'direction' | 'dimension' | `dimension:${string}`;

/** DESIGN §2 "File kinds". Only `budget` imports. */
export type FileKind =
  | 'budget'
  | 'actuals'
  | 'general_ledger'
  | 'payroll'
  | 'expenses'
  | 'invoices'
  | 'purchase_orders'
  | 'sales'
  | 'bank_statement'
  | 'timesheet'
  | 'inventory'
  | 'unknown';

export const FILE_KINDS: readonly FileKind[] = [
  'budget',
  'actuals',
  'general_ledger',
  'payroll',
  'expenses',
  'invoices',
  'purchase_orders',
  'sales',
  'bank_statement',
  'timesheet',
  'inventory',
  'unknown',
];

/** A budget line spends (`expense`, the default) or brings money in (`revenue`: stored, never consumed). */
export type Direction = 'expense' | 'revenue';

/** Shared by every line without further dimensions (frozen: one object, never one per line). */
export const NO_DIMENSIONS: Readonly<Record<string, string>> = Object.freeze({});

export type Severity = 'error' | 'warning' | 'info';

export interface Issue {
  severity: Severity;
  /** Stable code (DESIGN §2); never renamed. */
  code: string;
  message: string;
  /** 1-based row as the spreadsheet shows it, or null for the whole file. */
  row: number | null;
  /** 1-based column as the spreadsheet shows it, or null for the whole row. */
  column: number | null;
  field?: CanonicalField | undefined;
}

export interface KindVerdict {
  kind: FileKind;
  confidence: number;
  reasons: string[];
}

/** How a mapping was decided, strongest first. */
export type MappingMethod = 'override' | 'remembered' | 'synonym' | 'token' | 'fuzzy' | 'values' | 'period_header';

/**
 * What a mapped column is: a canonical field, the line's `direction` (a column of Expense/Revenue,
 * Aufwand/Ertrag…), or a further named `dimension` (fund, program, division…) that is part of the line's
 * identity (DESIGN §2-§3).
 */
export type MappingField = CanonicalField | 'direction' | 'dimension';

export interface MappingEntry {
  field: MappingField;
  /** 1-based column. */
  column: number;
  header: string;
  confidence: number;
  method: MappingMethod;
  /** Why, in words a finance person can read. */
  reason: string;
  /** Below the confirmation threshold: a person should confirm it before importing. */
  needsConfirmation: boolean;
  /** Wide layouts: the period this column holds. */
  period?: string | undefined;
  /** `field: "dimension"`: the dimension's name as it appears in each line's `dimensions`. */
  dimension?: string | undefined;
  /**
   * `code`: the code column of a code/name twin (`Fund Code` beside `Fund Description`): it identifies the
   * line (`codes`), the name column is what people see.
   */
  role?: 'code' | undefined;
}

export interface IgnoredColumn {
  column: number;
  header: string;
  reason: string;
}

export interface BudgetLine {
  department: string;
  category: string;
  project: string | null;
  period: string;
  fiscalYear: number;
  periodStart: string;
  periodEnd: string;
  /** Exact decimal string with two places, e.g. "1234.50". */
  amount: string;
  currency: string;
  owner: string | null;
  notes: string | null;
  /** 1-based spreadsheet row. */
  sourceRow: number;
  /** 1-based spreadsheet column of the amount. */
  sourceColumn: number;
  /**
   * Further dimensions that identify the line (DESIGN §2): name → value, e.g. `{"fund": "6064"}`; `{}` when
   * none. Two lines that differ only here are two lines, never duplicates.
   */
  dimensions: Readonly<Record<string, string>>;
  direction: Direction;
  /** For code/name twins: field or dimension name → code, beside the name shown (`{"department": "90411"}`). */
  codes?: Readonly<Record<string, string>> | undefined;
}

export interface AnalysisStats {
  /** Non-blank rows below the header. */
  rows: number;
  lines: number;
  /** Exact sum of the lines, decimal string. */
  total: string;
  importable: boolean;
  errors: number;
  warnings: number;
}

export interface SheetSummary {
  name: string;
  hidden: boolean;
  chosen: boolean;
  /** Its lines are part of the analysis: the chosen sheet, and sheets holding more of the same budget (another year, the revenue side). */
  read: boolean;
  reason: string;
}

export interface Analysis {
  file: string;
  format: string;
  sheet: string | null;
  sheets: SheetSummary[];
  /** 1-based header row (the last one when the header spans two rows), or null when none was found. */
  headerRow: number | null;
  headerRows: number[];
  headerReason: string;
  layout: 'long' | 'wide';
  fiscalYearStartMonth: number;
  fiscalYear: { value: number | null; source: string | null };
  currency: { value: string; source: string };
  kind: KindVerdict;
  mapping: MappingEntry[];
  ignoredColumns: IgnoredColumn[];
  lines: BudgetLine[];
  issues: Issue[];
  stats: AnalysisStats;
  notes: string[];
  /** The values the user gave for what the file lacks (`--set`, the review's fields); `{}` when none. */
  set: SetValues;
  /**
   * The department every line is given when no column says (DESIGN §2: the file is one unit's budget):
   * what the user set, or the proposal from the title, sheet or file name (`department.proposed`), with
   * where it came from; null when a column gives each row's department, or none was found.
   */
  department: WholeFileValue | null;
  /** The same for the category (`category.proposed`: the amount column's title or the file name). */
  category: WholeFileValue | null;
  /**
   * The direction of every line when no column gives it: what the user set, else what the sheet's name
   * says (`Recettes`: `the sheet name "Recettes"`), else `expense` with source `default`; null when a
   * column gives each line's direction, when the sheets read say different ones (`Dépenses` beside
   * `Recettes`: each sheet's name gives its own), or when no header was found.
   */
  direction: WholeFileValue | null;
}

/** A value the whole file shares, and where it came from, in words (`what you set`, `the title above the table`). */
export interface WholeFileValue {
  value: string;
  source: string;
}

export interface AnalyzeOptions {
  /** Month (1–12) the organization's fiscal year starts in; default 1. */
  fiscalYearStartMonth?: number;
  /** Analyze this sheet instead of choosing one. */
  sheet?: string;
  /** Currency when the file names none; default USD. */
  defaultCurrency?: string;
  /** header text (normalized or as written) → field, or null to ignore the column. Wins over everything. */
  mappingOverrides?: Record<string, MappingChoice | null>;
  /** Mappings remembered from earlier imports (per source, then per org); they win over detection. */
  rememberedMappings?: Record<string, MappingChoice | null>;
  /** Extract lines even when the file does not look like a budget (the user overrides the kind, with a reason). */
  treatAsBudget?: boolean;
  /** Confidence below which a mapping needs confirmation; default 0.7. */
  confirmThreshold?: number;
  /**
   * Values the file lacks, given by the user (`--set FIELD=VALUE`): the department of a file that is one
   * unit's budget, its category, fiscal year (e.g. `2026` or `FY2026`), currency, or direction
   * (`expense` | `revenue`). A column of the file for the same field wins over nothing but these.
   */
  set?: SetValues;
}

export type SettableField = 'department' | 'category' | 'fiscal_year' | 'currency' | 'direction';
export type SetValues = Partial<Record<SettableField, string>>;
export const SETTABLE_FIELDS: readonly SettableField[] = ['department', 'category', 'fiscal_year', 'currency', 'direction'];
