/**
 * Building blocks of the route contracts (`routes/<name>/<name>.routes.ts`): JSON bodies and responses,
 * problem responses, and `guard(scope)`, which puts the scope into both the contract (security, the
 * `x-required-scope` extension, the description) and the runtime (the auth middleware), so the two
 * cannot drift apart.
 */
import type { Scope } from '@budget-sync/db';
import type { z } from '@hono/zod-openapi';
import type { RouteHandler, RouteConfig } from '@hono/zod-openapi';
import type { AppEnv } from '../env.ts';
import { requireScope, requireWholeOrg } from '../middleware/auth.ts';
import { parseBody } from '../middleware/body.ts';
import { decodeBody } from '../middleware/encoding.ts';
import { ProblemSchema } from '../schemas/common.ts';

export type AppRouteHandler<R extends RouteConfig> = RouteHandler<R, AppEnv>;

export function jsonBody<T extends z.ZodType>(schema: T, description: string) {
  return { content: { 'application/json': { schema } }, description, required: true };
}

export function json<T extends z.ZodType>(schema: T, description: string) {
  return { content: { 'application/json': { schema } }, description };
}

export function problem(description: string) {
  return { content: { 'application/problem+json': { schema: ProblemSchema } }, description };
}

const STANDARD: Record<400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503, string> = {
  400: 'The request does not match the contract: `request.invalid` (with `errors`: field paths and messages), `request.malformed_json`.',
  401: 'No API key, or an unknown or revoked one: `auth.missing_key`, `auth.invalid_key`; a Google ID token that does not verify: `auth.invalid_token`.',
  403: "The API key or the person's role lacks the scope this operation needs: `auth.forbidden`; the token's person is not a member: `auth.no_membership`; a department outside the person's: `department.forbidden`.",
  404: 'Not found (or not in your organization).',
  409: 'The request conflicts with the current state.',
  413: 'The request body is too large: `request.too_large`.',
  415: 'Unsupported Content-Type: `request.unsupported_media_type`.',
  422: 'A value the domain refuses: `input.invalid`, `amount.invalid`, `period.invalid`, `currency.mismatch`.',
  429: 'Too many wrong API keys from your address: `auth.rate_limited`, with Retry-After. Valid keys are never limited.',
  503: 'The database is unreachable: `db.unavailable`.',
};

/** 429 says when to come back. */
const RATE_LIMITED = {
  ...problem(STANDARD[429]),
  headers: {
    'Retry-After': {
      description: 'Seconds until wrong keys from this address are answered 401 again.',
      schema: { type: 'integer' as const, minimum: 1 },
    },
  },
};

/**
 * Problem responses with the standard descriptions; give a route-specific one by overriding the key.
 * An operation that can answer 401 can also answer 429 (wrong keys are rate-limited), so 401 brings 429.
 */
export function problems<C extends keyof typeof STANDARD>(
  ...codes: C[]
): Record<C | (401 extends C ? 429 : never), ReturnType<typeof problem>> {
  const out = {} as Record<C | 429, ReturnType<typeof problem>>;
  for (const code of codes) out[code] = problem(STANDARD[code]);
  if ((codes as number[]).includes(401)) out[429] = RATE_LIMITED;
  return out;
}

/**
 * What a person limited to departments gets from an operation (DESIGN §2 "People"), in the contract as
 * `x-department-scope` and enforced by the handlers (`whole-org` by the middleware here):
 * - `filtered`: only their departments' data (others' items are left out, or not found);
 * - `checked`: a department outside theirs is refused, 403 `department.forbidden` (a file's: naming its rows);
 * - `whole-org`: it concerns the whole organization, so a limited person is refused (403);
 * - `none`: not department data; the same for everyone the scope lets in.
 */
export type DepartmentScope = 'filtered' | 'checked' | 'whole-org' | 'none';

export const DEPARTMENT_SCOPE_TEXT: Record<DepartmentScope, string> = {
  filtered: "A person limited to departments gets only their departments' data.",
  checked: 'A person limited to departments is refused a department outside them: 403 `department.forbidden`.',
  'whole-org': 'This concerns the whole organization: a person limited to departments is refused (403 `department.forbidden`).',
  none: 'Not department data: the same for everyone the scope lets in.',
};

/**
 * The auth part of a protected route: runtime check, OpenAPI security and a visible scope, and what a
 * person limited to departments gets (`departments`; `whole-org` refuses them here).
 * `gzip`: the route also takes `Content-Encoding: gzip` bodies, decoded between auth and parsing.
 */
export function guard(scope: Scope | readonly Scope[], options: { departments: DepartmentScope; gzip?: boolean }) {
  const auth = options.departments === 'whole-org' ? [requireScope(scope), requireWholeOrg] : [requireScope(scope)];
  return {
    middleware: options.gzip ? [...auth, decodeBody, parseBody] : [...auth, parseBody],
    security: [{ bearerAuth: [] }],
    'x-required-scope': typeof scope === 'string' ? scope : scope.length === 0 ? 'any' : scope.join(' or '),
    'x-department-scope': options.departments,
  };
}

/** A public route still parses its body the same way (none of ours has one; this keeps the rule uniform). */
export const open = { middleware: [parseBody], security: [] };
