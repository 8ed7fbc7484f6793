/** The pure rules of the worker: glob matching, name order, stability decisions, backoff, schedule changes. */
import { backoffDelay, byName, globMatcher, scheduleChanges, stabilityDecision } from '@budget-sync/ingest-worker';
import { describe, expect, it } from 'vitest';

describe('worker rules', () => {
  it('matches bare names against the glob, skipping dot files', () => {
    const m = globMatcher('*.{csv,xlsx}');
    expect(['a.csv', 'b.xlsx', 'c.txt', '.hidden.csv'].filter(m)).toEqual(['a.csv', 'b.xlsx']);
    expect(byName([{ name: 'b' }, { name: 'B' }, { name: 'a' }]).map((f) => f.name)).toEqual(['B', 'a', 'b']);
  });

  it('reads a settled file, waits for a fresh one, and gives up on one that keeps changing', () => {
    const look = (size: number, modifiedMs: number) => ({ size, modifiedMs, version: String(modifiedMs) });
    const base = { windowMs: 1000, firstLookMs: 0, maxWaitMs: 3000 };
    expect(stabilityDecision({ ...base, previous: null, current: look(10, 0), nowMs: 1500 })).toEqual({ action: 'read' });
    expect(stabilityDecision({ ...base, previous: null, current: look(10, 1000), nowMs: 1200 })).toEqual({ action: 'wait', ms: 800 });
    expect(stabilityDecision({ ...base, previous: look(10, 1000), current: look(10, 1000), nowMs: 1500 })).toEqual({ action: 'read' });
    expect(stabilityDecision({ ...base, previous: look(10, 1000), current: look(20, 2900), nowMs: 2950 })).toEqual({ action: 'give_up' });
  });

  it('backs off exponentially with jitter, up to a cap', () => {
    const policy = { attempts: 5, baseMs: 100, maxMs: 500 };
    expect([1, 2, 3, 4].map((r) => backoffDelay(r, policy, () => 0.5))).toEqual([100, 200, 400, 500]);
    expect(backoffDelay(1, policy, () => 0)).toBe(80);
  });

  it('adds changed schedules and drops those of removed sources', () => {
    const changes = scheduleChanges(
      [
        { key: 'a', cron: '0 * * * *', tz: 'UTC' },
        { key: 'b', cron: '*/5 * * * *', tz: 'Europe/Paris' },
      ],
      [
        { key: 'a', cron: '0 * * * *', tz: 'UTC' },
        { key: 'b', cron: '*/5 * * * *', tz: 'UTC' },
        { key: 'c', cron: '0 0 * * *', tz: 'UTC' },
      ],
    );
    expect(changes).toEqual({ upsert: [{ key: 'b', cron: '*/5 * * * *', tz: 'Europe/Paris' }], remove: ['c'] });
  });
});
