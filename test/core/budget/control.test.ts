import { describe, expect, it } from 'vitest';
import { type ControlInput, decideControl, decideMissingBudget, describeScope, toleranceOf } from '../../../core/src/budget/control.ts';
import { formatMoney, formatPercent, parsePercent, parseRequestAmount, parseRequestMoney } from '../../../core/src/budget/amounts.ts';
import { BudgetInputError } from '../../../core/src/budget/errors.ts';

/** 1000.00 budget, nothing consumed, block, no tolerance; override what a case needs. */
function input(over: Partial<ControlInput>): ControlInput {
  return {
    budget: 100_000n,
    reserved: 0n,
    committed: 0n,
    actual: 0n,
    amount: 1n,
    controlLevel: 'block',
    tolerancePercent: '0',
    toleranceAmount: 0n,
    currency: 'USD',
    ...over,
  };
}

describe('toleranceOf: the smaller of percent and amount when both are set', () => {
  it.each([
    // budget, percent, amount → tolerance (all minor units)
    [100_000n, '0', 0n, 0n],
    [100_000n, '10', 0n, 10_000n], // only percent: 10% of 1000.00
    [100_000n, '0', 5_000n, 5_000n], // only amount
    [100_000n, '10', 5_000n, 5_000n], // both: amount smaller
    [100_000n, '10', 20_000n, 10_000n], // both: percent smaller
    [100_000n, '2.5', 0n, 2_500n],
    [99_999n, '10', 0n, 9_999n], // 999.99 × 10% = 99.999 → rounded down to 99.99
    [1n, '50', 0n, 0n], // half a cent is no cent
    [0n, '10', 5_000n, 0n], // a zero budget has no percent tolerance, and the min rule still applies
    [-100n, '10', 0n, 0n],
    [123_456_789n, '0.0001', 0n, 123n], // 1,234,567.89 × 0.0001% = 1.2345…
  ])('budget %s, percent %s, amount %s → %s', (budget, pct, amount, expected) => {
    expect(toleranceOf(budget, pct, amount)).toBe(expected);
  });

  it('refuses settings that cannot be (they are validated before they are stored)', () => {
    expect(() => toleranceOf(100n, '-1', 0n)).toThrow(RangeError);
    expect(() => toleranceOf(100n, '1', -1n)).toThrow(RangeError);
  });
});

describe('decideControl: boundaries', () => {
  it('passes when exactly zero is left afterwards', () => {
    const d = decideControl(input({ reserved: 25_000n, committed: 25_000n, actual: 25_000n, amount: 25_000n }));
    expect(d).toMatchObject({ decision: 'pass', available: 25_000n, availableAfter: 0n, overBy: 0n, tolerance: 0n });
  });

  it('fails one cent over under block with no tolerance', () => {
    const d = decideControl(input({ amount: 100_001n }));
    expect(d).toMatchObject({ decision: 'fail', available: 100_000n, availableAfter: -1n, overBy: 1n });
    expect(d.message).toBe(
      'Not enough budget: 1,000.01 USD requested, 1,000.00 USD of the 1,000.00 USD budget available. ' +
        'That is 0.01 USD over (no tolerance is set), so the request is blocked.',
    );
  });

  it('warns exactly at the tolerance and fails one cent beyond it', () => {
    const at = decideControl(input({ amount: 105_000n, toleranceAmount: 5_000n }));
    expect(at).toMatchObject({ decision: 'warn', availableAfter: -5_000n, tolerance: 5_000n });
    const beyond = decideControl(input({ amount: 105_001n, toleranceAmount: 5_000n }));
    expect(beyond.decision).toBe('fail');
  });

  it('applies the min rule in the decision: 10% of 1000.00 capped at 20.00', () => {
    const base = { tolerancePercent: '10', toleranceAmount: 2_000n };
    expect(decideControl(input({ ...base, amount: 102_000n })).decision).toBe('warn');
    expect(decideControl(input({ ...base, amount: 102_001n })).decision).toBe('fail');
  });

  it('counts reserved, committed and actual against the budget', () => {
    const d = decideControl(input({ reserved: 10_000n, committed: 20_000n, actual: 30_000n, amount: 40_001n }));
    expect(d).toMatchObject({ decision: 'fail', available: 40_000n, availableAfter: -1n });
  });

  it('handles a budget that is already overspent', () => {
    const d = decideControl(input({ actual: 120_000n, amount: 100n, controlLevel: 'warn' }));
    expect(d).toMatchObject({ decision: 'warn', available: -20_000n, availableAfter: -20_100n, overBy: 20_100n });
    expect(d.message).toContain('nothing of the 1,000.00 USD budget left (already 200.00 USD over)');
  });
});

describe('decideControl: each control level', () => {
  const over = { amount: 110_000n, toleranceAmount: 5_000n }; // 100.00 over, tolerance 50.00
  const within = { amount: 103_000n, toleranceAmount: 5_000n }; // 30.00 over

  it('block: pass when it fits, warn within tolerance, fail beyond', () => {
    expect(decideControl(input({ amount: 50_000n })).decision).toBe('pass');
    expect(decideControl(input(within)).decision).toBe('warn');
    expect(decideControl(input(over)).decision).toBe('fail');
  });

  it('warn: pass when it fits, warn within and beyond tolerance', () => {
    expect(decideControl(input({ amount: 50_000n, controlLevel: 'warn' })).decision).toBe('pass');
    expect(decideControl(input({ ...within, controlLevel: 'warn' })).decision).toBe('warn');
    const d = decideControl(input({ ...over, controlLevel: 'warn' }));
    expect(d.decision).toBe('warn');
    expect(d.message).toContain('advisory control');
  });

  it('track: always pass, and the message still says it is over and only tracked', () => {
    expect(decideControl(input({ ...within, controlLevel: 'track' })).decision).toBe('pass');
    const d = decideControl(input({ ...over, controlLevel: 'track' }));
    expect(d.decision).toBe('pass');
    expect(d.message).toMatch(/^Over budget by 100\.00 USD: .* only tracked/);
  });
});

describe('messages', () => {
  it('name the scope, the figures and the currency', () => {
    const scope = describeScope({ department: 'Marketing', category: 'Travel', period: '2026-03' });
    const d = decideControl(input({ budget: 500_000n, reserved: 100_000n, amount: 125_000n, currency: 'EUR', scope }));
    expect(d.message).toBe(
      'Within budget for Marketing / Travel in 2026-03: 1,250.00 EUR requested, 4,000.00 EUR of the 5,000.00 EUR budget available; ' +
        '2,750.00 EUR will be left.',
    );
    const w = decideControl(input({ amount: 101_000n, toleranceAmount: 5_000n, scope }));
    expect(w.message).toBe(
      'Over budget for Marketing / Travel in 2026-03 by 10.00 USD, within the tolerance of 50.00 USD: ' +
        '1,010.00 USD requested, 1,000.00 USD of the 1,000.00 USD budget available. Allowed with a warning.',
    );
  });

  it('describe the control basis', () => {
    const line = { department: 'Sales', category: 'Events', project: 'Launch', period: '2026-03', fiscalYear: 2026 };
    expect(describeScope({ ...line, basis: 'period' })).toBe('Sales / Events / Launch in 2026-03');
    expect(describeScope({ ...line, basis: 'ytd' })).toBe('Sales / Events / Launch, FY2026 year to date through 2026-03');
    expect(describeScope({ ...line, basis: 'annual' })).toBe('Sales / Events / Launch for the whole of FY2026');
  });

  it('say what happens without a budget', () => {
    const fail = decideMissingBudget({ policy: 'fail', amount: 5_000n, currency: 'USD', scope: 'Ops / Rent in 2026-01' });
    expect(fail.decision).toBe('fail');
    expect(fail.message).toBe(
      'There is no budget for Ops / Rent in 2026-01 (50.00 USD requested), and requests without a budget are refused. Add a budget line first.',
    );
    const warn = decideMissingBudget({ policy: 'warn', amount: 5_000n, currency: 'USD' });
    expect(warn.decision).toBe('warn');
    expect(warn.message).toContain('Allowed with a warning');
  });
});

describe('amounts', () => {
  it('parses positive request amounts with at most 2 decimals', () => {
    expect(parseRequestAmount('1250')).toBe(125_000n);
    expect(parseRequestAmount('0.01')).toBe(1n);
    expect(parseRequestAmount(' 99.5 ')).toBe(9_950n);
    // The largest amount taken (MAX_AMOUNT_MINOR); one cent more is refused below.
    expect(parseRequestAmount('999999999999.99')).toBe(99_999_999_999_999n);
  });

  it.each([
    ['1,200.00', 120_000n, null],
    ['$20,000', 2_000_000n, 'USD'],
    ['1,000', 100_000n, null],
    ['1.234,50 €', 123_450n, 'EUR'],
    ['EUR 12.00', 1_200n, 'EUR'],
    ['1 234,50', 123_450n, null],
    ['1e3', 100_000n, null],
  ] as const)('reads %j as the importer does: %s minor units in %s', (text, minor, currency) => {
    expect(parseRequestMoney(text)).toEqual({ minor, currency });
  });

  it.each(['0', '0.00', '-5', '(5)', '1.234', '1.005', '12%', '', 'abc', '10000000000000000', '1000000000000.00', '9999999999999999.99'])(
    'refuses %j with amount.invalid',
    (text) => {
      expect(() => parseRequestAmount(text)).toThrow(BudgetInputError);
      try {
        parseRequestAmount(text);
      } catch (e) {
        expect((e as BudgetInputError).code).toBe('amount.invalid');
      }
    },
  );

  it('formats money with grouping and the currency', () => {
    expect(formatMoney(123_456_789n, 'USD')).toBe('1,234,567.89 USD');
    expect(formatMoney(-5n, 'EUR')).toBe('-0.05 EUR');
    expect(formatMoney(100_000n, '')).toBe('1,000.00');
  });

  it('round-trips percentages at 4 decimals', () => {
    expect(parsePercent('2.5')).toBe(25_000n);
    expect(formatPercent(parsePercent('10.0000') as bigint)).toBe('10');
    expect(formatPercent(parsePercent('0.1250') as bigint)).toBe('0.125');
    expect(parsePercent('-1')).toBeNull();
    expect(parsePercent('1.23456')).toBeNull();
  });
});
