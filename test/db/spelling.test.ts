/**
 * No overspend by any spelling (issue: lone UTF-16 surrogates). The reservation lock is built from the
 * request's names as JavaScript holds them; the line is found by the names as Postgres receives them. Any
 * text the driver re-encodes on the way (a lone surrogate becomes U+FFFD) would let two spellings find one
 * line and lock apart — each could then spend it in full. Such text is refused; everything else reaches
 * Postgres unchanged, so the lock and the lookup agree.
 */
import { DomainError, reserveFunds, updateSettings } from '@budget-sync/db';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeQuery } from '../../db/src/budget/common.ts';
import { reservationGroup } from '../../db/src/budget/reservations.ts';
import { freshDatabase } from '../support/postgres.ts';
import { importRows, newOrg } from './helpers.ts';

const db = await freshDatabase({ max: 20 });

const lone = (i: number) => String.fromCharCode(0xd800 + (i % 0x800));

describe('a line whose name holds U+FFFD (after a mis-encoded file)', () => {
  it('300 concurrent reservations with lone-surrogate spellings of its name never overspend it', async () => {
    const org = await newOrg(db);
    await importRows(db, org, [['Surr\uFFFD', 'Travel', '2026-03', '100.00']]);
    await updateSettings(db.pool, org, { controlLevel: 'block', tolerancePercent: '0', toleranceAmount: '0' });
    // Every third request spells the line validly (three case variants); the others with a lone surrogate.
    const valid = ['Surr\uFFFD', 'SURR\uFFFD', 'surr\uFFFD'];
    const spellings = Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? (valid[(i / 3) % 3] as string) : `Surr${lone(i)}`));
    const outcomes = await Promise.allSettled(
      spellings.map((department) =>
        reserveFunds(db.pool, org, { department, category: 'Travel', period: '2026-03', amount: '3.00', actor: 'attacker@example.com' }),
      ),
    );
    let accepted = 0;
    outcomes.forEach((o, i) => {
      const department = spellings[i] as string;
      if (department.includes('\uFFFD')) {
        if (o.status === 'fulfilled') accepted++;
        else expect((o.reason as DomainError).code).toBe('budget.insufficient');
      } else {
        expect(o.status).toBe('rejected');
        const e = (o as PromiseRejectedResult).reason as DomainError;
        expect(e).toBeInstanceOf(DomainError);
        expect(e.code).toBe('input.invalid');
        expect(e.message).toMatch(/department contains an unpaired UTF-16 surrogate \(\\uD[89AB][0-9A-F]{2} at character 5\)/);
      }
    });
    // 100 spellings name the line validly; 33 × 3.00 fit in 100.00, the 34th does not.
    expect(accepted).toBe(33);
    const r = await db.pool.query<{ reserved: string; budget: string }>(
      `SELECT c.reserved::text AS reserved, b.amount::text AS budget
         FROM budget_lines b JOIN line_consumption c ON c.line_id = b.id WHERE b.org_id = $1`,
      [org],
    );
    expect(r.rows).toEqual([{ reserved: '99.00', budget: '100.00' }]);
  });

  it('a lone surrogate is refused in every name and text of a request, naming the field', async () => {
    const org = await newOrg(db);
    const base = { department: 'Marketing', category: 'Travel', period: '2026-03', amount: '1.00', actor: 'a@example.com' };
    const cases: Array<[Record<string, string>, string]> = [
      [{ category: 'Tr\uDC00avel' }, 'category'],
      [{ project: 'P\uD83D' }, 'project'],
      [{ idempotencyKey: `k${lone(5)}` }, 'idempotency key'],
      [{ reference: '\uDE00PO-1' }, 'reference'],
      [{ actor: `a${lone(9)}@example.com` }, 'actor'],
    ];
    for (const [patch, field] of cases) {
      const e = await reserveFunds(db.pool, org, { ...base, ...patch }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).code).toBe('input.invalid');
      expect((e as DomainError).message).toContain(`The ${field} contains an unpaired UTF-16 surrogate`);
    }
    // A well-formed pair (an emoji) is text, and is accepted as a name.
    expect(() => normalizeQuery({ ...base, department: 'Team \uD83D\uDE80' })).not.toThrow();
  });
});

/** Characters chosen to collide: case pairs, lone and paired surrogates, U+FFFD, combining marks, special lower-casings. */
const ALPHABET = [
  'a',
  'A',
  'é',
  'É',
  'e\u0301',
  'ß',
  'ẞ',
  'Σ',
  'σ',
  'ς',
  'İ',
  'i',
  'I',
  '\uFFFD',
  '\uD800',
  '\uDBFF',
  '\uDC00',
  '\uD83D\uDE80',
  ' ',
  '"',
  '\\',
  '\u0001',
];
const spelling = fc.array(fc.constantFrom(...ALPHABET), { minLength: 1, maxLength: 6 }).map((parts) => parts.join(''));

describe('property: two spellings that find the same line take the same lock', () => {
  it('for any two names: either one is refused, or Postgres matching them implies equal lock texts', async () => {
    const org = '00000000-0000-4000-8000-000000000001';
    const client = await db.pool.connect();
    try {
      await fc.assert(
        fc.asyncProperty(spelling, spelling, async (a, b) => {
          let qa: ReturnType<typeof normalizeQuery>;
          let qb: ReturnType<typeof normalizeQuery>;
          try {
            qa = normalizeQuery({ department: a, category: 'Travel', period: '2026-03', amount: '1' });
            qb = normalizeQuery({ department: b, category: 'Travel', period: '2026-03', amount: '1' });
          } catch (e) {
            expect((e as DomainError).code).toBe('input.invalid');
            return;
          }
          // The line match (budget_sync_evaluate: lower(name) = lower(name)) and the lock
          // (budget_sync_lock_reservation: hashtext(lower(group))), both as Postgres sees the values.
          const r = await client.query<{ same_line: boolean; same_lock: boolean }>(
            'SELECT lower($1::text) = lower($2::text) AS same_line, lower($3::text) = lower($4::text) AS same_lock',
            [qa.department, qb.department, reservationGroup(org, qa), reservationGroup(org, qb)],
          );
          const row = r.rows[0] as { same_line: boolean; same_lock: boolean };
          if (row.same_line) expect(row.same_lock).toBe(true);
        }),
        { numRuns: 2000 },
      );
    } finally {
      client.release();
    }
  });
});
