/**
 * Personal data beyond identifiers (DESIGN §2): a list of named people with their pay, or with other
 * personal columns (date of birth, home address, private phone or e-mail, national id), is personal data
 * whatever the file's kind. Budget Sync never keeps a copy of such a file: the storing code skips files
 * whose analysis raises `pii.detected`. SSNs and IBANs are found per column in analyze.ts.
 */
import { type Concept, conceptsOf } from './kind-words.ts';
import type { ColumnMapping } from './mapping.ts';
import { type ColumnProfile, ratio } from './profile.ts';

export interface PersonalDataFinding {
  /** 0-based column of the people's names. */
  column: number;
  message: string;
}

const PAY: readonly Concept[] = ['salary', 'grossPay', 'netPay', 'payDeduction'];

function title(labels: readonly string[], col: number): string {
  const raw = (labels[col] ?? '').replace(/\s+/g, ' ').trim();
  return raw === '' ? `column ${col + 1}` : `column ${col + 1} ("${raw}")`;
}

/** The first column of people's names beside their pay or another personal column, or null. */
export function findPersonalData(
  labels: readonly string[],
  profiles: readonly ColumnProfile[],
  mapping: ColumnMapping,
): PersonalDataFinding | null {
  const concepts = profiles.map((p) => conceptsOf(labels[p.col] ?? ''));
  // Department, category and project labels are never people, however their values are capitalised.
  const dims = new Set((['department', 'category', 'project'] as const).map((f) => mapping.fields[f]));
  const candidates = profiles.filter(
    (p) => !dims.has(p.col) && p.nonEmpty >= 2 && p.distinct >= 2 && ratio(p.companyNames, p.nonEmpty) < 0.3,
  );
  // Values that read as names first; then a column titled for people (Name, Employee, Nom…), not their ids.
  const people =
    candidates.find((p) => ratio(p.personName, p.nonEmpty) >= 0.6) ??
    candidates.find(
      (p) => concepts[p.col]?.has('person') === true && ratio(p.text, p.nonEmpty) >= 0.8 && ratio(p.referenceIds, p.nonEmpty) < 0.5,
    );
  if (!people) return null;
  const filled = (p: ColumnProfile) => p.col !== people.col && p.nonEmpty > 0;
  const pay = profiles.find((p) => filled(p) && ratio(p.numeric, p.nonEmpty) >= 0.8 && PAY.some((c) => concepts[p.col]?.has(c)));
  const personal = profiles.find((p) => filled(p) && concepts[p.col]?.has('personal'));
  const other = pay ?? personal;
  if (!other) return null;
  const what = pay ? 'holds their pay' : 'holds personal details about them';
  return {
    column: people.col,
    message: `C${title(labels, people.col).slice(1)} names people and ${title(labels, other.col)} ${what}: a list of named people with ${
      pay ? 'pay' : 'personal details'
    } is personal data. Budget Sync does not keep a copy of this file. Remove the names, or the ${pay ? 'pay' : 'personal'} column, if the file should be kept.`,
  };
}
