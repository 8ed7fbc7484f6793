/**
 * People in the database (issue 15): the last admin without a department limit can be neither removed,
 * nor demoted, nor limited (also when two admins remove each other at the same moment), and every
 * addition, change of role or departments, and removal is recorded with who made it and what changed.
 */
import {
  addMember,
  changeMember,
  describeMemberChange,
  isDomainError,
  listMemberChanges,
  listMembers,
  removeMember,
  type Role,
} from '@budget-sync/db';
import { describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/postgres.ts';
import { newOrg } from './helpers.ts';

const db = await freshDatabase({ max: 6 });

const add = (orgId: string, email: string, role: Role, departments: string[] | null = null, by = 'setup') =>
  addMember(db.pool, { orgId, email, role, departments, createdBy: by });

async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    if (isDomainError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('the last admin without a department limit stays', () => {
  it('removing, demoting or limiting the only admin is refused, saying what to do; nothing changes', async () => {
    const org = await newOrg(db);
    await add(org, 'ada@example.com', 'admin');
    await add(org, 'vera@example.com', 'viewer');
    const removed = await refusal(removeMember(db.pool, org, 'ADA@example.com', 'ops'));
    expect(removed.code).toBe('user.last_admin');
    expect(removed.message).toContain('ada@example.com is the last admin of this organization without a department limit');
    expect(removed.message).toContain('removing them');
    expect(removed.message).toContain(`budget-sync users add EMAIL --org ${org} --role admin`);
    const demoted = await refusal(
      changeMember(db.pool, { orgId: org, email: 'ada@example.com', role: 'editor', departments: null, actor: 'ops' }),
    );
    expect(demoted).toMatchObject({ code: 'user.last_admin', message: expect.stringContaining('making them editor') });
    // Re-adding with a lower role is a demotion too.
    expect((await refusal(add(org, 'ada@example.com', 'viewer'))).code).toBe('user.last_admin');
    const limited = await refusal(add(org, 'ada@example.com', 'admin', ['Marketing']));
    expect(limited.message).toContain('limiting them to departments (Marketing)');
    expect((await listMembers(db.pool, org)).find((m) => m.email === 'ada@example.com')).toMatchObject({
      role: 'admin',
      departments: null,
    });
    // None of the refused attempts is in the history.
    expect((await listMemberChanges(db.pool, org)).map((c) => c.action)).toEqual(['added', 'added']);
  });

  it('with a second full admin, either may go; an admin limited to departments does not count', async () => {
    const org = await newOrg(db);
    await add(org, 'ada@example.com', 'admin');
    await add(org, 'lim@example.com', 'admin', ['Sales']);
    expect((await refusal(removeMember(db.pool, org, 'ada@example.com', 'ops'))).code).toBe('user.last_admin');
    await add(org, 'bob@example.com', 'admin');
    await changeMember(db.pool, { orgId: org, email: 'ada@example.com', role: 'approver', departments: null, actor: 'bob@example.com' });
    expect((await refusal(removeMember(db.pool, org, 'bob@example.com', 'ops'))).code).toBe('user.last_admin');
    // A limited admin is neither guarded nor a guard.
    await removeMember(db.pool, org, 'lim@example.com', 'bob@example.com');
    expect((await listMembers(db.pool, org)).map((m) => `${m.email}:${m.role}`)).toEqual([
      'ada@example.com:approver',
      'bob@example.com:admin',
    ]);
  });

  it('two admins removing each other at the same moment: one removal goes through, the other is refused', async () => {
    for (let round = 0; round < 5; round++) {
      const org = await newOrg(db);
      await add(org, 'a@example.com', 'admin');
      await add(org, 'b@example.com', 'admin');
      const outcomes = await Promise.allSettled([
        removeMember(db.pool, org, 'a@example.com', 'b@example.com'),
        removeMember(db.pool, org, 'b@example.com', 'a@example.com'),
      ]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const rejected = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
      expect(rejected.reason).toMatchObject({ code: 'user.last_admin' });
      expect((await listMembers(db.pool, org)).filter((m) => m.role === 'admin')).toHaveLength(1);
    }
  });

  it('a demotion and a removal at the same moment leave a full admin', async () => {
    for (let round = 0; round < 5; round++) {
      const org = await newOrg(db);
      await add(org, 'a@example.com', 'admin');
      await add(org, 'b@example.com', 'admin');
      await Promise.allSettled([
        changeMember(db.pool, { orgId: org, email: 'a@example.com', role: 'viewer', departments: null, actor: 'x' }),
        removeMember(db.pool, org, 'b@example.com', 'x'),
      ]);
      const admins = (await listMembers(db.pool, org)).filter((m) => m.role === 'admin' && m.departments === null);
      expect(admins).toHaveLength(1);
    }
  });
});

describe('the history of people', () => {
  it('records who added, changed (role, departments) and removed whom, with before and after, newest first', async () => {
    const org = await newOrg(db);
    await add(org, 'ada@example.com', 'admin', null, 'cli-operator');
    await add(org, 'Dana@Example.com', 'viewer', ['Marketing'], 'ada@example.com');
    await changeMember(db.pool, {
      orgId: org,
      email: 'dana@example.com',
      role: 'approver',
      departments: ['Marketing', 'Sales'],
      actor: 'ada@example.com',
    });
    // Inviting again with the same role and departments changes nothing: no record (a new link only).
    await add(org, 'dana@example.com', 'approver', ['Sales', 'marketing'], 'ada@example.com');
    await changeMember(db.pool, { orgId: org, email: 'dana@example.com', role: 'approver', departments: null, actor: 'approvals-key' });
    await removeMember(db.pool, org, 'DANA@example.com', 'ada@example.com');
    const changes = await listMemberChanges(db.pool, org);
    expect(changes.map(({ email, action, before, after, actor }) => ({ email, action, before, after, actor }))).toEqual([
      {
        email: 'Dana@Example.com',
        action: 'removed',
        before: { role: 'approver', departments: null },
        after: null,
        actor: 'ada@example.com',
      },
      {
        email: 'Dana@Example.com',
        action: 'changed',
        before: { role: 'approver', departments: ['Marketing', 'Sales'] },
        after: { role: 'approver', departments: null },
        actor: 'approvals-key',
      },
      {
        email: 'Dana@Example.com',
        action: 'changed',
        before: { role: 'viewer', departments: ['Marketing'] },
        after: { role: 'approver', departments: ['Marketing', 'Sales'] },
        actor: 'ada@example.com',
      },
      {
        email: 'Dana@Example.com',
        action: 'added',
        before: null,
        after: { role: 'viewer', departments: ['Marketing'] },
        actor: 'ada@example.com',
      },
      { email: 'ada@example.com', action: 'added', before: null, after: { role: 'admin', departments: null }, actor: 'cli-operator' },
    ]);
    expect(changes.map(describeMemberChange)).toEqual([
      'removed (was approver, departments: all)',
      'departments Marketing, Sales → all',
      'role viewer → approver; departments Marketing → Marketing, Sales',
      'added as viewer, departments: Marketing',
      'added as admin, departments: all',
    ]);
    // Paging back from an id; another org's history is its own.
    expect((await listMemberChanges(db.pool, org, { limit: 2, before: changes[1]?.id })).map((c) => c.action)).toEqual([
      'changed',
      'added',
    ]);
    expect(await listMemberChanges(db.pool, await newOrg(db, 'Other'))).toEqual([]);
  });

  it('changing someone who is not a member says so and records nothing', async () => {
    const org = await newOrg(db);
    const missing = await refusal(
      changeMember(db.pool, { orgId: org, email: 'ghost@example.com', role: 'viewer', departments: null, actor: 'x' }),
    );
    expect(missing).toMatchObject({ code: 'user.not_found', message: expect.stringContaining('ghost@example.com') });
    expect(await listMemberChanges(db.pool, org)).toEqual([]);
  });
});
