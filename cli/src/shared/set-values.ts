/**
 * `--set FIELD=VALUE` (repeatable; `analyze` and `import`): a value the file lacks, such as the department
 * of a file that is one unit's budget (DESIGN §3). Parsed here once for both commands.
 */
import { SETTABLE_FIELDS, type SetValues, type SettableField } from '@budget-sync/core';

/** The values given, or a message saying what is wrong with one of them. */
export function parseSetFlags(entries: readonly string[]): { set: SetValues } | { error: string } {
  const set: SetValues = {};
  for (const entry of entries) {
    const at = entry.indexOf('=');
    const field = (at < 0 ? entry : entry.slice(0, at)).trim().toLowerCase().replace(/-/g, '_') as SettableField;
    const value = at < 0 ? '' : entry.slice(at + 1).trim();
    if (!SETTABLE_FIELDS.includes(field)) {
      return {
        error: `--set takes one of ${SETTABLE_FIELDS.join(', ')}, as in --set department=Marketing; "${entry}" names no such field.`,
      };
    }
    if (value === '') return { error: `--set ${field}= needs a value, as in --set ${field}=${example(field)}.` };
    if (field === 'direction' && value !== 'expense' && value !== 'revenue') {
      return { error: `--set direction must be expense or revenue, not "${value}".` };
    }
    if (field === 'currency' && !/^[A-Za-z]{3}$/.test(value)) {
      return { error: `--set currency must be a three-letter currency code such as EUR, not "${value}".` };
    }
    if (field === 'fiscal_year' && !/^(?:FY\s*)?\d{4}$/i.test(value)) {
      return { error: `--set fiscal_year must be a year such as 2026 or FY2026, not "${value}".` };
    }
    set[field] = value;
  }
  return { set };
}

function example(field: SettableField): string {
  return { department: 'Marketing', category: 'Travel', fiscal_year: '2026', currency: 'EUR', direction: 'revenue' }[field];
}
