/**
 * Which control settings apply to a department and category: the org's, overridden per department and/or
 * category (DESIGN §2). Pure, so the services and their tests share one precedence rule.
 */
import type { ControlLevel } from './control.ts';

export interface ControlRule {
  controlLevel: ControlLevel;
  /** Decimal percent text, `"0"` for none. */
  tolerancePercent: string;
  /** Decimal money text, `"0.00"` for none. */
  toleranceAmount: string;
}

/** A null department or category matches any; a null setting inherits. */
export interface ControlOverrideRule {
  department: string | null;
  category: string | null;
  controlLevel: ControlLevel | null;
  tolerancePercent: string | null;
  toleranceAmount: string | null;
}

/** department+category (3) > category (2) > department (1); the org itself is 0. */
export function overrideSpecificity(o: Pick<ControlOverrideRule, 'department' | 'category'>): number {
  if (o.department !== null && o.category !== null) return 3;
  if (o.category !== null) return 2;
  return o.department !== null ? 1 : 0;
}

/** A null wanted value (a roll-up that names no category) is matched only by overrides for any. */
function matches(value: string | null, wanted: string | null): boolean {
  return value === null || (wanted !== null && value.toLowerCase() === wanted.toLowerCase());
}

/**
 * The settings for `department` × `category` (matched case-insensitively, as budget lines are). The most
 * specific matching override wins, setting by setting:
 * - the control level comes from the most specific override that sets one, else the org;
 * - the tolerance is ONE setting of two parts: the most specific override that sets either part supplies
 *   both (the part it leaves empty counts as none). Otherwise "Travel: 10%" under an org-wide "at most
 *   500.00" would quietly become min(10%, 500.00), which is not what whoever wrote "10%" meant.
 */
export function resolveControl(
  org: ControlRule,
  overrides: readonly ControlOverrideRule[],
  department: string,
  category: string | null,
): ControlRule {
  const applicable = overrides
    .filter((o) => overrideSpecificity(o) > 0 && matches(o.department, department) && matches(o.category, category))
    .sort((a, b) => overrideSpecificity(b) - overrideSpecificity(a));
  const level = applicable.find((o) => o.controlLevel !== null)?.controlLevel ?? org.controlLevel;
  const tol = applicable.find((o) => o.tolerancePercent !== null || o.toleranceAmount !== null);
  if (tol === undefined) return { controlLevel: level, tolerancePercent: org.tolerancePercent, toleranceAmount: org.toleranceAmount };
  return { controlLevel: level, tolerancePercent: tol.tolerancePercent ?? '0', toleranceAmount: tol.toleranceAmount ?? '0.00' };
}
