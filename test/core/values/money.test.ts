import { describe, expect, it } from 'vitest';
import { type AmountParse, formatMinor, parseAmount, parseDecimal } from '../../../core/src/values/money.ts';

/** The parse as one comparable string: `minor currency rounded`, or the failure reason. */
function show(r: AmountParse): string {
  return r.ok ? `${r.minor} ${r.currency ?? '-'}${r.rounded ? ' rounded' : ''}` : r.reason;
}

describe('parseAmount: plain decimal strings (the fast path)', () => {
  it.each([
    ['1234.50', '123450 -'],
    ['1234.5', '123450 -'],
    ['-1200', '-120000 -'],
    ['0', '0 -'],
    ['-0.00', '0 -'],
    ['0.05', '5 -'],
    ['-0.05', '-5 -'],
    ['9999999999999.99', '999999999999999 -'],
    ['12345678901234567.89', '1234567890123456789 -'],
  ])('reads %s as %s minor units', (input, expected) => {
    expect(show(parseAmount(input))).toBe(expected);
  });
});

describe('parseAmount: separators', () => {
  it.each([
    ['1,234.50', '123450 -'],
    ['1.234,50', '123450 -'],
    ['12.345.678,90', '1234567890 -'],
    ['1,234,567.89', '123456789 -'],
    ['1 234,50', '123450 -'],
    ['1\u00a0234,50', '123450 -'],
    ['1\u202f234\u202f567,50', '123456750 -'],
    ["1'234.50", '123450 -'],
    ['1\u2019234.50', '123450 -'],
    ['12,34,567.00', '123456700 -'],
    ['1,5', '150 -'],
    ['0,500', '50 -'],
    ['.5', '50 -'],
    ['1234,567', '123457 - rounded'],
  ])('reads %s as %s', (input, expected) => {
    expect(show(parseAmount(input))).toBe(expected);
  });

  it('reads a single comma followed by exactly 3 digits as a thousands separator when there is no hint', () => {
    expect(show(parseAmount('1,234'))).toBe('123400 -');
    expect(show(parseAmount('-12,345'))).toBe('-1234500 -');
  });

  it('reads a single dot followed by exactly 3 digits as a decimal point when there is no hint', () => {
    expect(show(parseAmount('1.234'))).toBe('123 - rounded');
    expect(show(parseAmount('1.000'))).toBe('100 -');
  });

  it('lets a decimal-comma hint turn 1.234 into thousands and 1,234 into a decimal', () => {
    expect(show(parseAmount('1.234', { decimal: ',' }))).toBe('123400 -');
    expect(show(parseAmount('1,234', { decimal: ',' }))).toBe('123 - rounded');
  });

  it('lets a decimal-point hint keep 1,234 as thousands', () => {
    expect(show(parseAmount('1,234', { decimal: '.' }))).toBe('123400 -');
    expect(show(parseAmount('1.234', { decimal: '.' }))).toBe('123 - rounded');
  });

  it('uses the hint only for the ambiguous shape: the structure of 1,5 and 1.234,50 wins over it', () => {
    expect(show(parseAmount('1,5', { decimal: '.' }))).toBe('150 -');
    expect(show(parseAmount('1.234,50', { decimal: '.' }))).toBe('123450 -');
  });

  it.each(['1,234,5', '12 34', '1.2.3', '1,23,4', '1 234.567,89', '1,,234', '1,234.', '1__000'])(
    'rejects badly grouped %s as not_a_number',
    (input) => {
      expect(show(parseAmount(input))).toBe('not_a_number');
    },
  );
});

describe('parseAmount: signs and parentheses', () => {
  it.each([
    ['-$1,234.50', '-123450 USD'],
    ['$-1,234.50', '-123450 USD'],
    ['(1,200.00)', '-120000 -'],
    ['($1,200.00)', '-120000 USD'],
    ['$(1,200.00)', '-120000 USD'],
    ['(1.200,00 €)', '-120000 EUR'],
    ['1200-', '-120000 -'],
    ['1.234,50- €', '-123450 EUR'],
    ['+1200', '120000 -'],
    ['\u22121200', '-120000 -'],
    ['- 5', '-500 -'],
  ])('reads %s as %s', (input, expected) => {
    expect(show(parseAmount(input))).toBe(expected);
  });

  it.each(['--5', '-5-', '+-5', '(-5)', '-(5)', '(5', '5)', '()', '+'])('rejects %s (sign used twice or unbalanced)', (input) => {
    expect(show(parseAmount(input))).toBe('not_a_number');
  });

  it('reads a lone hyphen or en dash (Excel accounting zero) as zero, also with a currency', () => {
    expect(show(parseAmount('-'))).toBe('0 -');
    expect(show(parseAmount(' – '))).toBe('0 -');
    expect(show(parseAmount('$ -'))).toBe('0 USD');
    expect(show(parseAmount('-   €'))).toBe('0 EUR');
  });

  it('does not read an em dash as zero', () => {
    expect(show(parseAmount('—'))).toBe('not_a_number');
  });
});

describe('parseAmount: currencies', () => {
  it.each([
    ['$1,234.50', '123450 USD'],
    ['US$ 5', '500 USD'],
    ['C$5', '500 CAD'],
    ['A$5', '500 AUD'],
    ['NZ$5', '500 NZD'],
    ['HK$5', '500 HKD'],
    ['S$5', '500 SGD'],
    ['R$ 1.234,56', '123456 BRL'],
    ['MX$5', '500 MXN'],
    ['1 234,50 €', '123450 EUR'],
    ['€1,234.50', '123450 EUR'],
    ['£1,000', '100000 GBP'],
    ['¥1000', '100000 JPY'],
    ['₹1,23,456.00', '12345600 INR'],
    ["CHF 1'234.50", '123450 CHF'],
    ['EUR 12.00', '1200 EUR'],
    ['12.00 EUR', '1200 EUR'],
    ['eur12', '1200 EUR'],
    ['12USD', '1200 USD'],
    ['SEK 1 000', '100000 SEK'],
    ['1 000 kr', '100000 -'],
    ['kr. 50', '5000 -'],
    ['12 USD', '1200 USD'],
    ['$12 USD', '1200 USD'],
  ])('reads %s as %s', (input, expected) => {
    expect(show(parseAmount(input))).toBe(expected);
  });

  it.each(['$12 EUR', 'EUR 12 $', 'EUROS 12', '12 EURO', 'XYZ 12', 'US 12'])('rejects %s (two currencies or an unknown word)', (input) => {
    expect(show(parseAmount(input))).toBe('not_a_number');
  });
});

describe('parseAmount: rounding of more than 2 decimals (half away from zero)', () => {
  it.each([
    ['1.005', '101 - rounded'],
    ['-1.005', '-101 - rounded'],
    ['1.0049999', '100 - rounded'],
    ['0.125', '13 - rounded'],
    ['-0.125', '-13 - rounded'],
    ['2.50000', '250 -'],
    ['12345678901234567.995', '1234567890123456800 - rounded'],
  ])('reads %s as %s', (input, expected) => {
    expect(show(parseAmount(input))).toBe(expected);
  });
});

describe('parseAmount: scientific notation in text', () => {
  it.each([
    ['1.2e3', '120000 -'],
    ['-1.5E-2', '-2 - rounded'],
    ['2E+2', '20000 -'],
    ['1e-7', '0 - rounded'],
    ['$1.2e3', '120000 USD'],
  ])('reads %s as %s', (input, expected) => {
    expect(show(parseAmount(input))).toBe(expected);
  });

  it.each(['1,2e3', 'e3', '1e', '1e1234'])('rejects malformed scientific %s', (input) => {
    expect(show(parseAmount(input))).toBe('not_a_number');
  });
});

describe('parseAmount: JS numbers from xlsx', () => {
  it.each([
    [1234.5, '123450 -'],
    [-1200, '-120000 -'],
    [0, '0 -'],
    [-0, '0 -'],
    [1234.5600000000002, '123456 -'],
    [0.1 + 0.2, '30 -'],
    [1234.559999999, '123456 -'],
    [0.125, '13 - rounded'],
    [-0.125, '-13 - rounded'],
    [1.005, '101 - rounded'],
    [1234.567, '123457 - rounded'],
    [1e21, '100000000000000000000000 -'],
    [1.5e-7, '0 -'],
    [-1.5e-7, '0 -'],
    [12345678901.235, '1234567890124 - rounded'],
    [1e15 + 0.5, '100000000000000050 -'],
    [1e15 + 0.125, '100000000000000010 -'], // String(n) is 1000000000000000.1
  ])('reads %s as %s', (input, expected) => {
    expect(show(parseAmount(input))).toBe(expected);
  });

  it('treats float noise within 1e-6 of a whole cent as exact also for numbers of 1e9 and more', () => {
    expect(String(12345678901.230001)).toBe('12345678901.230001');
    expect(show(parseAmount(12345678901.230001))).toBe('1234567890123 -');
    expect(show(parseAmount(-12345678901.230001))).toBe('-1234567890123 -');
    expect(show(parseAmount(1234567890123.4502))).toBe('123456789012345 - rounded');
  });

  it('reads integers beyond 2^53 by their shortest decimal form, as String(n) shows them', () => {
    expect(String(2 ** 60)).toBe('1152921504606847000');
    expect(show(parseAmount(2 ** 60))).toBe('115292150460684700000 -');
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])('rejects the non-finite number %s', (n) => {
    expect(show(parseAmount(n))).toBe('not_a_number');
  });
});

describe('parseAmount: empty, formula errors and non-amounts', () => {
  it.each([null, undefined, '', '   ', '\u00a0', '\t\n', '\ufeff'])('reads %j as empty', (input) => {
    expect(show(parseAmount(input))).toBe('empty');
  });

  it.each(['#REF!', '#N/A', '#VALUE!', '#DIV/0!', '#NAME?', '#NUM!', '#NULL!', '#ERROR!', '#SPILL!', '#CALC!', '#GETTING_DATA', ' #n/a '])(
    'reads %s as a formula error',
    (input) => {
      expect(show(parseAmount(input))).toBe('formula_error');
    },
  );

  it.each(['12%', '12 %', 'n/a', 'TBD', 'abc', '#123', '# REF', '2026-01-15', '1/2', 'NaN', 'Infinity', 'EUR', '$'])(
    'reads %s as not_a_number',
    (input) => {
      expect(show(parseAmount(input))).toBe('not_a_number');
    },
  );

  it('reads booleans and Dates as not_a_number', () => {
    expect(show(parseAmount(true))).toBe('not_a_number');
    expect(show(parseAmount(false))).toBe('not_a_number');
    expect(show(parseAmount(new Date(Date.UTC(2026, 0, 1))))).toBe('not_a_number');
  });
});

describe('formatMinor', () => {
  it.each([
    [123450n, '1234.50'],
    [-5n, '-0.05'],
    [0n, '0.00'],
    [7n, '0.07'],
    [100n, '1.00'],
    [-123456789012345678901n, '-1234567890123456789.01'],
  ])('formats %s as %s', (minor, expected) => {
    expect(formatMinor(minor)).toBe(expected);
  });
});

describe('parseDecimal: API-style decimal strings', () => {
  it.each([
    ['1234.5', 123450n],
    ['1234.50', 123450n],
    ['-0.01', -1n],
    ['7', 700n],
    ['-0', 0n],
    ['00012.3', 1230n],
    ['123456789012345678.99', 12345678901234567899n],
  ])('reads %s as %s minor units', (input, expected) => {
    expect(parseDecimal(input)).toBe(expected);
  });

  it.each(['1.234', '1,234.50', '1,5', '$5', ' 5', '5 ', '+5', '.5', '5.', '1e3', '', '-', 'abc', '1.2.3', '0.001'])(
    'rejects %j',
    (input) => {
      expect(parseDecimal(input)).toBeNull();
    },
  );
});
