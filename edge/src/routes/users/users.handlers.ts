/** People: /api/me for anyone, /api/users for admins, through db's users service. */
import { addMember, listMembers, type Member, removeMember, signInUrl } from '@budget-sync/db';
import type { AppRouteHandler } from '../../openapi/contract.ts';
import type { AddRoute, ListRoute, MeRoute, RemoveRoute } from './users.routes.ts';

export const me: AppRouteHandler<MeRoute> = async (c) => {
  const { person, orgId, scopes, keyId, name } = c.var.auth;
  if (person) {
    const { email, role, departments } = person;
    return c.json({ kind: 'person' as const, email, name: person.name, orgId, role, departments, scopes }, 200);
  }
  return c.json({ kind: 'key' as const, orgId, scopes, keyId: keyId as string, keyName: name }, 200);
};

function listed(m: Member) {
  const { userId, email, name, role, departments, createdAt, createdBy } = m;
  return { userId, email, name, role, departments, createdAt, createdBy };
}

export const list: AppRouteHandler<ListRoute> = async (c) => {
  const db = await c.var.database();
  return c.json({ users: (await listMembers(db.pool, c.var.auth.orgId)).map(listed) }, 200);
};

export const add: AppRouteHandler<AddRoute> = async (c) => {
  const body = c.req.valid('json');
  const db = await c.var.database();
  const { member, signInToken } = await addMember(db.pool, {
    orgId: c.var.auth.orgId,
    email: body.email,
    name: body.name ?? null,
    role: body.role,
    departments: body.departments ?? null,
    createdBy: c.var.auth.name,
  });
  const base = c.var.config.publicUrl ?? new URL(c.req.url).origin;
  return c.json({ ...listed(member), signInUrl: signInUrl(base, signInToken) }, 200);
};

export const remove: AppRouteHandler<RemoveRoute> = async (c) => {
  const db = await c.var.database();
  await removeMember(db.pool, c.var.auth.orgId, c.req.valid('param').email);
  return c.body(null, 204);
};
