/**
 * `--set FIELD=VALUE` (repeatable; `analyze` and `import`): a value the file lacks, such as the department
 * of a file that is one unit's budget (DESIGN §3). Parsed here once for both commands; the values are
 * checked by core's checkSetValues, as the API, the console and the add-on check theirs.
 */
import { checkSetValues, SET_EXAMPLE, SETTABLE_FIELDS, type SetValues, type SettableField } from '@budget-sync/core';

/** The values given, or a message saying what is wrong with one of them. */
export function parseSetFlags(entries: readonly string[]): { set: SetValues } | { error: string } {
  const given: Partial<Record<SettableField, string>> = {};
  for (const entry of entries) {
    const at = entry.indexOf('=');
    const field = (at < 0 ? entry : entry.slice(0, at)).trim().toLowerCase().replace(/-/g, '_') as SettableField;
    const value = at < 0 ? '' : entry.slice(at + 1).trim();
    if (!SETTABLE_FIELDS.includes(field)) {
      return {
        error: `--set takes one of ${SETTABLE_FIELDS.join(', ')}, as in --set department=Marketing; "${entry}" names no such field.`,
      };
    }
    if (value === '') return { error: `--set ${field}= needs a value, as in --set ${field}=${SET_EXAMPLE[field]}.` };
    given[field] = value;
  }
  const { set, problems } = checkSetValues(given, 'refuse');
  const wrong = problems[0];
  return wrong === undefined ? { set } : { error: `--set ${wrong.field} ${wrong.message}.` };
}
