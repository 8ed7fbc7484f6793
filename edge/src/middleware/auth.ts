/**
 * API-key authentication and scope checks. Every protected route names the scope it needs (or the few
 * that each suffice); `admin` implies all.
 * The authenticated key (and so its org) is on the context for the handler: every query a handler makes
 * is scoped to `c.var.auth.orgId`, never to anything the client sends. Keys are looked up through the
 * app's key cache (config.authCacheMs): a revoked key is refused within that time. A client that keeps
 * presenting wrong keys gets 429 instead of 401 (auth-failures.ts); valid keys are never limited.
 */
import type { Scope } from '@budget-sync/db';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env.ts';
import { ApiProblem } from '../problems.ts';
import { rateLimited, recordAuthFailure } from './auth-failures.ts';

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
    const db = await c.var.database();
    const auth = await c.var.authenticate(db.pool, presented);
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
    if (!auth.scopes.includes('admin') && !accepted.some((s) => auth.scopes.includes(s))) {
      throw new ApiProblem(
        403,
        'auth.forbidden',
        `The API key "${auth.name}" does not have the scope ${named}, which this operation needs.`,
        {
          requiredScope: named,
          scopes: auth.scopes,
        },
      );
    }
    c.set('auth', auth);
    await next();
  });
}
