import { describe, expect, it } from 'vitest';
import { type ControlOverrideRule, resolveControl } from '../../../core/src/budget/settings.ts';

const org = { controlLevel: 'block', tolerancePercent: '5', toleranceAmount: '100.00' } as const;

function rule(department: string | null, category: string | null, set: Partial<ControlOverrideRule>): ControlOverrideRule {
  return { department, category, controlLevel: null, tolerancePercent: null, toleranceAmount: null, ...set };
}

describe('resolveControl: most specific override wins', () => {
  const overrides = [
    rule('Marketing', null, { controlLevel: 'warn' }),
    rule(null, 'Travel', { controlLevel: 'track', toleranceAmount: '50.00' }),
    rule('Marketing', 'Travel', { controlLevel: 'block' }),
    rule('Sales', null, { tolerancePercent: '10' }),
  ];

  it('department + category beats category beats department beats the org', () => {
    expect(resolveControl(org, overrides, 'Marketing', 'Travel').controlLevel).toBe('block');
    expect(resolveControl(org, overrides, 'Ops', 'Travel').controlLevel).toBe('track');
    expect(resolveControl(org, overrides, 'Marketing', 'Software').controlLevel).toBe('warn');
    expect(resolveControl(org, overrides, 'Ops', 'Software')).toEqual(org);
  });

  it('matches names case-insensitively', () => {
    expect(resolveControl(org, overrides, 'MARKETING', 'travel').controlLevel).toBe('block');
  });

  it('inherits each setting a more specific override leaves empty', () => {
    // Marketing/Travel sets only the level; the tolerance comes from the category override.
    expect(resolveControl(org, overrides, 'Marketing', 'Travel')).toEqual({
      controlLevel: 'block',
      tolerancePercent: '0',
      toleranceAmount: '50.00',
    });
    // Sales sets only a tolerance; the level is the org's.
    expect(resolveControl(org, overrides, 'Sales', 'Software')).toEqual({
      controlLevel: 'block',
      tolerancePercent: '10',
      toleranceAmount: '0.00',
    });
  });

  it('ignores an override that names neither department nor category', () => {
    expect(resolveControl(org, [rule(null, null, { controlLevel: 'track' })], 'Ops', 'Rent')).toEqual(org);
  });
});
