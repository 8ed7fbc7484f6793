import { describe, expect, it } from 'vitest';
import {
  bareMonthOrQuarter,
  classifyPeriodHeader,
  fiscalYearOfMonth,
  monthPeriod,
  type Period,
  type PeriodContext,
  parsePeriod,
  quarterPeriod,
  yearPeriod,
} from '../../../core/src/values/period.ts';

const CAL: PeriodContext = { fiscalYearStartMonth: 1 };
const JULY: PeriodContext = { fiscalYearStartMonth: 7 };

/** `key fiscalYear start..end`, or null. */
function show(p: Period | null): string | null {
  return p === null ? null : `${p.key} FY${p.fiscalYear} ${p.start}..${p.end}`;
}

describe('fiscalYearOfMonth: a fiscal year is named by the calendar year it ends in', () => {
  it.each([
    [2025, 7, 7, 2026],
    [2025, 6, 7, 2025],
    [2025, 12, 7, 2026],
    [2026, 1, 7, 2026],
    [2025, 1, 1, 2025],
    [2025, 12, 1, 2025],
    [2025, 4, 4, 2026],
    [2025, 3, 4, 2025],
    [2025, 12, 12, 2026],
    [2025, 11, 12, 2025],
  ])('%i-%i with start month %i is in FY%i', (year, month, start, fy) => {
    expect(fiscalYearOfMonth(year, month, start)).toBe(fy);
  });

  it('throws RangeError for a month or start month outside 1..12', () => {
    expect(() => fiscalYearOfMonth(2025, 13, 1)).toThrow(RangeError);
    expect(() => fiscalYearOfMonth(2025, 1, 0)).toThrow(RangeError);
  });
});

describe('period builders', () => {
  it('builds a month with its first and last day and fiscal year', () => {
    expect(show(monthPeriod(2025, 7, 7))).toBe('2025-07 FY2026 2025-07-01..2025-07-31');
    expect(show(monthPeriod(2024, 2, 1))).toBe('2024-02 FY2024 2024-02-01..2024-02-29');
    expect(show(monthPeriod(2100, 2, 1))).toBe('2100-02 FY2100 2100-02-01..2100-02-28');
    expect(show(monthPeriod(2026, 4, 1))).toBe('2026-04 FY2026 2026-04-01..2026-04-30');
  });

  it('builds fiscal quarters that cross the calendar year boundary', () => {
    expect(show(quarterPeriod(2026, 1, 7))).toBe('2026-Q1 FY2026 2025-07-01..2025-09-30');
    expect(show(quarterPeriod(2026, 2, 7))).toBe('2026-Q2 FY2026 2025-10-01..2025-12-31');
    expect(show(quarterPeriod(2026, 3, 7))).toBe('2026-Q3 FY2026 2026-01-01..2026-03-31');
    expect(show(quarterPeriod(2026, 4, 7))).toBe('2026-Q4 FY2026 2026-04-01..2026-06-30');
    expect(show(quarterPeriod(2026, 1, 11))).toBe('2026-Q1 FY2026 2025-11-01..2026-01-31');
    expect(show(quarterPeriod(2024, 1, 12))).toBe('2024-Q1 FY2024 2023-12-01..2024-02-29');
    expect(show(quarterPeriod(2026, 4, 1))).toBe('2026-Q4 FY2026 2026-10-01..2026-12-31');
  });

  it('builds fiscal years from the start month to the month before it', () => {
    expect(show(yearPeriod(2026, 7))).toBe('FY2026 FY2026 2025-07-01..2026-06-30');
    expect(show(yearPeriod(2026, 1))).toBe('FY2026 FY2026 2026-01-01..2026-12-31');
    expect(show(yearPeriod(2024, 3))).toBe('FY2024 FY2024 2023-03-01..2024-02-29');
  });

  it('returns frozen periods', () => {
    expect(Object.isFrozen(monthPeriod(2026, 1, 1))).toBe(true);
    expect(Object.isFrozen(quarterPeriod(2026, 1, 1))).toBe(true);
    expect(Object.isFrozen(yearPeriod(2026, 1))).toBe(true);
  });

  it('throws RangeError for invalid arguments', () => {
    expect(() => monthPeriod(2026, 0, 1)).toThrow(RangeError);
    expect(() => monthPeriod(2026, 1.5, 1)).toThrow(RangeError);
    expect(() => monthPeriod(99, 1, 1)).toThrow(RangeError);
    expect(() => quarterPeriod(2026, 5, 1)).toThrow(RangeError);
    expect(() => quarterPeriod(2026, 1, 13)).toThrow(RangeError);
    expect(() => yearPeriod(2026, 0)).toThrow(RangeError);
  });
});

describe('parsePeriod: months', () => {
  it.each([
    '2026-01',
    '2026/01',
    '2026.01',
    '2026-1',
    '202601',
    '01/2026',
    '1/2026',
    '01-2026',
    '01.2026',
    'Jan-26',
    'Jan 26',
    "Jan '26",
    'Jan-2026',
    'Jan 2026',
    'January 2026',
    'Jan. 2026',
    'JANUARY 2026',
    '2026-Jan',
    '15-Jan-2026',
    '15 January 2026',
    'January 15, 2026',
    'Januar 2026',
    'Jänner 2026',
    'janvier 2026',
    'janv. 2026',
    'enero 2026',
    'ene-26',
    '2026-01-15',
    '2026-01-31T23:59:59',
    '2026-01-15T00:00:00.000Z',
    '2026-01-15 08:30',
    ' 2026-01 ',
  ])('reads %j as January 2026', (text) => {
    expect(show(parsePeriod(text, CAL))).toBe('2026-01 FY2026 2026-01-01..2026-01-31');
  });

  it('gives July 2025 fiscal year 2026 when the fiscal year starts in July (DESIGN §2)', () => {
    expect(show(parsePeriod('Jul-25', JULY))).toBe('2025-07 FY2026 2025-07-01..2025-07-31');
    expect(show(parsePeriod('Jun-26', JULY))).toBe('2026-06 FY2026 2026-06-01..2026-06-30');
  });

  it.each([
    ['März 2026', '2026-03'],
    ['Mär 2026', '2026-03'],
    ['Maerz 2026', '2026-03'],
    ['février 2026', '2026-02'],
    ['févr. 2026', '2026-02'],
    ['août 2026', '2026-08'],
    ['setiembre 2026', '2026-09'],
    ['Okt 2026', '2026-10'],
    ['déc. 2026', '2026-12'],
    ['dic-26', '2026-12'],
    ['Dezember 2026', '2026-12'],
  ])('reads the foreign month %j as %s', (text, key) => {
    expect(parsePeriod(text, CAL)?.key).toBe(key);
  });

  it('reads Dates as the month of the nearest UTC midnight (a Date made within ±12h of UTC)', () => {
    const feb1 = Date.UTC(2026, 1, 1);
    const hour = 3_600_000;
    expect(parsePeriod(new Date(feb1), CAL)?.key).toBe('2026-02');
    expect(parsePeriod(new Date(feb1 - 10 * hour), CAL)?.key).toBe('2026-02');
    expect(parsePeriod(new Date(feb1 + 11 * hour), CAL)?.key).toBe('2026-02');
    expect(parsePeriod(new Date(feb1 - 13 * hour), CAL)?.key).toBe('2026-01');
    expect(parsePeriod(new Date(Number.NaN), CAL)).toBeNull();
  });

  it('reads Excel serial dates only when asked to, and only 2000-01-01..2099-12-31', () => {
    expect(parsePeriod(46023, CAL)).toBeNull();
    expect(parsePeriod(46023, CAL, { excelSerialDates: true })?.key).toBe('2026-01');
    expect(parsePeriod(46053.75, CAL, { excelSerialDates: true })?.key).toBe('2026-01');
    expect(parsePeriod(46054, CAL, { excelSerialDates: true })?.key).toBe('2026-02');
    expect(parsePeriod(36526, CAL, { excelSerialDates: true })?.key).toBe('2000-01');
    expect(parsePeriod(36525, CAL, { excelSerialDates: true })).toBeNull();
    expect(parsePeriod(73050, CAL, { excelSerialDates: true })?.key).toBe('2099-12');
    expect(parsePeriod(73051, CAL, { excelSerialDates: true })).toBeNull();
  });

  it('reads the numbers 2026 as FY2026 and 202601 as January 2026', () => {
    expect(parsePeriod(2026, JULY)?.key).toBe('FY2026');
    expect(parsePeriod(202601, JULY)?.key).toBe('2026-01');
    expect(parsePeriod(202613, JULY)).toBeNull();
    expect(parsePeriod(1234, JULY)).toBeNull();
    expect(parsePeriod(2026.5, JULY)).toBeNull();
  });
});

describe('parsePeriod: quarters and years', () => {
  it.each([
    'Q1 FY26',
    'Q1-FY2026',
    'FY26 Q1',
    'FY2026-Q1',
    '2026-Q1',
    '2026 Q1',
    'Q1 2026',
    '1Q26',
    'q1fy26',
    'Qtr 1 FY26',
    'FY2025/26 Q1',
  ])('reads %j as quarter 1 of FY2026', (text) => {
    expect(show(parsePeriod(text, JULY))).toBe('2026-Q1 FY2026 2025-07-01..2025-09-30');
  });

  it.each(['FY2026', 'FY26', 'FY 2026', 'fy2026', "FY'26", 'FY2025/26', 'FY 2025-26', 'FY25/26', '2026', '2025/2026', 'Fiscal Year 2026'])(
    'reads %j as fiscal year 2026 (the year it ends)',
    (text) => {
      expect(show(parsePeriod(text, JULY))).toBe('FY2026 FY2026 2025-07-01..2026-06-30');
    },
  );

  it('reads the fiscal periods P01..P12 of an explicit fiscal year as months counted from the start month', () => {
    expect(parsePeriod('P01 FY26', JULY)?.key).toBe('2025-07');
    expect(parsePeriod('FY2026 P6', JULY)?.key).toBe('2025-12');
    expect(parsePeriod('FY2026-P07', JULY)?.key).toBe('2026-01');
    expect(parsePeriod('P12 FY2026', JULY)?.key).toBe('2026-06');
  });
});

describe('parsePeriod: bare forms need the fiscal year from the context', () => {
  const fy26: PeriodContext = { fiscalYearStartMonth: 7, fiscalYear: 2026 };

  it.each([
    ['Jan', '2026-01'],
    ['January', '2026-01'],
    ['Jul', '2025-07'],
    ['Dez', '2025-12'],
    ['juin', '2026-06'],
    ['26-Jan', '2026-01'],
    ['Q1', '2026-Q1'],
    ['Q4', '2026-Q4'],
    ['P01', '2025-07'],
    ['P1', '2025-07'],
    ['Period 1', '2025-07'],
    ['P12', '2026-06'],
  ])('reads %j in FY2026 (start July) as %s', (text, key) => {
    expect(parsePeriod(text, fy26)?.key).toBe(key);
  });

  it.each(['Jan', 'Q1', 'P01', '26-Jan', 'Period 1'])('returns null for %j without a fiscal year', (text) => {
    expect(parsePeriod(text, JULY)).toBeNull();
  });

  it('uses the calendar year for bare months when the fiscal year is the calendar year', () => {
    expect(parsePeriod('Dec', { fiscalYearStartMonth: 1, fiscalYear: 2026 })?.key).toBe('2026-12');
  });
});

describe('parsePeriod: invalid values', () => {
  const fy26: PeriodContext = { fiscalYearStartMonth: 1, fiscalYear: 2026 };
  it.each([
    '2026-13',
    '2026-00',
    '13/2026',
    'Q5',
    'Q0',
    'P00',
    'P13',
    'hello',
    '',
    '   ',
    'Total',
    '2026-02-30',
    '2025-26',
    '1500',
    'Janu 2026',
    'FY2025/27',
  ])('returns null for %j', (text) => {
    expect(parsePeriod(text, fy26)).toBeNull();
  });

  it('returns null for booleans, null and undefined', () => {
    expect(parsePeriod(true, fy26)).toBeNull();
    expect(parsePeriod(null, fy26)).toBeNull();
    expect(parsePeriod(undefined, fy26)).toBeNull();
  });

  it('throws RangeError when the context start month is not 1..12', () => {
    expect(() => parsePeriod('2026-01', { fiscalYearStartMonth: 13 })).toThrow(RangeError);
  });
});

describe('classifyPeriodHeader and bareMonthOrQuarter', () => {
  it('reads header numbers in the Excel date range as dates', () => {
    expect(classifyPeriodHeader(46023, CAL)?.key).toBe('2026-01');
    expect(classifyPeriodHeader(2026, CAL)?.key).toBe('FY2026');
    expect(classifyPeriodHeader(new Date(Date.UTC(2026, 2, 1)), CAL)?.key).toBe('2026-03');
  });

  it('reads bare headers only with a known fiscal year', () => {
    expect(classifyPeriodHeader('Q2', { fiscalYearStartMonth: 1, fiscalYear: 2026 })?.key).toBe('2026-Q2');
    expect(classifyPeriodHeader('Q2', CAL)).toBeNull();
    expect(classifyPeriodHeader('Total', CAL)).toBeNull();
  });

  it.each([
    ['Jan', { grain: 'month', month: 1 }],
    ['März', { grain: 'month', month: 3 }],
    ['26-Jan', { grain: 'month', month: 1 }],
    ['Q3', { grain: 'quarter', quarter: 3 }],
    ['Quarter 2', { grain: 'quarter', quarter: 2 }],
    ['P07', { grain: 'fiscal_period', n: 7 }],
    ['Period 12', { grain: 'fiscal_period', n: 12 }],
  ])('describes the bare header %j', (text, expected) => {
    expect(bareMonthOrQuarter(text)).toEqual(expected);
  });

  it.each(['Jan 2026', 'Q1 FY26', 'P13', 'Q5', 'Total', '2026', '32-Jan'])('does not call %j a bare month or quarter', (text) => {
    expect(bareMonthOrQuarter(text)).toBeNull();
  });
});
