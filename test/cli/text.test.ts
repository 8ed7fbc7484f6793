/** The CLI's line labels: names, project, further dimensions (a twin's code beside its name) and revenue. */
import { describe, expect, it } from 'vitest';
import { lineLabel } from '../../cli/src/output/text.ts';

describe('lineLabel', () => {
  it('names a line as the import diff and the revert conflicts show it', () => {
    expect(lineLabel({ department: 'Marketing', category: 'Travel', project: null, period: '2026-01' })).toBe(
      'Marketing / Travel / 2026-01',
    );
    expect(
      lineLabel({
        department: 'Parks',
        category: 'Fees',
        project: 'Pools',
        period: '2026-01',
        dimensions: { fund: 'General Fund', program: 'Swim' },
        codes: { fund: '6064' },
        direction: 'revenue',
      }),
    ).toBe('Parks / Fees / Pools (fund 6064 General Fund, program Swim) / 2026-01 (revenue)');
  });
});
