import { describe, expect, it } from 'vitest';
import { detectNumberStyle, parseAmount } from '../../../core/src/values/money.ts';

describe('detectNumberStyle: the decimal separator of a column', () => {
  it.each([
    [['83.203,62'], ','],
    [['1.234.567'], ','],
    [['1 234,50'], ','],
    [['12,5'], ','],
    [['1,234.50'], '.'],
    [['1,234,567'], '.'],
    [['12.5'], '.'],
    [["1'234.50"], '.'],
    [['1234.567'], '.'],
    [['0,125'], ','],
    [['€ 1.234,50', '-2.000,00'], ','],
    [['$1,234.50', '(2,000.00)'], '.'],
  ])('decides %j → %s', (samples, decimal) => {
    expect(detectNumberStyle(samples)?.decimal).toBe(decimal);
  });

  it.each([[['1.234']], [['1,234']], [['1200', '5', '']], [['01.02.2026', '2026-01-15']], [['abc', 'n/a']], [[]]])(
    'says nothing about ambiguous or non-numeric samples %j',
    (samples) => {
      expect(detectNumberStyle(samples)).toBeNull();
    },
  );

  it('follows the majority of the unambiguous samples and ignores ambiguous ones', () => {
    expect(detectNumberStyle(['1.234', '83.203,62', '1.234,00', '12,345.67', '1,234', '5.000'])?.decimal).toBe(',');
    expect(detectNumberStyle(['1.234', '1,234.50', '2,000.75', '3.000,10'])?.decimal).toBe('.');
  });

  it('returns null when the unambiguous samples tie', () => {
    expect(detectNumberStyle(['1.234,50', '1,234.50'])).toBeNull();
  });

  it('gives a hint that makes parseAmount read the ambiguous samples of a European column as thousands', () => {
    const column = ['1.234', '83.203,62', '12.000'];
    const style = detectNumberStyle(column) ?? undefined;
    const minors = column.map((text) => {
      const r = parseAmount(text, style);
      return r.ok ? r.minor : null;
    });
    expect(minors).toEqual([123400n, 8320362n, 1200000n]);
  });
});
