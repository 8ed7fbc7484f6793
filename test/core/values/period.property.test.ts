import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fiscalYearOfMonth, monthPeriod, parsePeriod, quarterPeriod, yearPeriod } from '../../../core/src/values/period.ts';

const RUNS = { numRuns: 500 };
const year = fc.integer({ min: 2000, max: 2099 });
const month = fc.integer({ min: 1, max: 12 });
const startMonth = fc.integer({ min: 1, max: 12 });
const quarter = fc.integer({ min: 1, max: 4 });

const EN = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DE = ['Januar', 'Februar', 'März', 'April', 'Mai', 'Juni', 'Juli', 'August', 'September', 'Oktober', 'November', 'Dezember'];
const FR = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];
const ES = ['enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto', 'septiembre', 'octubre', 'noviembre', 'diciembre'];

const pad = (n: number): string => String(n).padStart(2, '0');
const DAY_MS = 86_400_000;
const utcDay = (iso: string): number => Date.parse(`${iso}T00:00:00Z`) / DAY_MS;
const isoOfDay = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** Every calendar month from `start` to `end` (inclusive `YYYY-MM-DD` days), as `YYYY-MM` keys. */
function monthsBetween(start: string, end: string): string[] {
  const keys: string[] = [];
  let y = Number(start.slice(0, 4));
  let m = Number(start.slice(5, 7));
  while (`${y}-${pad(m)}` <= end.slice(0, 7)) {
    keys.push(`${y}-${pad(m)}`);
    m = m === 12 ? 1 : m + 1;
    if (m === 1) y++;
  }
  return keys;
}

describe('period properties', () => {
  it('a month written in many textual forms, as a Date near UTC midnight or as an Excel serial parses to the same key and fiscal year', () => {
    fc.assert(
      fc.property(year, month, startMonth, fc.integer({ min: 1, max: 28 }), fc.integer({ min: -11, max: 11 }), (y, m, s, d, hours) => {
        const p = monthPeriod(y, m, s);
        const ctx = { fiscalYearStartMonth: s };
        const yy = pad(y % 100);
        const iso = `${y}-${pad(m)}-${pad(d)}`;
        const forms = [
          p.key,
          `${y}/${pad(m)}`,
          `${y}.${m}`,
          `${y}${pad(m)}`,
          `${m}/${y}`,
          `${pad(m)}-${y}`,
          `${pad(m)}.${y}`,
          `${EN[m - 1]?.slice(0, 3)}-${yy}`,
          `${EN[m - 1]?.slice(0, 3)} ${y}`,
          `${EN[m - 1]} ${y}`,
          `${EN[m - 1]?.toUpperCase()} ${yy}`,
          `${DE[m - 1]} ${y}`,
          `${FR[m - 1]} ${y}`,
          `${ES[m - 1]} ${y}`,
          `${d}-${EN[m - 1]?.slice(0, 3)}-${y}`,
          iso,
          `${iso}T00:00:00.000Z`,
        ];
        for (const form of forms) {
          const parsed = parsePeriod(form, ctx);
          expect(parsed?.key, form).toBe(p.key);
          expect(parsed?.fiscalYear, form).toBe(p.fiscalYear);
        }
        expect(parsePeriod(new Date(Date.UTC(y, m - 1, d) + hours * 3_600_000), ctx)?.key).toBe(p.key);
        expect(parsePeriod(utcDay(iso) + 25_569, ctx, { excelSerialDates: true })?.key).toBe(p.key);
      }),
      RUNS,
    );
  });

  it('a month period has the fiscal year fiscalYearOfMonth gives, and runs from its first to its last day', () => {
    fc.assert(
      fc.property(year, month, startMonth, (y, m, s) => {
        const p = monthPeriod(y, m, s);
        expect(p.fiscalYear).toBe(fiscalYearOfMonth(y, m, s));
        expect(p.start).toBe(`${p.key}-01`);
        expect(isoOfDay(utcDay(p.end) + 1)).toBe(m === 12 ? `${y + 1}-01-01` : `${y}-${pad(m + 1)}-01`);
      }),
      RUNS,
    );
  });

  it('a fiscal quarter covers exactly 3 months, all in its fiscal year, and parses back from textual forms', () => {
    fc.assert(
      fc.property(year, quarter, startMonth, (fy, q, s) => {
        const p = quarterPeriod(fy, q, s);
        expect(p.start <= p.end).toBe(true);
        const months = monthsBetween(p.start, p.end);
        expect(months).toHaveLength(3);
        for (const key of months) {
          expect(monthPeriod(Number(key.slice(0, 4)), Number(key.slice(5)), s).fiscalYear).toBe(fy);
        }
        expect(p.start.endsWith('-01')).toBe(true);
        expect(isoOfDay(utcDay(p.end) + 1).endsWith('-01')).toBe(true);
        const ctx = { fiscalYearStartMonth: s };
        const yy = pad(fy % 100);
        for (const form of [
          p.key,
          `Q${q} FY${yy}`,
          `Q${q}-FY${fy}`,
          `FY${yy} Q${q}`,
          `FY${fy}-Q${q}`,
          `${fy} Q${q}`,
          `Q${q} ${fy}`,
          `${q}Q${yy}`,
        ]) {
          expect(parsePeriod(form, ctx), form).toEqual(p);
        }
        expect(parsePeriod(`Q${q}`, { fiscalYearStartMonth: s, fiscalYear: fy })).toEqual(p);
      }),
      RUNS,
    );
  });

  it('the four quarters tile the fiscal year without gaps or overlaps', () => {
    fc.assert(
      fc.property(year, startMonth, (fy, s) => {
        const y = yearPeriod(fy, s);
        const qs = [1, 2, 3, 4].map((q) => quarterPeriod(fy, q, s));
        expect(qs[0]?.start).toBe(y.start);
        expect(qs[3]?.end).toBe(y.end);
        for (let i = 0; i < 3; i++) expect(isoOfDay(utcDay(qs[i]?.end ?? '') + 1)).toBe(qs[i + 1]?.start);
      }),
      RUNS,
    );
  });

  it('the 12 months from the start month all map to that fiscal year, and fiscal period n is the n-th of them', () => {
    fc.assert(
      fc.property(year, startMonth, (fy, s) => {
        const y = yearPeriod(fy, s);
        const months = monthsBetween(y.start, y.end);
        expect(months).toHaveLength(12);
        expect(`${months[0]}-01`).toBe(y.start);
        months.forEach((key, i) => {
          const p = monthPeriod(Number(key.slice(0, 4)), Number(key.slice(5)), s);
          expect(p.fiscalYear).toBe(fy);
          expect(parsePeriod(`P${pad(i + 1)} FY${fy}`, { fiscalYearStartMonth: s })?.key).toBe(key);
          expect(parsePeriod(`P${i + 1}`, { fiscalYearStartMonth: s, fiscalYear: fy })?.key).toBe(key);
          expect(parsePeriod(EN[Number(key.slice(5)) - 1] ?? '', { fiscalYearStartMonth: s, fiscalYear: fy })?.key).toBe(key);
        });
        expect(months[11]?.slice(0, 4)).toBe(String(fy));
      }),
      RUNS,
    );
  });

  it('a fiscal year parses back from FY forms, including the start-end year range', () => {
    fc.assert(
      fc.property(year, startMonth, (fy, s) => {
        const p = yearPeriod(fy, s);
        const ctx = { fiscalYearStartMonth: s };
        const prev = fy - 1;
        for (const form of [p.key, `FY${pad(fy % 100)}`, `FY ${fy}`, `FY${prev}/${pad(fy % 100)}`, `FY ${prev}-${fy}`, String(fy)]) {
          expect(parsePeriod(form, ctx), form).toEqual(p);
        }
      }),
      RUNS,
    );
  });
});
