/**
 * Money and percentages as the budget-control API takes and shows them: exact decimal text in, bigint
 * minor units (cents) inside, grouped figures with the currency in messages. Never JavaScript floats.
 */
import { detectNumberStyle, formatMinor, parseAmount, parseDecimal } from '../values/money.ts';
import { BudgetInputError } from './errors.ts';

/** The largest magnitude NUMERIC(18,2) holds, in minor units: 9,999,999,999,999,999.99. */
export const MAX_MINOR = 10n ** 18n - 1n;

/**
 * The largest single amount Budget Sync takes — a request's, or a budget line's from a file — in minor
 * units: 999,999,999,999.99. Ten thousand of them still fit one NUMERIC(18,2) total, so no figure a
 * client can send makes a later sum (a line's consumption, a summary) overflow.
 */
export const MAX_AMOUNT_MINOR = 10n ** 14n - 1n;
export const MAX_AMOUNT_TEXT = '999,999,999,999.99';

/**
 * A requested amount, read as the importer reads an amount cell (one engine for both doors): `"1250"`,
 * `"1,200.00"`, `"$20,000"`, `"1.234,50 €"`, `"EUR 12.00"`, `"1 234,50"`, or a JSON number. A separator
 * that is ambiguous on its own (`"1,234"` / `"1.234"`) is read in the default style (`,` groups thousands,
 * `.` is the decimal point; `"1.234,50"` says the other style itself): `"1.234"` is refused as having 3
 * decimals rather than guessed as 1,234 — a thousandfold error is worse than a question. Positive, at most
 * 2 decimals (no rounding), at most MAX_AMOUNT_TEXT. Throws BudgetInputError `amount.invalid` otherwise.
 * `currency` is the ISO code the text named (`$` → USD, `€` → EUR), or null.
 */
export function parseRequestMoney(text: unknown, what = 'The amount'): { minor: bigint; currency: string | null } {
  const s = typeof text === 'string' ? text.trim() : typeof text === 'number' ? String(text) : '';
  const plain = s === '' ? null : parseDecimal(s);
  let minor = plain;
  let currency: string | null = null;
  if (minor === null && s !== '' && s.length <= 40) {
    const parsed = parseAmount(s, detectNumberStyle([s]) ?? undefined);
    if (parsed.ok && !parsed.rounded) {
      minor = parsed.minor;
      currency = parsed.currency;
    }
  }
  if (minor === null) {
    throw new BudgetInputError(
      'amount.invalid',
      `${what} must be a number with at most 2 decimals, such as "1250.00", "1,250.00" or "$1,250", not ${JSON.stringify(text ?? null)}.`,
    );
  }
  if (minor <= 0n) throw new BudgetInputError('amount.invalid', `${what} must be more than zero, not ${JSON.stringify(text)}.`);
  if (minor > MAX_AMOUNT_MINOR) {
    throw new BudgetInputError(
      'amount.invalid',
      `${what} ${JSON.stringify(text)} is more than ${MAX_AMOUNT_TEXT}, the largest amount Budget Sync accepts.`,
    );
  }
  return { minor, currency };
}

/** parseRequestMoney's amount alone (commit and actual amounts: the reservation fixes the currency). */
export function parseRequestAmount(text: unknown, what = 'The amount'): bigint {
  return parseRequestMoney(text, what).minor;
}

/** Percentages are kept at 4 decimals (the column is NUMERIC(7,4)): `"2.5"` is `25000n`. */
export const PERCENT_SCALE = 10_000n;
const PERCENT = /^(\d{1,3})(?:\.(\d{1,4}))?$/;

/** `"10"`, `"2.5"`, `"0.1250"` → percent × 10,000; `null` for negatives, more than 4 decimals or ≥ 1000. */
export function parsePercent(text: string): bigint | null {
  const m = PERCENT.exec(text.trim());
  if (m === null) return null;
  return BigInt(m[1] ?? '0') * PERCENT_SCALE + BigInt((m[2] ?? '').padEnd(4, '0'));
}

/** Percent × 10,000 → the shortest decimal text: `25000n` → `"2.5"`, `100000n` → `"10"`. */
export function formatPercent(scaled: bigint): string {
  const whole = scaled / PERCENT_SCALE;
  const frac = (scaled % PERCENT_SCALE).toString().padStart(4, '0').replace(/0+$/, '');
  return frac === '' ? whole.toString() : `${whole}.${frac}`;
}

/** `123456789n, 'USD'` → `"1,234,567.89 USD"`: how a finance person reads a figure in a sentence. */
export function formatMoney(minor: bigint, currency: string): string {
  const plain = formatMinor(minor);
  const neg = plain.startsWith('-');
  const [whole = '', cents = ''] = (neg ? plain.slice(1) : plain).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const text = `${neg ? '-' : ''}${grouped}.${cents}`;
  return currency ? `${text} ${currency}` : text;
}
