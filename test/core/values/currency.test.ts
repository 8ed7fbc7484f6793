import { describe, expect, it } from 'vitest';
import { currencyFromText } from '../../../core/src/values/money.ts';

describe('currencyFromText: the currency a header names', () => {
  it.each([
    ['Amount (EUR)', 'EUR'],
    ['Budget in €', 'EUR'],
    ['Betrag EUR', 'EUR'],
    ['USD Budget', 'USD'],
    ['Montant (€)', 'EUR'],
    ['Budget (US$)', 'USD'],
    ['Amount $', 'USD'],
    ['Budget C$', 'CAD'],
    ['Budget A$', 'AUD'],
    ['Valor R$', 'BRL'],
    ['Budget £', 'GBP'],
    ['Yen budget ¥', 'JPY'],
    ['Budget ₹', 'INR'],
    ['Budget CHF', 'CHF'],
    ['budget_eur', 'EUR'],
    ['amountEur', 'EUR'],
    ['AmountGBP', 'GBP'],
    ['USDBudget', 'USD'],
    ['Betrag in Euro', 'EUR'],
    ['Amount (eur)', 'EUR'],
    ['Budget EUR (€)', 'EUR'],
    ['Amount TRY', 'TRY'],
  ])('finds the currency in %j: %s', (header, expected) => {
    expect(currencyFromText(header)).toBe(expected);
  });

  it.each(['EUROPE budget', 'CADENCE', 'Cadence', 'Eurozone', 'Amount', 'Budget 2026', 'Department', 'Trial balance', 'Penalty', ''])(
    'finds no currency in %j (codes inside ordinary words do not count)',
    (header) => {
      expect(currencyFromText(header)).toBeNull();
    },
  );

  it('ignores lower-case codes that are ordinary English words (try, pen)', () => {
    expect(currencyFromText('try again')).toBeNull();
    expect(currencyFromText('pen and paper')).toBeNull();
  });

  it('returns null when a header names two different currencies', () => {
    expect(currencyFromText('USD/EUR rate')).toBeNull();
    expect(currencyFromText('Amount € ($)')).toBeNull();
  });

  it('returns null for the ambiguous kr', () => {
    expect(currencyFromText('Belopp (kr)')).toBeNull();
  });
});
