/** Deterministic generated budget files for benchmarks: long layout, 8 columns. */
import * as XLSX from '@e965/xlsx';

const DEPARTMENTS = ['Marketing', 'Sales', 'Engineering', 'Finance', 'Human Resources', 'Operations', 'Legal', 'Support'];
const CATEGORIES = ['Travel', 'Software', 'Contractors', 'Events', 'Training', 'Rent', 'Hardware', 'Consulting'];

/** Rows of Department, Category, Project, Month, Fiscal Year, Amount, Owner, Notes — all keys distinct. */
export function* budgetRows(count: number): Generator<string[]> {
  let seed = 42;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  for (let i = 0; i < count; i++) {
    const month = (i % 12) + 1;
    const group = Math.floor(i / 12);
    const dept = DEPARTMENTS[group % DEPARTMENTS.length] as string;
    const cat = CATEGORIES[Math.floor(group / DEPARTMENTS.length) % CATEGORIES.length] as string;
    const project = `PRJ-${Math.floor(group / 64)}`;
    const amount = (500 + Math.floor(rand() * 9_500_00) / 100).toFixed(2);
    yield [dept, cat, project, `2026-${String(month).padStart(2, '0')}`, 'FY2026', amount, `${dept.toLowerCase()}@acme.example`, ''];
  }
}

export const HEADER = ['Department', 'Category', 'Project', 'Month', 'Fiscal Year', 'Budget Amount', 'Owner', 'Notes'];

export function budgetCsv(count: number): string {
  const parts: string[] = [HEADER.join(',')];
  for (const r of budgetRows(count)) parts.push(r.join(','));
  return `${parts.join('\n')}\n`;
}

export function budgetXlsx(count: number): Uint8Array {
  const aoa: (string | number)[][] = [HEADER];
  for (const r of budgetRows(count)) aoa.push([r[0], r[1], r[2], r[3], r[4], Number(r[5]), r[6], r[7]] as (string | number)[]);
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(aoa, { dense: true }), 'Budget');
  return new Uint8Array(XLSX.write(wb, { type: 'array', bookType: 'xlsx', compression: true }) as ArrayBuffer);
}
