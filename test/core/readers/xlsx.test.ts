/** Excel workbooks (xlsx and xls) → Workbook: values, dates, errors, merges, visibility, used range. */
import { afterEach, describe, expect, it } from 'vitest';
import { readWorkbook, sniffFormat } from '@budget-sync/core/readers';
import { checkZip } from '../../../core/src/readers/zip-guard.ts';
import { DEFAULT_LIMITS } from '../../../core/src/readers/options.ts';
import { corpusBytes } from '../../support/corpus.ts';
import { allRows, deflatedPart, makeWorkbook, makeZip, sheetNamed, zipParts, type SheetSpec } from './helpers.ts';

const JAN_2026 = 46023; // Excel serial of 2026-01-01

const budgetSheet: SheetSpec = {
  name: 'Budget',
  rows: [
    ['Operating budget 2026', null, null],
    ['Department', 'Account', 'Jan', 'Feb', 'Mar', 'Note'],
    ['Sales', 'Travel', 100, 200.5, 300, ''],
    [null, 'Software', 1, 2, 3, true],
    [null, 'Events', 4, 5, 6, false],
    [null, 'Rent', 7, 8, 9],
    [null, 'Phones', 10, 11, 12],
    [],
    ['Total', null, 122, 226.5, 330],
  ],
  cells: {
    C2: { t: 'n', v: JAN_2026, z: 'mmm-yy' },
    D2: { t: 'n', v: JAN_2026 + 31, z: 'mmm-yy' },
    E2: { t: 'n', v: JAN_2026 + 59.75, z: 'yyyy-mm-dd hh:mm' },
    G3: { t: 'e', v: 0x17 },
    G4: { t: 'e', v: 0x2a },
    G5: { t: 'e', v: 0x07 },
    C10: { t: 'n', v: 6874, z: '#,##0.00' },
    H2: { t: 'n', v: 0.5, z: 'h:mm' },
  },
  merges: ['A1:C1', 'A3:A7'],
  ref: 'A1:H10',
};

const workbookBytes = (bookType: 'xlsx' | 'biff8'): Uint8Array =>
  makeWorkbook(
    [
      { name: 'Read me', rows: [['Fill in the Budget sheet']] },
      budgetSheet,
      { name: 'Lookups', rows: [['hidden']], hidden: 1 },
      { name: 'Macros', rows: [['very hidden']], hidden: 2 },
    ],
    bookType,
  );

for (const [bookType, format, fileName] of [
  ['xlsx', 'xlsx', 'budget.xlsx'],
  ['biff8', 'xls', 'budget.xls'],
] as const) {
  describe(`${format} workbooks`, () => {
    const wb = readWorkbook(workbookBytes(bookType), fileName);
    const budget = sheetNamed(wb, 'Budget');
    const rows = allRows(budget);

    it(`is recognized as ${format} by its content and keeps the sheets in workbook order`, () => {
      expect(wb.format).toBe(format);
      expect(wb.fileName).toBe(fileName);
      expect(wb.sheets.map((s) => s.name)).toEqual(['Read me', 'Budget', 'Lookups', 'Macros']);
      expect(wb.notes.length).toBeGreaterThan(0);
    });

    it('marks hidden and very hidden sheets as hidden, and only those', () => {
      expect(wb.sheets.map((s) => s.hidden)).toEqual([false, false, true, true]);
    });

    it('gives a header merged across three columns to all three cells', () => {
      expect(rows[0]).toEqual(['Operating budget 2026', 'Operating budget 2026', 'Operating budget 2026']);
      expect(budget.displayText(0, 2)).toBe('Operating budget 2026');
    });

    it('gives a department merged down five rows to each of the five rows', () => {
      expect(rows.slice(2, 7).map((r) => r[0])).toEqual(['Sales', 'Sales', 'Sales', 'Sales', 'Sales']);
      expect(rows[8]?.[0]).toBe('Total');
    });

    it('reads date header cells as the shown day at UTC midnight, with the formatted text as display', () => {
      expect(rows[1]?.[2]).toEqual(new Date(Date.UTC(2026, 0, 1)));
      expect(rows[1]?.[3]).toEqual(new Date(Date.UTC(2026, 1, 1)));
      expect(budget.displayText(1, 2)).toBe('Jan-26');
      expect(budget.displayText(1, 3)).toBe('Feb-26');
    });

    it('keeps the calendar day of a date-time in the afternoon (its nearest UTC midnight is that day)', () => {
      expect(rows[1]?.[4]).toEqual(new Date(Date.UTC(2026, 2, 1)));
      expect(budget.displayText(1, 4)).toBe('2026-03-01 18:00');
    });

    it('reads a time of day without a date as its shown text, not as a date in 1899', () => {
      expect(rows[1]?.[7]).toBe('12:00');
    });

    it('reads formula error cells as their error text', () => {
      expect(rows.slice(2, 5).map((r) => r[6])).toEqual(['#REF!', '#N/A', '#DIV/0!']);
    });

    it('keeps numbers, strings and booleans typed, an empty string as null, and formatted text for display', () => {
      expect(rows[2]?.slice(1, 6)).toEqual(['Travel', 100, 200.5, 300, null]);
      expect(rows[3]?.[5]).toBe(true);
      expect(rows[4]?.[5]).toBe(false);
      expect(rows[9]?.[2]).toBe(6874);
      expect(budget.displayText(9, 2)).toBe('6,874.00');
      expect(budget.displayText(50, 50)).toBeUndefined();
    });

    it('visits a blank row inside the used range as [] and stops at the last used row', () => {
      expect(rows[7]).toEqual([]);
      expect(rows).toHaveLength(10);
      expect(budget.rowCount).toBe(10);
    });

    it('stops scanning when the visitor returns false', () => {
      const seen: number[] = [];
      budget.scan((_row, i) => {
        seen.push(i);
        return i < 2;
      });
      expect(seen).toEqual([0, 1, 2]);
    });
  });
}

describe('xlsx details', () => {
  const original = process.env.TZ;
  afterEach(() => {
    if (original === undefined) delete process.env.TZ;
    else process.env.TZ = original;
  });

  it('gives the same dates whatever the machine time zone is', () => {
    const bytes = workbookBytes('xlsx');
    for (const tz of ['Pacific/Kiritimati', 'America/Los_Angeles', 'Asia/Kolkata']) {
      process.env.TZ = tz;
      const rows = allRows(sheetNamed(readWorkbook(bytes, 'b.xlsx'), 'Budget'));
      expect(rows[1]?.[2], tz).toEqual(new Date(Date.UTC(2026, 0, 1)));
    }
  });

  it('numbers rows and columns from A1 even when the used range starts further in', () => {
    const bytes = makeWorkbook([{ name: 'S', cells: { C3: { t: 's', v: 'x' }, D4: { t: 'n', v: 5 } }, ref: 'C3:D4' }]);
    const rows = allRows(readWorkbook(bytes, 'offset.xlsx').sheets[0]);
    expect(rows).toEqual([[], [], [null, null, 'x'], [null, null, null, 5]]);
  });

  it('does not visit rows of the declared range beyond the last cell', () => {
    const bytes = makeWorkbook([{ name: 'S', rows: [['a'], ['b']], ref: 'A1:B5000' }]);
    const sheet = readWorkbook(bytes, 'tail.xlsx').sheets[0];
    expect(allRows(sheet)).toEqual([['a'], ['b']]);
    expect(sheet?.rowCount).toBe(2);
  });

  it('notes a workbook named .csv and still reads it as a workbook', () => {
    const wb = readWorkbook(workbookBytes('xlsx'), 'export.csv');
    expect(wb.format).toBe('xlsx');
    expect(wb.notes.join(' ')).toMatch(/named \.csv but is an Excel workbook/);
  });

  it('reads the corpus workbook with date headers as Excel shows them', () => {
    const wb = readWorkbook(corpusBytes('budget-wide-date-headers.xlsx'), 'budget-wide-date-headers.xlsx');
    const sheet = wb.sheets[0];
    const rows = allRows(sheet);
    expect(rows[1]?.[2]).toEqual(new Date(Date.UTC(2026, 0, 1)));
    expect(sheet?.displayText(1, 2)).toBe('Jan-26');
    expect(rows[0]?.[1]).toBe(rows[0]?.[0]); // merged title
  });

  it('reads a zip whose parts carry their sizes in data descriptors, bounding them by the checked sizes', () => {
    const original = workbookBytes('xlsx');
    const rebuilt = makeZip(zipParts(original).map((p) => deflatedPart(p.name, p.content, true)));
    const check = checkZip(rebuilt, 'dd.xlsx', DEFAULT_LIMITS);
    expect(check.bytes).not.toBe(rebuilt); // patched copy, input untouched
    const view = new DataView(check.bytes.buffer, check.bytes.byteOffset);
    expect(view.getUint16(6, true) & 8).toBe(0);
    expect(view.getUint32(22, true)).toBeGreaterThan(0);
    expect(new DataView(rebuilt.buffer).getUint32(22, true)).toBe(0);
    const a = allRows(sheetNamed(readWorkbook(original, 'a.xlsx'), 'Budget'));
    const b = allRows(sheetNamed(readWorkbook(rebuilt, 'dd.xlsx'), 'Budget'));
    expect(b).toEqual(a);
  });

  it('sniffs xlsx, xls and csv from content, whatever the name says', () => {
    expect(sniffFormat(workbookBytes('xlsx'), 'x.csv')).toBe('xlsx');
    expect(sniffFormat(workbookBytes('biff8'), 'x.xlsx')).toBe('xls');
    expect(sniffFormat(corpusBytes('budget-european.csv'), 'x.xlsx')).toBe('csv');
    expect(sniffFormat(new TextEncoder().encode('a\tb\n1\t2\n'), 'x.txt')).toBe('tsv');
    expect(sniffFormat(new Uint8Array(0), 'x.csv')).toBeNull();
    expect(sniffFormat(Uint8Array.of(0x25, 0x50, 0x44, 0x46, 0x2d), 'x.pdf')).toBeNull();
  });
});
