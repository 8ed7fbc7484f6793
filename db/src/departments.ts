/**
 * Department limits of a person (DESIGN §2 "People": optional departments that limit what they see and
 * change). `null` or `undefined`: no limit (API keys, unlimited people). Names match case-insensitively,
 * as budget lines do. Reads filter by `departmentFilter`; writes outside are refused with
 * `department.forbidden`, which names the department (or the file's rows) and the person's departments.
 */
import { DomainError } from './errors.ts';

export type DepartmentLimit = readonly string[] | null | undefined;

/** The limit as lowercased names for `lower(department) = ANY($n)`; null: no limit. */
export function departmentFilter(limit: DepartmentLimit): string[] | null {
  return limit ? limit.map((d) => d.toLowerCase()) : null;
}

export function allowsDepartment(limit: DepartmentLimit, department: string): boolean {
  if (!limit) return true;
  const d = department.toLowerCase();
  return limit.some((a) => a.toLowerCase() === d);
}

/** Refuses a change or read of `department` outside the limit. */
export function requireDepartment(limit: DepartmentLimit, department: string): void {
  if (allowsDepartment(limit, department)) return;
  throw new DomainError(
    'department.forbidden',
    `You may only work with the departments ${(limit ?? []).join(', ')}; "${department}" is not one of them. Ask an admin to widen your departments.`,
    { department, departments: limit },
  );
}

/**
 * Refuses a change of the whole organization (its settings, sources, people) to a person limited to
 * departments: it would reach departments outside theirs (and could widen their own limit).
 */
export function requireNoDepartmentLimit(limit: DepartmentLimit, who: string): void {
  if (!limit) return;
  throw new DomainError(
    'department.forbidden',
    `${who} (${limit.join(', ')}), and this changes the whole organization. Ask an admin without a department limit.`,
    { departments: limit },
  );
}

/**
 * Refuses a file with lines outside the limit, naming each department and the rows it is on (the first
 * 20 rows per department), so the person can take them out of the file or ask for the department.
 */
export function requireFileDepartments(
  limit: DepartmentLimit,
  lines: ReadonlyArray<{ department: string; sourceRow?: number | null }>,
): void {
  if (!limit) return;
  const outside = new Map<string, number[]>();
  for (const l of lines) {
    if (allowsDepartment(limit, l.department)) continue;
    const rows = outside.get(l.department) ?? [];
    if (l.sourceRow != null && rows.length < 20 && !rows.includes(l.sourceRow)) rows.push(l.sourceRow);
    outside.set(l.department, rows);
  }
  if (outside.size === 0) return;
  const named = [...outside].map(([d, rows]) => `"${d}" (rows ${rows.join(', ')})`).join('; ');
  throw new DomainError(
    'department.forbidden',
    `The file has lines outside your departments (${limit.join(', ')}): ${named}. Remove those rows, or ask an admin to widen your departments.`,
    { departments: limit, rows: [...outside].map(([department, rows]) => ({ department, rows })) },
  );
}
