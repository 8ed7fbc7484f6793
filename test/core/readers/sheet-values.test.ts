/** Google Sheets values (getValues / getDisplayValues) → Workbook. */
import { describe, expect, it } from 'vitest';
import { workbookFromSheetValues } from '@budget-sync/core/readers';
import { allRows, expectFileError } from './helpers.ts';

const jan = new Date('2026-01-01T05:00:00.000Z'); // midnight in New York, as Apps Script returns it

describe('Google Sheets values', () => {
  const wb = workbookFromSheetValues({
    sheetName: 'Budget 2026',
    values: [
      ['Department', jan, '2026-02-01T05:00:00.000Z', 'Total'],
      ['Sales', 1200, 99.5, true],
      ['', '', '', ''],
      ['Ops', -3, '', 'n/a'],
    ],
    displayValues: [
      ['Department', 'Jan-26', 'Feb-26', 'Total'],
      ['Sales', '1,200.00', '99.50', 'TRUE'],
      ['', '', '', ''],
      ['Ops', '-3.00', '', 'n/a'],
    ],
  });
  const sheet = wb.sheets[0];

  it('yields Dates, numbers, strings and booleans as given; ISO timestamps from JSON become Dates', () => {
    const rows = allRows(sheet);
    expect(rows[0]).toEqual(['Department', jan, new Date('2026-02-01T05:00:00.000Z'), 'Total']);
    expect(rows[0]?.[1]).toBeInstanceOf(Date);
    expect(rows[1]).toEqual(['Sales', 1200, 99.5, true]);
    expect(rows[3]).toEqual(['Ops', -3, null, 'n/a']);
  });

  it('turns blank cells into null and a blank row into []', () => {
    expect(allRows(sheet)[2]).toEqual([]);
  });

  it('describes one visible sheet in the sheets format, with a known row count and display text', () => {
    expect(wb.format).toBe('sheets');
    expect(wb.fileName).toBe('Budget 2026');
    expect(sheet?.name).toBe('Budget 2026');
    expect(sheet?.hidden).toBe(false);
    expect(sheet?.rowCount).toBe(4);
    expect(sheet?.displayText(0, 1)).toBe('Jan-26');
    expect(sheet?.displayText(1, 1)).toBe('1,200.00');
    expect(sheet?.displayText(9, 9)).toBeUndefined();
  });

  it('uses the given file name for messages and the workbook', () => {
    const named = workbookFromSheetValues({ sheetName: 'S', values: [['a']], fileName: 'FY26 budget (Google Sheets)' });
    expect(named.fileName).toBe('FY26 budget (Google Sheets)');
  });

  it('refuses values that are not an array of rows', () => {
    const err = expectFileError(
      () => workbookFromSheetValues({ sheetName: 'S', values: 'nope' as unknown as unknown[][] }),
      'file.unreadable',
    );
    expect(err.message).toMatch(/sheet "S".*array of rows/);
  });

  it('refuses a row that is not an array, naming the row', () => {
    const err = expectFileError(
      () => workbookFromSheetValues({ sheetName: 'S', values: [['a'], 'b' as unknown as unknown[]] }),
      'file.unreadable',
    );
    expect(err.row).toBe(2);
  });

  it('refuses cells Sheets never returns (objects, NaN, invalid dates), naming row and column', () => {
    for (const bad of [{ x: 1 }, Number.NaN, new Date('nope'), () => 1]) {
      const err = expectFileError(
        () =>
          workbookFromSheetValues({
            sheetName: 'S',
            values: [
              ['a', 'b'],
              [1, bad],
            ],
          }),
        'file.unreadable',
      );
      expect([err.row, err.column]).toEqual([2, 2]);
    }
  });

  it('refuses rows wider than maxColumns and more rows than maxRows', () => {
    const wide = [Array.from({ length: 1001 }, () => 1)];
    expectFileError(() => workbookFromSheetValues({ sheetName: 'S', values: wide }), 'file.too_many_columns');
    expectFileError(() => workbookFromSheetValues({ sheetName: 'S', values: [[1], [2], [3]] }, { maxRows: 2 }), 'file.too_many_rows');
  });

  it('refuses displayValues that are not arrays of strings', () => {
    const err = expectFileError(
      () => workbookFromSheetValues({ sheetName: 'S', values: [[1]], displayValues: [[1 as unknown as string]] }),
      'file.unreadable',
    );
    expect(err.message).toMatch(/displayValues row 1/);
  });
});
