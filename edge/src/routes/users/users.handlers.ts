/**
 * People: /api/me for anyone, /api/users for admins (add, change, remove, and the history of those
 * changes), /api/keys (machines' keys, minted within the maker's role), through db's services.
 */
import {
  type ApiKeyInfo,
  addMember,
  changeMember,
  createApiKey,
  getOrganization,
  listApiKeys,
  listMemberChanges,
  listMembers,
  type Member,
  orgsOfUser,
  removeMember,
  roleGrants,
  signInUrl,
} from '@budget-sync/db';
import { whoIs } from '../../middleware/auth.ts';
import { ApiProblem } from '../../problems.ts';
import type { AppRouteHandler } from '../../openapi/contract.ts';
import type {
  AddRoute,
  ChangeRoute,
  CreateKeyRoute,
  HistoryRoute,
  ListKeysRoute,
  ListRoute,
  MeRoute,
  RemoveRoute,
} from './users.routes.ts';

export const me: AppRouteHandler<MeRoute> = async (c) => {
  const { person, orgId, scopes, keyId, name } = c.var.auth;
  const db = await c.var.database();
  if (person) {
    const { email, role, departments } = person;
    const orgs = await orgsOfUser(db.pool, person.userId);
    const orgName = orgs.find((o) => o.orgId === orgId)?.name ?? (await getOrganization(db.pool, orgId)).name;
    return c.json({ kind: 'person' as const, email, name: person.name, orgId, orgName, role, departments, scopes, orgs }, 200);
  }
  const orgName = (await getOrganization(db.pool, orgId)).name;
  return c.json({ kind: 'key' as const, orgId, orgName, scopes, keyId: keyId as string, keyName: name }, 200);
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

export const change: AppRouteHandler<ChangeRoute> = async (c) => {
  const body = c.req.valid('json');
  const db = await c.var.database();
  const member = await changeMember(db.pool, {
    orgId: c.var.auth.orgId,
    email: c.req.valid('param').email,
    role: body.role,
    departments: body.departments ?? null,
    actor: c.var.auth.name,
  });
  return c.json(listed(member), 200);
};

export const remove: AppRouteHandler<RemoveRoute> = async (c) => {
  const db = await c.var.database();
  await removeMember(db.pool, c.var.auth.orgId, c.req.valid('param').email, c.var.auth.name);
  return c.body(null, 204);
};

export const history: AppRouteHandler<HistoryRoute> = async (c) => {
  const { limit, before } = c.req.valid('query');
  const db = await c.var.database();
  const changes = await listMemberChanges(db.pool, c.var.auth.orgId, { limit, before });
  return c.json(
    { changes: changes.map(({ id, email, action, before, after, actor, at }) => ({ id, email, action, before, after, actor, at })) },
    200,
  );
};

function listedKey(k: ApiKeyInfo) {
  const { id, name, prefix, scopes, createdAt, createdBy, lastUsedAt, revokedAt } = k;
  return { id, name, prefix, scopes, createdAt, createdBy, lastUsedAt, revokedAt };
}

export const listKeys: AppRouteHandler<ListKeysRoute> = async (c) => {
  const db = await c.var.database();
  return c.json({ keys: (await listApiKeys(db.pool, c.var.auth.orgId)).map(listedKey) }, 200);
};

/** Keys for machines: an admin key or person mints any scopes; another person only their role's, and never while limited to departments. */
export const createKey: AppRouteHandler<CreateKeyRoute> = async (c) => {
  const body = c.req.valid('json');
  const auth = c.var.auth;
  const person = auth.person;
  // (A key without admin was refused before the body was read: users.routes.ts.)
  if (person?.departments) {
    throw new ApiProblem(
      403,
      'auth.forbidden',
      `${whoIs(auth)} is limited to departments (${person.departments.join(', ')}) and a key would not be: ask an admin to make the key.`,
      { requiredScope: 'admin', scopes: auth.scopes },
    );
  }
  const beyond = person ? body.scopes.filter((s) => !roleGrants(person.role, s)) : [];
  if (beyond.length > 0) {
    throw new ApiProblem(
      403,
      'auth.forbidden',
      `${whoIs(auth)} may not give a key ${beyond.join(', ')}: a key gets at most the scopes of its maker's role.`,
      {
        requiredScope: beyond.join(' and '),
        scopes: auth.scopes,
      },
    );
  }
  const db = await c.var.database();
  const { key, apiKey } = await createApiKey(db.pool, { orgId: auth.orgId, name: body.name, scopes: body.scopes, createdBy: auth.name });
  return c.json({ ...listedKey(key), apiKey }, 201);
};
