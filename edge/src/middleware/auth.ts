/**
 * Authentication (an API key, or a person's Google ID token) and scope checks. Every protected route names
 * the scope it needs (or the few that each suffice); `admin` implies all; a person has their role's scopes.
 * The authenticated key (and so its org) is on the context for the handler: every query a handler makes
 * is scoped to `c.var.auth.orgId`, never to anything the client sends. Keys are looked up through the
 * app's key cache (config.authCacheMs): a revoked key is refused within that time. A client that keeps
 * presenting wrong keys or tokens gets 429 instead of 401 (auth-failures.ts); valid ones are never limited.
 * API keys (`bsk_…`) take exactly the path they always took: one cached lookup, no other query.
 */
import { type Authenticated, membershipsOf, orgsOfUser, requireNoDepartmentLimit, type Scope, type Visibility } from '@budget-sync/db';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env.ts';
import { ApiProblem } from '../problems.ts';
import { rateLimited, recordAuthFailure } from './auth-failures.ts';
import { looksLikeIdToken } from './id-tokens.ts';

/** The header a person in several orgs names the org of a request with (the add-on's org picker sends it). */
export const ORG_HEADER = 'x-budget-sync-org';

const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="budget-sync"' };
const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

export function requireScope(scope: Scope | readonly Scope[]) {
  const accepted: readonly Scope[] = typeof scope === 'string' ? [scope] : scope;
  const named = accepted.join(' or ');
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header('authorization');
    const presented = header === undefined ? undefined : BEARER.exec(header)?.[1];
    if (presented === undefined) {
      throw new ApiProblem(401, 'auth.missing_key', 'Send your API key in the header "Authorization: Bearer <key>".', {}, CHALLENGE);
    }
    // c.get, not c.var: c.var copies every variable of the request into a new object on each use.
    const db = await c.get('database')();
    const verify = c.get('verifyIdToken');
    if (verify !== null && looksLikeIdToken(presented)) {
      c.set('auth', checkScope(await personOfIdToken(c, presented), accepted, named));
      return next();
    }
    const auth = await c.get('authenticate')(db.pool, presented);
    if (auth === null) {
      const waitS = recordAuthFailure(c);
      if (waitS !== null) throw rateLimited(waitS, 'requests with a wrong API key');
      throw new ApiProblem(
        401,
        'auth.invalid_key',
        'The API key is unknown or has been revoked. Create a new one with "budget-sync keys create".',
        {},
        { 'WWW-Authenticate': 'Bearer realm="budget-sync", error="invalid_token"' },
      );
    }
    c.set('auth', checkScope(auth, accepted, named));
    await next();
  });
}

/** Refuses a person limited to departments: the operation concerns the whole organization (after requireScope). */
export const requireWholeOrg = createMiddleware<AppEnv>(async (c, next) => {
  requireNoDepartmentLimit(departmentsOf(c.var.auth), `${whoIs(c.var.auth)} is limited to departments`);
  await next();
});

/** Who is acting, as messages name them: the key "name", or the person email (role). */
export function whoIs(auth: Authenticated): string {
  return auth.person ? `${auth.person.email} (${auth.person.role})` : `The API key "${auth.name}"`;
}

/** `accepted` empty: any key or person will do. */
function checkScope(auth: Authenticated, accepted: readonly Scope[], named: string): Authenticated {
  if (accepted.length > 0 && !auth.scopes.includes('admin') && !accepted.some((s) => auth.scopes.includes(s))) {
    throw new ApiProblem(403, 'auth.forbidden', `${whoIs(auth)} does not have the scope ${named}, which this operation needs.`, {
      requiredScope: named,
      scopes: auth.scopes,
    });
  }
  return auth;
}

/**
 * The person a Google ID token names, in the org of the request: the only org they belong to, or the one
 * the X-Budget-Sync-Org header names. A token that does not verify counts as a failed authentication.
 */
async function personOfIdToken(c: Context<AppEnv>, token: string): Promise<Authenticated> {
  const verified = await (c.var.verifyIdToken as NonNullable<AppEnv['Variables']['verifyIdToken']>)(token);
  if (!verified.ok) {
    const waitS = recordAuthFailure(c);
    if (waitS !== null) throw rateLimited(waitS, 'requests with an identity token that does not verify');
    throw new ApiProblem(
      401,
      'auth.invalid_token',
      `The identity token was refused: ${verified.reason}. Sign in again; if it keeps happening, the server's BUDGET_SYNC_GOOGLE_* settings may not match the add-on.`,
      {},
      { 'WWW-Authenticate': 'Bearer realm="budget-sync", error="invalid_token"' },
    );
  }
  const db = await c.var.database();
  const memberships = await membershipsOf(db.pool, verified.email);
  const wanted = c.req.header(ORG_HEADER)?.trim();
  const chosen = wanted ? memberships.find((m) => m.orgId === wanted) : memberships.length === 1 ? memberships[0] : undefined;
  if (chosen) return chosen;
  if (memberships.length === 0 || wanted) {
    throw new ApiProblem(
      403,
      'auth.no_membership',
      `${verified.email} is not a member of ${wanted ? `the organization ${wanted}` : 'any organization'}. Ask an admin to add you ("budget-sync users add").`,
      { email: verified.email },
    );
  }
  // Only on this refusal: the names, so that a picker can show them (the add-on's settings dialog does).
  const named = await orgsOfUser(db.pool, memberships[0]?.person?.userId ?? '');
  throw new ApiProblem(
    400,
    'auth.org_required',
    `${verified.email} belongs to several organizations: name one in the header "X-Budget-Sync-Org" (their ids are in \`orgs\`).`,
    {
      orgs: memberships.map((m) => ({ orgId: m.orgId, name: named.find((o) => o.orgId === m.orgId)?.name ?? null, role: m.person?.role })),
    },
  );
}

/** The departments the request's person is limited to (null: a key, or a person limited to none). */
export function departmentsOf(auth: Authenticated): string[] | null {
  return auth.person?.departments ?? null;
}

/** What of the import history the request may see: everything, or a limited person's part of it. */
export function visibilityOf(auth: Authenticated): Visibility | undefined {
  const departments = departmentsOf(auth);
  return departments ? { departments, actor: auth.name } : undefined;
}
