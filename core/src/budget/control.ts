/**
 * Budgetary control decisions (DESIGN §2, Oracle Budgetary Control's model): given a budget, what it has
 * consumed (reserved, committed, actual) and a requested amount, is the request allowed? Pure and exact:
 * figures are bigint minor units (cents), so `available` never drifts by a float rounding.
 */
import { formatMoney, PERCENT_SCALE, parsePercent } from './amounts.ts';

export type ControlLevel = 'block' | 'warn' | 'track';
export type ControlBasis = 'period' | 'ytd' | 'annual';
export type MissingBudgetPolicy = 'fail' | 'warn';
export type ControlDecisionKind = 'pass' | 'warn' | 'fail';

export const CONTROL_LEVELS: readonly ControlLevel[] = ['block', 'warn', 'track'];
export const CONTROL_BASES: readonly ControlBasis[] = ['period', 'ytd', 'annual'];
export const MISSING_BUDGET_POLICIES: readonly MissingBudgetPolicy[] = ['fail', 'warn'];

export interface ControlInput {
  /** The budget of the control basis (the line, or the lines summed for `ytd`/`annual`), in minor units. */
  budget: bigint;
  reserved: bigint;
  committed: bigint;
  actual: bigint;
  /** The requested amount, in minor units; positive. */
  amount: bigint;
  controlLevel: ControlLevel;
  /** Percent of the budget as decimal text (`"2.5"`); `"0"` for none. */
  tolerancePercent: string;
  /** In minor units; `0n` for none. */
  toleranceAmount: bigint;
  /** For the message; figures are shown without a currency when absent. */
  currency?: string;
  /** What is being controlled, for the message (see {@link describeScope}): `Marketing / Travel in 2026-03`. */
  scope?: string;
}

export interface ControlDecision {
  decision: ControlDecisionKind;
  /** budget − reserved − committed − actual, before the request. */
  available: bigint;
  /** available − amount. */
  availableAfter: bigint;
  /** How far past the budget the request may go and still be allowed (see {@link toleranceOf}). */
  tolerance: bigint;
  /** How far past the budget the request goes; 0 when it fits. */
  overBy: bigint;
  message: string;
}

/**
 * The tolerance rule in words, for every text that explains it (the console's settings page, the API's
 * settings schema, the README): one source, so no text can say "the larger applies" while the code
 * applies the smaller (toleranceOf below).
 */
export const TOLERANCE_RULE =
  'How far over its budget a request may still go: a percent of the budget, an amount, or both. With both set, the smaller of the two applies.';

/**
 * The tolerance in minor units. When both a percent (of the budget) and an amount are set, the SMALLER of
 * the two applies: a controller who writes "10%, at most 500.00" means both limits to hold, and the
 * percent alone would allow large absolute overruns on big budgets while the amount alone would be
 * generous on small ones. When only one is set, that one applies; when neither, there is none.
 * The percent part is rounded down to the cent (never allow more than the percent says); a budget of
 * zero or less has no percent tolerance.
 */
export function toleranceOf(budget: bigint, tolerancePercent: string, toleranceAmount: bigint): bigint {
  const pct = parsePercent(tolerancePercent);
  if (pct === null) throw new RangeError(`invalid tolerance percent: ${tolerancePercent}`);
  if (toleranceAmount < 0n) throw new RangeError(`invalid tolerance amount: ${toleranceAmount}`);
  const fromPercent = budget > 0n ? (budget * pct) / (100n * PERCENT_SCALE) : 0n;
  if (pct > 0n && toleranceAmount > 0n) return fromPercent < toleranceAmount ? fromPercent : toleranceAmount;
  if (pct > 0n) return fromPercent;
  return toleranceAmount;
}

/**
 * The decision for a request against a budget:
 * - it fits (availableAfter ≥ 0) → `pass`, whatever the level;
 * - it goes over by no more than the tolerance → `warn` (allowed) under `block` and `warn`; `pass` under `track`;
 * - it goes over by more → `fail` under `block`, `warn` (advisory) under `warn`, `pass` under `track`
 *   (recorded only; the message still says it is over).
 */
export function decideControl(input: ControlInput): ControlDecision {
  const { budget, amount, controlLevel } = input;
  const available = budget - input.reserved - input.committed - input.actual;
  const availableAfter = available - amount;
  const tolerance = toleranceOf(budget, input.tolerancePercent, input.toleranceAmount);
  const overBy = availableAfter < 0n ? -availableAfter : 0n;
  const cur = input.currency ?? '';
  const m = (v: bigint) => formatMoney(v, cur);
  const scope = input.scope ? ` for ${input.scope}` : '';
  const position = `${m(amount)} requested, ${availableText(available, budget, cur)}`;

  if (overBy === 0n) {
    return {
      decision: 'pass',
      available,
      availableAfter,
      tolerance,
      overBy,
      message: `Within budget${scope}: ${position}; ${m(availableAfter)} will be left.`,
    };
  }
  const within = overBy <= tolerance;
  const beyond = tolerance > 0n ? `, beyond the tolerance of ${m(tolerance)}` : ' (no tolerance is set)';
  let decision: ControlDecisionKind;
  let message: string;
  if (controlLevel === 'track') {
    decision = 'pass';
    message = `Over budget${scope} by ${m(overBy)}: ${position}. Allowed: this budget is only tracked, so the overspend is recorded, not stopped.`;
  } else if (within) {
    decision = 'warn';
    message = `Over budget${scope} by ${m(overBy)}, within the tolerance of ${m(tolerance)}: ${position}. Allowed with a warning.`;
  } else if (controlLevel === 'warn') {
    decision = 'warn';
    message =
      `Over budget${scope} by ${m(overBy)}${beyond}: ${position}. ` +
      'Allowed with a warning, because this budget is under advisory control.';
  } else {
    decision = 'fail';
    message = `Not enough budget${scope}: ${position}. That is ${m(overBy)} over${beyond}, so the request is blocked.`;
  }
  return { decision, available, availableAfter, tolerance, overBy, message };
}

function availableText(available: bigint, budget: bigint, cur: string): string {
  const of = `the ${formatMoney(budget, cur)} budget`;
  if (available > 0n) return `${formatMoney(available, cur)} of ${of} available`;
  if (available === 0n) return `nothing of ${of} left`;
  return `nothing of ${of} left (already ${formatMoney(-available, cur)} over)`;
}

export interface MissingBudgetInput {
  policy: MissingBudgetPolicy;
  amount: bigint;
  currency?: string;
  /** `Marketing / Travel in 2026-03`. */
  scope?: string;
}

/** The decision when no budget line matches: `fail` refuses the request, `warn` lets it through with a warning. */
export function decideMissingBudget(input: MissingBudgetInput): { decision: 'fail' | 'warn'; message: string } {
  const what = `${formatMoney(input.amount, input.currency ?? '')} requested`;
  const where = input.scope ? ` for ${input.scope}` : '';
  if (input.policy === 'fail') {
    return {
      decision: 'fail',
      message: `There is no budget${where} (${what}), and requests without a budget are refused. Add a budget line first.`,
    };
  }
  return {
    decision: 'warn',
    message: `There is no budget${where} (${what}). Allowed with a warning, because this organization lets requests without a budget through.`,
  };
}

export interface ScopeInput {
  department: string;
  /** Null for a roll-up that names no category. */
  category: string | null;
  project?: string | null;
  /** Further dimensions the request names (or the line holds), shown after the names: `fund 6064`. */
  dimensions?: Readonly<Record<string, string>> | undefined;
  /** The period key of the budget line (or of the request when no line matched). */
  period: string;
  basis?: ControlBasis;
  fiscalYear?: number | null;
}

/** `Marketing / Travel in 2026-03`, `Marketing / Travel, FY2026 year to date through 2026-03`, `… for the whole of FY2026`. */
export function describeScope(s: ScopeInput): string {
  const dims = Object.entries(s.dimensions ?? {}).map(([n, v]) => `${n} ${v}`);
  const name = [s.department, s.category, s.project, ...dims].filter((p): p is string => typeof p === 'string' && p !== '').join(' / ');
  if (s.basis === 'ytd' && s.fiscalYear) return `${name}, FY${s.fiscalYear} year to date through ${s.period}`;
  if (s.basis === 'annual' && s.fiscalYear) return `${name} for the whole of FY${s.fiscalYear}`;
  return `${name} in ${s.period}`;
}
