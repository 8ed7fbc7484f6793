/**
 * Sheets for the add-on tests: a corpus CSV as Google Sheets would hold it once pasted (numbers as
 * numbers, ISO dates as dates, the text as typed for display), the small "Plan" sheet whose amount
 * column detection gets wrong until the user maps it, and a big generated budget.
 */
import { readFileSync } from 'node:fs';
import { corpusDir } from '../../support/corpus.ts';
import type { Cell, SheetInit } from './fake-spreadsheet.ts';

const NUMBER = /^-?\d+(\.\d+)?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function asCell(text: string): Cell {
  if (NUMBER.test(text)) return Number(text);
  if (ISO_DATE.test(text)) return new Date(`${text}T00:00:00Z`);
  return text;
}

/** A corpus CSV (no quoted fields) as sheet values. */
export function sheetFromCsv(file: string, name: string): SheetInit {
  const lines = readFileSync(`${corpusDir}${file}`, 'utf8').trim().split(/\r?\n/);
  const display = lines.map((l) => l.split(','));
  return { name, values: display.map((r) => r.map(asCell)), display };
}

/**
 * Team × account × month with two figure columns: "Headcount" and "Zorgl", a title nobody uses.
 * Detection takes Zorgl, whose values look like money, for the amount (low confidence, to confirm).
 */
export function planSheet(name = 'Plan'): SheetInit {
  const values: Cell[][] = [['Team', 'Account', 'Month', 'Headcount', 'Zorgl']];
  let i = 0;
  for (const team of ['Marketing', 'Sales', 'Engineering']) {
    for (const account of ['Travel', 'Software', 'Events']) {
      for (const month of ['2026-01', '2026-02']) values.push([team, account, month, 3 + (i % 4), 1000 + i++ * 250.5]);
    }
  }
  return { name, values };
}

const DEPARTMENTS = ['Marketing', 'Sales', 'Engineering', 'Finance', 'Operations', 'Legal', 'People', 'Support', 'Product', 'Research'];
const CATEGORIES = [
  'Travel',
  'Software',
  'Contractors',
  'Rent',
  'Consulting',
  'Training',
  'Equipment',
  'Events',
  'Advertising',
  'Utilities',
];

/** `rows` budget lines × 10 columns, each line a distinct department × category × project × month. */
export function bigBudgetSheet(rows: number, name = 'FY2026 Budget'): SheetInit {
  const values: Cell[][] = [
    ['Department', 'Category', 'Project', 'Month', 'Amount', 'Currency', 'Owner', 'Cost Center', 'Region', 'Notes'],
  ];
  const display: string[][] = [values[0] as string[]];
  for (let i = 0; i < rows; i++) {
    const month = (i % 12) + 1;
    const dept = DEPARTMENTS[Math.floor(i / 12) % 10] as string;
    const cat = CATEGORIES[Math.floor(i / 120) % 10] as string;
    const project = `P-${Math.floor(i / 1200)}`;
    const amount = ((i * 7919) % 100_000) / 100 + 100;
    const date = new Date(Date.UTC(2026, month - 1, 1));
    const owner = `owner${i % 50}@example.com`;
    const row: Cell[] = [
      dept,
      cat,
      project,
      date,
      amount,
      'USD',
      owner,
      `CC-${1000 + (i % 10)}`,
      ['EMEA', 'AMER', 'APAC'][i % 3] as string,
      i % 7 === 0 ? 'carry-over' : '',
    ];
    values.push(row);
    display.push([
      dept,
      cat,
      project,
      `2026-${String(month).padStart(2, '0')}`,
      amount.toFixed(2),
      'USD',
      owner,
      row[7] as string,
      row[8] as string,
      row[9] as string,
    ]);
  }
  return { name, values, display };
}

/**
 * One unit's grant budget: a title row, no department column, the years counted from the first
 * (`Year 1`, `Year 2`). The review proposes the department (from the title) and the first year.
 */
export function grantSheet(name = 'Grant'): SheetInit {
  return {
    name,
    values: [
      ['Research Office grant', '', ''],
      ['Category', 'Year 1', 'Year 2'],
      ['Travel', 100, 200],
      ['Equipment', 50, 75.5],
    ],
  };
}
