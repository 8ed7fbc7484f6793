/**
 * `budget-sync users add|list|remove|history --org ID`: the people of an organization (DESIGN §3). `add`
 * prints a one-time sign-in link for the person (24 h, single use; only its hash is stored), made on the
 * console's address: BUDGET_SYNC_PUBLIC_URL, else where `serve` listens by default. `remove` ends their
 * sessions at once. `history` lists who added, changed or removed whom. The last admin without a
 * department limit can be neither removed nor demoted (the message says what to do).
 */
import {
  addMember,
  describeMemberChange,
  getOrganization,
  listMemberChanges,
  listMembers,
  parseDepartments,
  parseRole,
  removeMember,
  signInUrl,
} from '@budget-sync/db';
import { table } from '../output/text.ts';
import { actorName } from '../shared/actor.ts';
import { withDatabase } from '../shared/database.ts';
import { printJson } from '../shared/report.ts';

/** `serve`'s default address (edge/src/node.ts), for links printed without BUDGET_SYNC_PUBLIC_URL. */
const DEFAULT_CONSOLE_URL = 'http://127.0.0.1:8787';

export function consoleBase(): string {
  return (process.env.BUDGET_SYNC_PUBLIC_URL?.trim() || DEFAULT_CONSOLE_URL).replace(/\/+$/, '');
}

export interface UsersAddFlags {
  org: string;
  role: string;
  departments?: string;
  name?: string;
  actor?: string;
  json?: boolean;
}

export async function usersAddCommand(email: string, flags: UsersAddFlags): Promise<number> {
  return withDatabase(flags.json, async (db) => {
    const role = parseRole(flags.role);
    const departments = parseDepartments(flags.departments);
    const org = await getOrganization(db.pool, flags.org);
    const { member, signInToken } = await addMember(db.pool, {
      orgId: org.id,
      email,
      name: flags.name ?? null,
      role,
      departments,
      createdBy: actorName(flags.actor),
    });
    const url = signInUrl(consoleBase(), signInToken);
    if (flags.json) {
      printJson({
        userId: member.userId,
        signInUrl: url,
        email: member.email,
        orgId: org.id,
        role: member.role,
        departments: member.departments,
      });
      return 0;
    }
    const scope = member.departments ? `, limited to ${member.departments.join(', ')}` : '';
    process.stdout.write(
      [
        `${member.email} is ${member.role} of ${org.name}${scope}.`,
        '',
        'Send them this sign-in link. It works once, for 24 hours:',
        '',
        `  ${url}`,
        '',
      ].join('\n'),
    );
    return 0;
  });
}

export async function usersListCommand(flags: { org: string; json?: boolean }): Promise<number> {
  return withDatabase(flags.json, async (db) => {
    const org = await getOrganization(db.pool, flags.org);
    const members = await listMembers(db.pool, org.id);
    if (flags.json) {
      printJson({ users: members });
      return 0;
    }
    if (members.length === 0) {
      process.stdout.write(`${org.name} has no people yet. Add one with "budget-sync users add EMAIL --org ${org.id} --role admin".\n`);
      return 0;
    }
    const rows = [['email', 'name', 'role', 'departments', 'added', 'added by']];
    for (const m of members) {
      rows.push([m.email, m.name ?? '', m.role, m.departments?.join(', ') ?? 'all', m.createdAt.slice(0, 10), m.createdBy]);
    }
    process.stdout.write(`People of ${org.name}:\n${table(rows)}\n`);
    return 0;
  });
}

export async function usersRemoveCommand(email: string, flags: { org: string; actor?: string; json?: boolean }): Promise<number> {
  return withDatabase(flags.json, async (db) => {
    const org = await getOrganization(db.pool, flags.org);
    const member = await removeMember(db.pool, org.id, email, actorName(flags.actor));
    if (flags.json) printJson({ userId: member.userId, email: member.email, orgId: org.id, removed: true });
    else process.stdout.write(`Removed ${member.email} from ${org.name}; their sessions there have ended.\n`);
    return 0;
  });
}

export async function usersHistoryCommand(flags: { org: string; limit?: string; json?: boolean }): Promise<number> {
  return withDatabase(flags.json, async (db) => {
    const org = await getOrganization(db.pool, flags.org);
    const limit = flags.limit === undefined ? 50 : Number(flags.limit);
    const changes = await listMemberChanges(db.pool, org.id, { limit: Number.isInteger(limit) && limit > 0 ? limit : 50 });
    if (flags.json) {
      printJson({ changes });
      return 0;
    }
    if (changes.length === 0) {
      process.stdout.write(`Nobody has been added to ${org.name} yet.\n`);
      return 0;
    }
    const rows = [['when (UTC)', 'person', 'change', 'by']];
    for (const c of changes) rows.push([c.at.slice(0, 16).replace('T', ' '), c.email, describeMemberChange(c), c.actor]);
    process.stdout.write(`Changes of the people of ${org.name}, newest first:\n${table(rows)}\n`);
    return 0;
  });
}
