/**
 * Contract of the people of the caller's organization (admins: list, add, remove) and of `GET /api/me`
 * (anyone: who the request acts as). DESIGN §3: `/api/me` is `{email, name, orgId, role, departments}`
 * for a person, the key's org and scopes for a key.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../../env.ts';
import { requireScope, whoIs } from '../../middleware/auth.ts';
import { parseBody } from '../../middleware/body.ts';
import { guard, json, jsonBody, problem, problems } from '../../openapi/contract.ts';
import { ApiProblem } from '../../problems.ts';

const ROLE = z.enum(['viewer', 'editor', 'approver', 'admin']);
const Departments = z
  .array(z.string())
  .nullable()
  .openapi({ description: 'The departments the person is limited to; null: all of them.', example: ['Marketing'] });

export const MeSchema = z
  .object({
    kind: z.enum(['person', 'key']),
    orgId: z.string(),
    scopes: z.array(z.string()),
    email: z.string().optional(),
    name: z.string().nullable().optional(),
    role: ROLE.optional(),
    departments: Departments.optional(),
    keyId: z.string().optional(),
    keyName: z.string().optional(),
    orgName: z.string().openapi({ description: 'The name of the organization the request acts in.' }),
    orgs: z
      .array(z.object({ orgId: z.string(), name: z.string(), role: ROLE }).openapi('MemberOrg'))
      .optional()
      .openapi({ description: 'A person: every organization they belong to, with their role there (to switch with X-Budget-Sync-Org).' }),
  })
  .openapi('Me', {
    description: 'A person: email, name, role, departments, orgs. A key: keyId, keyName. Both: orgId, orgName and scopes.',
  });

const UserSchema = z
  .object({
    userId: z.string(),
    email: z.string(),
    name: z.string().nullable(),
    role: ROLE,
    departments: Departments,
    createdAt: z.string(),
    createdBy: z.string(),
  })
  .openapi('User');

const UserInput = z
  .strictObject({
    email: z.string().max(320).openapi({ example: 'dana@example.com' }),
    name: z.string().max(200).optional(),
    role: ROLE,
    departments: z.array(z.string().max(200)).max(1000).nullable().optional(),
  })
  .openapi('UserInput', { description: 'Adds the person, or changes the role and departments of a member.' });

const Email = z.object({
  email: z
    .string()
    .max(320)
    .openapi({ param: { name: 'email', in: 'path' }, example: 'dana@example.com' }),
});

export const me = createRoute({
  method: 'get',
  path: '/api/me',
  operationId: 'getMe',
  tags: ['People'],
  summary: 'Who the request acts as',
  ...guard([], { departments: 'none' }),
  responses: { 200: json(MeSchema, 'The person or key, and the organization.'), ...problems(400, 401, 403, 503) },
});
export type MeRoute = typeof me;

export const list = createRoute({
  method: 'get',
  path: '/api/users',
  operationId: 'listUsers',
  tags: ['People'],
  summary: 'List the people of the organization',
  ...guard('admin', { departments: 'none' }),
  responses: { 200: json(z.object({ users: z.array(UserSchema) }), 'The members, by email.'), ...problems(400, 401, 403, 503) },
});
export type ListRoute = typeof list;

export const add = createRoute({
  method: 'post',
  path: '/api/users',
  operationId: 'addUser',
  tags: ['People'],
  summary: 'Add a person (or change their role)',
  description:
    'Answers a one-time sign-in URL (24 h, single use) to send them. The change is recorded (`GET /api/users/history`). Demoting or limiting the last admin without a department limit is refused: 409 `user.last_admin`.',
  ...guard('admin', { departments: 'whole-org' }),
  request: { body: jsonBody(UserInput, 'The person, their role and departments.') },
  responses: {
    200: json(UserSchema.extend({ signInUrl: z.string() }).openapi('AddedUser'), 'The member and their sign-in link.'),
    ...problems(400, 401, 403, 415, 422, 503),
    409: problem('`user.last_admin`: make another person admin first.'),
  },
});
export type AddRoute = typeof add;

export const remove = createRoute({
  method: 'delete',
  path: '/api/users/{email}',
  operationId: 'removeUser',
  tags: ['People'],
  summary: 'Remove a person from the organization',
  description:
    'Their console sessions of this organization end at once; their sign-in links stop working. The removal is recorded (`GET /api/users/history`). The last admin without a department limit cannot be removed: 409 `user.last_admin`.',
  ...guard('admin', { departments: 'whole-org' }),
  request: { params: Email },
  responses: {
    204: { description: 'Removed.' },
    ...problems(400, 401, 403, 404, 503),
    409: problem('`user.last_admin`: make another person admin first.'),
  },
});
export type RemoveRoute = typeof remove;

const UserChange = z
  .strictObject({
    role: ROLE,
    departments: z.array(z.string().max(200)).max(1000).nullable().optional(),
  })
  .openapi('UserChange', { description: 'The new role and departments (missing or null: all departments).' });

export const change = createRoute({
  method: 'patch',
  path: '/api/users/{email}',
  operationId: 'changeUser',
  tags: ['People'],
  summary: "Change a person's role and departments",
  description:
    'No new sign-in link; their sessions take the new role at their next request. The change is recorded (`GET /api/users/history`). Demoting or limiting the last admin without a department limit is refused: 409 `user.last_admin`.',
  ...guard('admin', { departments: 'whole-org' }),
  request: { params: Email, body: jsonBody(UserChange, 'The role and departments.') },
  responses: {
    200: json(UserSchema, 'The member as changed.'),
    ...problems(400, 401, 403, 404, 415, 422, 503),
    409: problem('`user.last_admin`: make another person admin first.'),
  },
});
export type ChangeRoute = typeof change;

const MembershipStateSchema = z
  .object({ role: ROLE, departments: Departments })
  .nullable()
  .openapi('MembershipState', { description: 'The role and departments; null: not a member (before an addition, after a removal).' });

const MemberChangeSchema = z
  .object({
    id: z.number().int(),
    email: z.string(),
    action: z.enum(['added', 'changed', 'removed']),
    before: MembershipStateSchema,
    after: MembershipStateSchema,
    actor: z.string().openapi({ description: "Who made the change: a person's email, an API key's name, or the CLI's actor." }),
    at: z.string(),
  })
  .openapi('MemberChange');

export const history = createRoute({
  method: 'get',
  path: '/api/users/history',
  operationId: 'listUserChanges',
  tags: ['People'],
  summary: 'Who added, changed or removed whom',
  description: 'Newest first; `before` (an id) pages back.',
  ...guard('admin', { departments: 'none' }),
  request: {
    query: z.object({
      limit: z.coerce.number().int().min(1).max(500).default(50),
      before: z.coerce.number().int().min(1).optional().openapi({ description: 'Only changes older than this id.' }),
    }),
  },
  responses: {
    200: json(z.object({ changes: z.array(MemberChangeSchema) }), 'The changes, newest first.'),
    ...problems(400, 401, 403, 503),
  },
});
export type HistoryRoute = typeof history;

const KeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string().openapi({ description: 'The first characters, to tell keys apart; never the key.' }),
    scopes: z.array(z.string()),
    createdAt: z.string(),
    createdBy: z.string().nullable().openapi({ description: "Who made it: a person's email, the CLI's actor, or null for older keys" }),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .openapi('ApiKey');

const KeyInput = z
  .strictObject({
    name: z.string().min(1).max(200).openapi({ description: 'What or who uses the key', example: 'approval workflow' }),
    scopes: z
      .array(z.enum(['budget:read', 'budget:check', 'budget:reserve', 'imports:read', 'imports:write', 'sources:admin', 'admin']))
      .min(1)
      .max(7),
  })
  .openapi('ApiKeyInput');

/** Any person may ask (their role bounds the scopes, checked by the handler); a key must be an admin key, refused before the body is read. */
const adminUnlessPerson = createMiddleware<AppEnv>(async (c, next) => {
  const auth = c.var.auth;
  if (!auth.person && !auth.scopes.includes('admin')) {
    throw new ApiProblem(403, 'auth.forbidden', `${whoIs(auth)} does not have the scope admin, which making keys needs.`, {
      requiredScope: 'admin',
      scopes: auth.scopes,
    });
  }
  await next();
});
const keyMakers = { ...guard([], { departments: 'whole-org' }), middleware: [requireScope([]), adminUnlessPerson, parseBody] };

export const listKeys = createRoute({
  method: 'get',
  path: '/api/keys',
  operationId: 'listApiKeys',
  tags: ['People'],
  summary: "List the organization's API keys (never the keys themselves)",
  ...guard('admin', { departments: 'none' }),
  responses: { 200: json(z.object({ keys: z.array(KeySchema) }), 'The keys, oldest first.'), ...problems(400, 401, 403, 503) },
});
export type ListKeysRoute = typeof listKeys;

export const createKey = createRoute({
  method: 'post',
  path: '/api/keys',
  operationId: 'createApiKey',
  tags: ['People'],
  summary: 'Create an API key for a machine (an approval workflow, a script)',
  description:
    'A person may give a key only scopes their role holds (an admin: any); a person limited to departments may not make keys (a key has no department limit). An API key needs `admin`. The key is in the answer once; it records who made it.',
  ...keyMakers,
  request: { body: jsonBody(KeyInput, 'The name and scopes of the key.') },
  responses: {
    201: json(
      KeySchema.extend({ apiKey: z.string().openapi({ description: 'The key, shown this once' }) }).openapi('CreatedApiKey'),
      'The key.',
    ),
    ...problems(400, 401, 403, 415, 422, 503),
  },
});
export type CreateKeyRoute = typeof createKey;
