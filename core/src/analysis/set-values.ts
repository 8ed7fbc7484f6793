/**
 * Values a person gives for what a file lacks (DESIGN §2-§3): `--set FIELD=VALUE` on the CLI, `set` in
 * the API's requests, the fields of the console's and the add-on's review. Checked and normalized here,
 * once, so every door accepts the same values, refuses the same ones in the same words, and hands the
 * analysis the same thing; and the review's fields are decided here from the analysis, so the console
 * and the add-on ask for the same values with the same proposals and warnings.
 */
import { PLAUSIBLE_MAX_YEAR, PLAUSIBLE_MIN_YEAR } from '../values/fiscal-year.ts';
import type { Analysis, Issue, SettableField, SetValues } from './types.ts';
import { SETTABLE_FIELDS } from './types.ts';

/** The longest department or category name accepted (a name, not a paragraph). */
export const SET_NAME_MAX = 200;

const FISCAL_YEAR = /^(?:FY\s*)?(\d{4})$/i;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Control characters (NUL above all: no text column can hold it) and lone surrogates, which Postgres would
 * receive as U+FFFD: a name that would be stored otherwise than it was given.
 */
function unstorable(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return LONE_SURROGATE.test(text);
}

/** An example value of each field, for messages. */
export const SET_EXAMPLE: Readonly<Record<SettableField, string>> = {
  department: 'Marketing',
  category: 'Travel',
  fiscal_year: '2026',
  currency: 'EUR',
  direction: 'revenue',
};

/**
 * What is wrong with a value for a field, as words that follow the field's name ("must be a year such as
 * 2026 or FY2026, not "20x6""), or null when it is fine. A blank value is wrong: a door that lets a field
 * be left blank treats blank as "not given" before asking.
 */
export function setValueProblem(field: SettableField, value: string): string | null {
  const v = value.trim();
  if (v === '') return `needs a value, such as ${SET_EXAMPLE[field]}`;
  switch (field) {
    case 'direction':
      return /^(?:expense|revenue)$/i.test(v) ? null : `must be expense or revenue, not "${v}"`;
    case 'currency':
      return /^[A-Za-z]{3}$/.test(v) ? null : `must be a three-letter currency code such as EUR, not "${v}"`;
    case 'fiscal_year': {
      const m = FISCAL_YEAR.exec(v);
      if (m === null) return `must be a year such as 2026 or FY2026, not "${v}"`;
      const year = Number(m[1]);
      return year >= PLAUSIBLE_MIN_YEAR && year <= PLAUSIBLE_MAX_YEAR
        ? null
        : `must be a year from ${PLAUSIBLE_MIN_YEAR} to ${PLAUSIBLE_MAX_YEAR}, not ${year}`;
    }
    default:
      if (v.length > SET_NAME_MAX) return `must be at most ${SET_NAME_MAX} characters long (it has ${v.length})`;
      return unstorable(v) ? 'must not hold control characters or broken (lone surrogate) characters' : null;
  }
}

/** A value as the analysis and the history keep it: trimmed; `FY2026` → `2026`; `eur` → `EUR`; `Revenue` → `revenue`. */
export function normalizeSetValue(field: SettableField, value: string): string {
  const v = value.trim();
  switch (field) {
    case 'fiscal_year':
      return FISCAL_YEAR.exec(v)?.[1] ?? v;
    case 'currency':
      return v.toUpperCase();
    case 'direction':
      return v.toLowerCase();
    default:
      return v;
  }
}

export interface SetValueProblem {
  field: SettableField;
  message: string;
}

/**
 * Checks and normalizes the values given. `blank: 'absent'` (a form's empty field) drops blank values;
 * `'refuse'` (an API body, a CLI flag) says each one needs a value. Unknown names are never passed here:
 * each door's schema names the five fields.
 */
export function checkSetValues(
  input: Partial<Record<SettableField, string | undefined>>,
  blank: 'absent' | 'refuse',
): { set: SetValues; problems: SetValueProblem[] } {
  const set: SetValues = {};
  const problems: SetValueProblem[] = [];
  for (const field of SETTABLE_FIELDS) {
    const value = input[field];
    if (value === undefined || (blank === 'absent' && value.trim() === '')) continue;
    const problem = setValueProblem(field, value);
    if (problem === null) set[field] = normalizeSetValue(field, value);
    else problems.push({ field, message: problem });
  }
  return { set, problems };
}

/** A field of the review that asks for a value the file lacks: the console and the add-on show one input each. */
export interface ReviewField {
  field: SettableField;
  /** What the input starts with: the value set, else the proposal (or the default), else empty. */
  value: string;
  /** The warning that says what was proposed, or the error that says it is missing, or the note on relative years; null when none. */
  issue: Issue | null;
  /**
   * Where the value comes from, in words, when no issue says it: the currency's and the direction's
   * default, the sheet name the direction was read from, or what was set. null for the other fields.
   */
  note: string | null;
  /**
   * The value applies without being given (the default currency, the direction a sheet's name says or
   * the default): a door sends it as a value set only once the person changes it. A value set outranks
   * what a column or a title says — a direction set makes a Direction column chosen later ignored — so a
   * default nobody touched must not become one. False for the department, the category and the year,
   * whose value shown is sent as it is, and for a value that was set.
   */
  assumed: boolean;
}

type ReviewedAnalysis = Pick<
  Analysis,
  'issues' | 'set' | 'department' | 'category' | 'fiscalYear' | 'currency' | 'direction' | 'lines' | 'kind' | 'headerRow'
>;

const OTHER_SIDE = { expense: 'revenue', revenue: 'expense' } as const;

/**
 * The values a review asks for, from the analysis: the department and the category when no column gives
 * them (proposed, set, or missing); the fiscal year when the years are counted from the first (`Year 1`,
 * `Year 2`), when it was set, when the file names none (proposed: this fiscal year), or when none was
 * found for the periods; and, for a file read as a budget,
 * the currency when nothing in the file names it (the default applies; not when every line's amount says
 * its own) and the direction when no column gives it (the default, or the sheet's name). A value set is
 * always asked again, so it can be changed.
 */
export function reviewFields(analysis: ReviewedAnalysis): ReviewField[] {
  const issue = (code: string, fields: readonly string[]) =>
    analysis.issues.find((i) => i.code === code && i.field !== undefined && fields.includes(i.field)) ?? null;
  const out: ReviewField[] = [];
  for (const field of ['department', 'category'] as const) {
    const whole = analysis[field];
    const missing = issue('field.missing', [field]);
    if (whole === null && missing === null) continue;
    out.push({ field, value: whole?.value ?? '', issue: missing ?? issue(`${field}.proposed`, [field]), note: null, assumed: false });
  }
  const relative = analysis.fiscalYear.value !== null ? issue('period.relative_year', ['fiscal_year']) : null;
  // A year proposed because the file names none (this fiscal year) is asked for like a missing one, prefilled.
  const proposed = analysis.fiscalYear.value !== null ? issue('fiscal_year.proposed', ['fiscal_year']) : null;
  const noYear = issue('field.missing', ['fiscal_year', 'period']);
  if (analysis.set.fiscal_year !== undefined || relative !== null || proposed !== null || noYear !== null) {
    out.push({
      field: 'fiscal_year',
      value: analysis.set.fiscal_year ?? (analysis.fiscalYear.value === null ? '' : String(analysis.fiscalYear.value)),
      issue: noYear ?? proposed ?? relative,
      note: null,
      assumed: false,
    });
  }
  // Lines are read (or would be, once the values missing are given): the currency and direction they take matter.
  const read = analysis.lines.length > 0 || (analysis.kind.kind === 'budget' && analysis.headerRow !== null);
  const currency = analysis.currency;
  // Amounts that say their own currency (`€1,200`) keep it whatever the default.
  const ownCurrency = analysis.lines.length > 0 && analysis.lines.every((l) => l.currency !== currency.value);
  if (analysis.set.currency !== undefined) {
    out.push({
      field: 'currency',
      value: currency.value,
      issue: null,
      note: `The amounts are read as ${currency.value}, as you set.`,
      assumed: false,
    });
  } else if (read && currency.source === 'default' && !ownCurrency) {
    out.push({
      field: 'currency',
      value: currency.value,
      issue: null,
      note: `No column or title names the currency: the amounts are read as ${currency.value}, the default. If they are in another currency, give its three-letter code (such as ${currency.value === 'EUR' ? 'USD' : 'EUR'}).`,
      assumed: true,
    });
  }
  // An analysis from an API older than the direction has none: nothing to ask.
  const direction = analysis.direction ?? null;
  if (direction !== null && (analysis.set.direction !== undefined || read)) {
    const side = direction.value === 'revenue' ? 'revenue' : 'expense';
    const given = analysis.set.direction !== undefined;
    out.push({
      field: 'direction',
      value: side,
      issue: null,
      note: given
        ? `Every line is read as ${side}, as you set.`
        : `No column says whether a line spends or brings money in: every line is read as ${side} (${direction.source === 'default' ? 'the default' : `from ${direction.source}`}). Choose ${OTHER_SIDE[side]} if ${side === 'expense' ? 'the file brings money in' : 'the file spends it'}.`,
      assumed: !given,
    });
  }
  return out;
}
