/**
 * Budget control settings of an org (DESIGN §2): control level, tolerance, what to do without a budget,
 * control basis, fiscal-year start, and the per department/category overrides. Read in one statement;
 * updated in one transaction that replaces the override list as a whole.
 */
import {
  CONTROL_BASES,
  CONTROL_LEVELS,
  type ControlBasis,
  type ControlLevel,
  formatMinor,
  formatPercent,
  MAX_MINOR,
  MISSING_BUDGET_POLICIES,
  type MissingBudgetPolicy,
  overrideSpecificity,
  PERCENT_SCALE,
  parseDecimal,
  parsePercent,
} from '@budget-sync/core';
import type pg from 'pg';
import { transaction } from '../checkout.ts';
import { allowsDepartment, type DepartmentLimit } from '../departments.ts';
import { DomainError } from '../errors.ts';
import { isUuid, optionalText } from './common.ts';

export interface ControlOverride {
  /** Null: any department. Matched case-insensitively. */
  department: string | null;
  /** Null: any category. Matched case-insensitively. */
  category: string | null;
  /** Null: inherit. */
  controlLevel: ControlLevel | null;
  /** Null for both: inherit the tolerance; one set: that override's tolerance (the other part counts as none). */
  tolerancePercent: string | null;
  toleranceAmount: string | null;
}

export interface ControlSettings {
  controlLevel: ControlLevel;
  /** Percent of the budget, shortest decimal text (`"2.5"`, `"0"`). */
  tolerancePercent: string;
  /** Money, `"500.00"`. */
  toleranceAmount: string;
  missingBudget: MissingBudgetPolicy;
  controlBasis: ControlBasis;
  fiscalYearStartMonth: number;
  /** Most specific first (department+category, category, department), then by name. */
  overrides: ControlOverride[];
  /** Who changed the settings last (a person's email or a key's name) and when; null until someone does. */
  updatedBy: string | null;
  updatedAt: string | null;
}

export type ControlSettingsPatch = Partial<ControlSettings>;

/** Tolerances above 100% of the budget are almost certainly a typo (a 250 meant as an amount). */
const MAX_TOLERANCE_PERCENT = 100n * PERCENT_SCALE;

interface SettingsRow {
  control_level: ControlLevel;
  tolerance_percent: string;
  tolerance_amount: string;
  missing_budget: MissingBudgetPolicy;
  control_basis: ControlBasis;
  fiscal_year_start_month: number;
  settings_updated_by: string | null;
  settings_updated_at: Date | null;
  overrides: Array<{
    department: string | null;
    category: string | null;
    control_level: ControlLevel | null;
    tolerance_percent: string | null;
    tolerance_amount: string | null;
  }>;
}

const SETTINGS_SQL = `
  SELECT o.control_level, o.tolerance_percent::text AS tolerance_percent, o.tolerance_amount::text AS tolerance_amount,
         o.missing_budget, o.control_basis, o.fiscal_year_start_month, o.settings_updated_by, o.settings_updated_at,
         coalesce((SELECT json_agg(json_build_object(
                     'department', c.department, 'category', c.category, 'control_level', c.control_level,
                     'tolerance_percent', c.tolerance_percent::text, 'tolerance_amount', c.tolerance_amount::text))
                     FROM control_overrides c WHERE c.org_id = o.id), '[]'::json) AS overrides
    FROM organizations o WHERE o.id = $1`;

function pct(text: string): string {
  return formatPercent(parsePercent(text) ?? 0n);
}

function toSettings(r: SettingsRow): ControlSettings {
  const overrides = r.overrides.map(
    (o): ControlOverride => ({
      department: o.department,
      category: o.category,
      controlLevel: o.control_level,
      tolerancePercent: o.tolerance_percent === null ? null : pct(o.tolerance_percent),
      toleranceAmount: o.tolerance_amount,
    }),
  );
  overrides.sort(
    (a, b) =>
      overrideSpecificity(b) - overrideSpecificity(a) ||
      (a.department ?? '').localeCompare(b.department ?? '') ||
      (a.category ?? '').localeCompare(b.category ?? ''),
  );
  return {
    controlLevel: r.control_level,
    tolerancePercent: pct(r.tolerance_percent),
    toleranceAmount: r.tolerance_amount,
    missingBudget: r.missing_budget,
    controlBasis: r.control_basis,
    fiscalYearStartMonth: r.fiscal_year_start_month,
    overrides,
    updatedBy: r.settings_updated_by,
    updatedAt: r.settings_updated_at?.toISOString() ?? null,
  };
}

async function readSettings(db: pg.Pool | pg.PoolClient, orgId: string): Promise<ControlSettings> {
  const r = isUuid(orgId) ? await db.query<SettingsRow>(SETTINGS_SQL, [orgId]) : { rows: [] };
  const row = r.rows[0];
  if (!row) throw new DomainError('org.not_found', `There is no organization with id ${orgId}.`);
  return toSettings(row);
}

export async function getSettings(pool: pg.Pool, orgId: string): Promise<ControlSettings> {
  return readSettings(pool, orgId);
}

/** The settings as a person limited to departments sees them: the overrides of their departments and of none. */
export function settingsAsSeenBy(settings: ControlSettings, limit: DepartmentLimit): ControlSettings {
  if (!limit) return settings;
  return { ...settings, overrides: settings.overrides.filter((o) => o.department === null || allowsDepartment(limit, o.department)) };
}

/**
 * Changes the given settings and leaves the rest. `overrides`, when given, replaces the whole list (an
 * empty list removes them all). Everything is validated first; all problems are reported together in one
 * `input.invalid` error (details.problems). The fiscal-year start month cannot change while the org has
 * budget lines: their periods and fiscal years were computed with the old one.
 */
/** `actor`: who is changing them (recorded as settings_updated_by); omitted by callers that predate people. */
export async function updateSettings(pool: pg.Pool, orgId: string, patch: ControlSettingsPatch, actor?: string): Promise<ControlSettings> {
  const v = validatePatch(patch);
  if (!isUuid(orgId)) throw new DomainError('org.not_found', `There is no organization with id ${orgId}.`);
  return transaction(pool, async (client) => {
    const cur = await client.query<{ fysm: number; has_lines: boolean }>(
      `SELECT fiscal_year_start_month AS fysm,
              EXISTS (SELECT 1 FROM budget_lines b WHERE b.org_id = o.id AND b.deleted_at IS NULL) AS has_lines
         FROM organizations o WHERE id = $1 FOR UPDATE`,
      [orgId],
    );
    const org = cur.rows[0];
    if (!org) throw new DomainError('org.not_found', `There is no organization with id ${orgId}.`);
    if (v.fiscalYearStartMonth !== undefined && v.fiscalYearStartMonth !== org.fysm && org.has_lines) {
      throw new DomainError(
        'input.invalid',
        `The fiscal year cannot start in month ${v.fiscalYearStartMonth} instead of ${org.fysm} while the organization has budget lines: ` +
          'their periods and fiscal years were computed with the current start month.',
      );
    }
    await client.query(
      `UPDATE organizations SET
         control_level = coalesce($2, control_level),
         tolerance_percent = coalesce($3::numeric, tolerance_percent),
         tolerance_amount = coalesce($4::numeric, tolerance_amount),
         missing_budget = coalesce($5, missing_budget),
         control_basis = coalesce($6, control_basis),
         fiscal_year_start_month = coalesce($7::smallint, fiscal_year_start_month),
         settings_updated_by = coalesce($8, settings_updated_by),
         settings_updated_at = CASE WHEN $8::text IS NULL THEN settings_updated_at ELSE now() END
       WHERE id = $1`,
      [
        orgId,
        v.controlLevel ?? null,
        v.tolerancePercent ?? null,
        v.toleranceAmount ?? null,
        v.missingBudget ?? null,
        v.controlBasis ?? null,
        v.fiscalYearStartMonth ?? null,
        actor ?? null,
      ],
    );
    if (v.overrides !== undefined) {
      await client.query('DELETE FROM control_overrides WHERE org_id = $1', [orgId]);
      const o = v.overrides;
      if (o.length > 0) {
        await client.query(
          `INSERT INTO control_overrides (org_id, department, category, control_level, tolerance_percent, tolerance_amount)
           SELECT $1, d, c, l, p, a FROM unnest($2::text[], $3::text[], $4::text[], $5::numeric[], $6::numeric[]) AS u(d, c, l, p, a)`,
          [
            orgId,
            o.map((x) => x.department),
            o.map((x) => x.category),
            o.map((x) => x.controlLevel),
            o.map((x) => x.tolerancePercent),
            o.map((x) => x.toleranceAmount),
          ],
        );
      }
    }
    return readSettings(client, orgId);
  });
}

function validatePatch(patch: ControlSettingsPatch): ControlSettingsPatch {
  if (typeof patch !== 'object' || patch === null) throw new DomainError('input.invalid', 'The settings must be an object.');
  const problems: string[] = [];
  const out: ControlSettingsPatch = {};
  const level = (value: unknown, where: string): ControlLevel | null | undefined => {
    if (CONTROL_LEVELS.includes(value as ControlLevel)) return value as ControlLevel;
    problems.push(`${where} must be one of block, warn or track, not ${JSON.stringify(value)}.`);
    return undefined;
  };
  if (patch.controlLevel !== undefined) out.controlLevel = level(patch.controlLevel, 'The control level') ?? undefined;
  if (patch.tolerancePercent !== undefined) out.tolerancePercent = percent(patch.tolerancePercent, 'The tolerance percent', problems);
  if (patch.toleranceAmount !== undefined) out.toleranceAmount = money(patch.toleranceAmount, 'The tolerance amount', problems);
  if (patch.missingBudget !== undefined) {
    if (MISSING_BUDGET_POLICIES.includes(patch.missingBudget)) out.missingBudget = patch.missingBudget;
    else problems.push(`What to do without a budget must be fail or warn, not ${JSON.stringify(patch.missingBudget)}.`);
  }
  if (patch.controlBasis !== undefined) {
    if (CONTROL_BASES.includes(patch.controlBasis)) out.controlBasis = patch.controlBasis;
    else problems.push(`The control basis must be period, ytd or annual, not ${JSON.stringify(patch.controlBasis)}.`);
  }
  if (patch.fiscalYearStartMonth !== undefined) {
    const m = patch.fiscalYearStartMonth;
    if (Number.isInteger(m) && m >= 1 && m <= 12) out.fiscalYearStartMonth = m;
    else problems.push(`The fiscal year start must be a month number from 1 to 12, not ${JSON.stringify(m)}.`);
  }
  if (patch.overrides !== undefined) {
    if (!Array.isArray(patch.overrides)) problems.push('The overrides must be a list.');
    else out.overrides = validateOverrides(patch.overrides, problems, level);
  }
  if (problems.length > 0) throw new DomainError('input.invalid', problems.join(' '), { problems });
  return out;
}

function validateOverrides(
  list: readonly ControlOverride[],
  problems: string[],
  level: (value: unknown, where: string) => ControlLevel | null | undefined,
): ControlOverride[] {
  const seen = new Map<string, number>();
  return list.map((o, i) => {
    const where = `Override ${i + 1}`;
    if (typeof o !== 'object' || o === null) {
      problems.push(`${where} must be an object with department, category, controlLevel, tolerancePercent and toleranceAmount.`);
      return { department: null, category: null, controlLevel: null, tolerancePercent: null, toleranceAmount: null };
    }
    let department: string | null = null;
    let category: string | null = null;
    try {
      department = optionalText(o.department, 'department');
      category = optionalText(o.category, 'category');
    } catch {
      problems.push(`${where}: the department and category must be text or null.`);
    }
    const name = [department ?? 'any department', category ?? 'any category'].join(' / ');
    if (department === null && category === null) {
      problems.push(`${where} names neither a department nor a category; change the organization's own settings instead.`);
    }
    // The same scope twice (letter case aside) would make the precedence ambiguous.
    const key = `${department?.toLowerCase() ?? '\u0000'}\u0001${category?.toLowerCase() ?? '\u0000'}`;
    const dup = seen.get(key);
    if (dup !== undefined) problems.push(`${where} (${name}) repeats override ${dup}.`);
    else seen.set(key, i + 1);
    const controlLevel =
      o.controlLevel === null || o.controlLevel === undefined ? null : (level(o.controlLevel, `${where}: the control level`) ?? null);
    const tolerancePercent =
      o.tolerancePercent === null || o.tolerancePercent === undefined
        ? null
        : (percent(o.tolerancePercent, `${where}: the tolerance percent`, problems) ?? null);
    const toleranceAmount =
      o.toleranceAmount === null || o.toleranceAmount === undefined
        ? null
        : (money(o.toleranceAmount, `${where}: the tolerance amount`, problems) ?? null);
    if (o.controlLevel == null && o.tolerancePercent == null && o.toleranceAmount == null) {
      problems.push(`${where} (${name}) changes nothing: set a control level or a tolerance.`);
    }
    return { department, category, controlLevel, tolerancePercent, toleranceAmount };
  });
}

function percent(value: unknown, where: string, problems: string[]): string | undefined {
  const scaled = typeof value === 'string' || typeof value === 'number' ? parsePercent(String(value)) : null;
  if (scaled === null || scaled > MAX_TOLERANCE_PERCENT) {
    problems.push(`${where} must be a percentage from 0 to 100 with at most 4 decimals, such as "2.5", not ${JSON.stringify(value)}.`);
    return undefined;
  }
  return formatPercent(scaled);
}

function money(value: unknown, where: string, problems: string[]): string | undefined {
  const m = typeof value === 'string' || typeof value === 'number' ? parseDecimal(String(value).trim()) : null;
  if (m === null || m < 0n || m > MAX_MINOR) {
    problems.push(`${where} must be zero or a positive amount with at most 2 decimals, such as "500.00", not ${JSON.stringify(value)}.`);
    return undefined;
  }
  return formatMinor(m);
}
