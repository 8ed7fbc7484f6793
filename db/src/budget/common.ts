/**
 * Helpers shared by the budget-control services: request normalization, money from NUMERIC text, and the
 * mapping of core's input errors to DomainError. Value imports stay runtime-neutral (no node:*), because
 * these services also run on Workers with Neon's Pool.
 */
import {
  dimensionTerm,
  isBudgetInputError,
  parseDecimal,
  parseRequestMoney,
  type RequestPeriod,
  resolveRequestPeriod,
} from '@budget-sync/core';
import { DomainError } from '../errors.ts';

/**
 * The question "may I spend `amount` at this level in this period?": a department and any of category,
 * project and further dimensions (DESIGN §2 "Control"). Without a category the level is a roll-up of the
 * department's lines (of any project unless one is named); with a category, a null project means the
 * lines without one, as it always has.
 */
export interface BudgetQuery {
  department: string;
  category?: string | null;
  project?: string | null;
  /** Further dimensions, name → value or code (`{"fund": "6064"}`); matched trimmed and case-insensitively. */
  dimensions?: Record<string, string | number> | null;
  /** `YYYY-MM`, `YYYY-Qn` (fiscal quarter) or `FYYYYY`; or give `date` instead. Neither: today (UTC). */
  period?: string;
  /** `YYYY-MM-DD`. */
  date?: string;
  /** Positive decimal text, at most 2 decimals. */
  amount: string;
  /** ISO code; when given it must be the budget line's currency. */
  currency?: string;
}

export interface NormalizedQuery {
  department: string;
  category: string | null;
  project: string | null;
  /** The dimensions as given (trimmed), `{}` when none. */
  dimensions: Record<string, string>;
  /** Their match terms (core's dimensionTerm), sorted: a line matches when it holds them all. */
  terms: string[];
  /** The period or date as given, in canonical form (`2026-Q1`), or null when neither was given. */
  requested: string | null;
  amount: bigint;
  currency: string | null;
  /** The request's period resolved for each fiscal-year start month: index = start month − 1. Shared: never change it. */
  periods: readonly RequestPeriod[];
  /**
   * Whether the dates of `periods` depend on the start month (a quarter, a fiscal year); a month or a day
   * is the same whatever month the year starts in, and travels to the evaluation as one date pair.
   */
  periodsVary: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(s: unknown): s is string {
  return typeof s === 'string' && UUID.test(s);
}

/** Runs `fn`, turning core's BudgetInputError into the DomainError of the same code. */
export function asDomain<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (isBudgetInputError(e)) throw new DomainError(e.code, e.message);
    throw e;
  }
}

function requiredText(value: unknown, field: string): string {
  const s = typeof value === 'string' ? value.trim() : '';
  if (s === '') throw new DomainError('input.invalid', `A budget request needs a ${field}.`);
  return storable(s, field);
}

export function optionalText(value: unknown, field: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new DomainError('input.invalid', `The ${field} must be text.`);
  const s = value.trim();
  return s === '' ? null : storable(s, field);
}

/**
 * One canonical form for every name before it is locked on or looked up (issue: overspend through lone
 * UTF-16 surrogates). Postgres text cannot hold the NUL character: refused here, with the field named,
 * instead of failing the statement — which for a check is shared with other requests (check.ts batches
 * them). A lone surrogate (an unpaired UTF-16 code unit, as a mis-encoded file or a hostile client sends)
 * is refused too: the driver sends it as U+FFFD, so `"Surr\uD800"` and `"Surr\uD801"` would find the same
 * line while the reservation lock, built from the text as JavaScript holds it, would tell them apart —
 * and two spellings could each spend the whole line. A client that means U+FFFD sends U+FFFD.
 */
function storable(s: string, field: string): string {
  if (s.includes('\u0000')) {
    throw new DomainError(
      'input.invalid',
      `The ${field} contains a NUL character (\\u0000), which cannot be stored; remove it and send again.`,
    );
  }
  const lone = LONE_SURROGATE.exec(s);
  if (lone !== null) {
    throw new DomainError(
      'input.invalid',
      `The ${field} contains an unpaired UTF-16 surrogate (\\u${s.charCodeAt(lone.index).toString(16).toUpperCase()} at character ${lone.index + 1}), which is not text; send it as valid Unicode (U+FFFD where a character was lost).`,
    );
  }
  return s;
}

/** A high surrogate not followed by a low one, or a low one not preceded by a high one (code units: no `u` flag). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Most dimensions a request may name. */
const MAX_DIMENSIONS = 20;

/** A request's dimensions, trimmed: each a name and a value (text or a number, such as a fund code). */
function requestDimensions(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new DomainError('input.invalid', 'The dimensions must be an object of names and values, such as {"fund": "6064"}.');
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > MAX_DIMENSIONS) {
    throw new DomainError('input.invalid', `A budget request may name at most ${MAX_DIMENSIONS} dimensions, not ${entries.length}.`);
  }
  const out: Record<string, string> = {};
  for (const [rawName, rawValue] of entries) {
    const name = storable(rawName.trim(), 'dimension name');
    if (name === '') throw new DomainError('input.invalid', 'A dimension needs a name, such as "fund".');
    const field = `dimension "${name}"`;
    const text = typeof rawValue === 'number' && Number.isFinite(rawValue) ? String(rawValue) : rawValue;
    if (typeof text !== 'string' || text.trim() === '') {
      throw new DomainError('input.invalid', `The ${field} needs a value (its name or code as text, such as "6064").`);
    }
    if (Object.keys(out).some((n) => n.toLowerCase() === name.toLowerCase())) {
      throw new DomainError('input.invalid', `The ${field} is named twice; name each dimension once.`);
    }
    out[name] = storable(text.trim(), field);
  }
  return out;
}

export function normalizeQuery(q: BudgetQuery): NormalizedQuery {
  const department = requiredText(q.department, 'department');
  const category = optionalText(q.category, 'category');
  const project = optionalText(q.project, 'project');
  const dimensions = requestDimensions(q.dimensions);
  const terms = [...new Set(Object.entries(dimensions).map(([n, v]) => dimensionTerm(n, v)))].sort();
  const money = asDomain(() => parseRequestMoney(q.amount));
  const amount = money.minor;
  // A currency written in the amount (`"$20,000"`, `"1.200,00 €"`) is the request's currency, as if sent
  // in `currency`; both given must agree.
  let currency: string | null = money.currency;
  if (q.currency !== undefined && q.currency !== null && String(q.currency).trim() !== '') {
    const given = String(q.currency).trim().toUpperCase();
    if (!/^[A-Z]{3}$/.test(given)) {
      throw new DomainError('input.invalid', `"${q.currency}" is not a three-letter currency code such as USD.`);
    }
    if (currency !== null && currency !== given) {
      throw new DomainError(
        'amount.invalid',
        `The amount ${JSON.stringify(q.amount)} is in ${currency}, but the request's currency is ${given}.`,
      );
    }
    currency = given;
  }
  const { periods, vary } = requestPeriods(q);
  const given = (typeof q.period === 'string' && q.period.trim() !== '') || (typeof q.date === 'string' && q.date.trim() !== '');
  return {
    department,
    category,
    project,
    dimensions,
    terms,
    requested: given ? (periods[0] as RequestPeriod).key : null,
    amount,
    currency,
    periods,
    periodsVary: vary,
  };
}

interface ResolvedPeriods {
  periods: readonly RequestPeriod[];
  vary: boolean;
}

/**
 * The request's period resolved for all twelve fiscal-year start months, which lets the evaluation pick
 * the org's own inside its one statement instead of reading the org first. The same `period` or `date`
 * text always resolves the same way, so the answers are kept (frozen, shared by the requests that ask
 * them) — a busy API sees the same few periods over and over; a request without either is today's date
 * and is resolved afresh. Refused texts throw every time and are not kept.
 */
function requestPeriods(q: Pick<BudgetQuery, 'period' | 'date'>): ResolvedPeriods {
  const key =
    typeof q.period === 'string' && (q.date === undefined || q.date === null)
      ? `p${q.period}`
      : typeof q.date === 'string' && (q.period === undefined || q.period === null)
        ? `d${q.date}`
        : null;
  const kept = key === null ? undefined : resolvedPeriods.get(key);
  if (kept !== undefined) return kept;
  const today = new Date();
  const periods = asDomain(() => Array.from({ length: 12 }, (_, i) => Object.freeze(resolveRequestPeriod(q, i + 1, today))));
  const first = periods[0] as RequestPeriod;
  const resolved: ResolvedPeriods = Object.freeze({
    periods: Object.freeze(periods),
    vary: periods.some((p) => p.start !== first.start || p.end !== first.end),
  });
  // A blank text means today: not kept, as the day changes.
  if (key !== null && key.trim().length > 1) {
    if (resolvedPeriods.size >= MAX_KEPT_PERIODS) resolvedPeriods.clear();
    resolvedPeriods.set(key, resolved);
  }
  return resolved;
}

/** Periods kept at most (all are dropped when full: a few hundred distinct periods is a busy year). */
const MAX_KEPT_PERIODS = 1000;
const resolvedPeriods = new Map<string, ResolvedPeriods>();

/** NUMERIC text from Postgres (`"1234.50"`, a sum with any number of digits) → minor units. */
export function minor(text: string | null | undefined): bigint {
  if (text === null || text === undefined) return 0n;
  const v = parseDecimal(text);
  if (v === null) throw new Error(`not a NUMERIC(…,2) value: ${text}`);
  return v;
}
