/**
 * Errors as `application/problem+json` (RFC 9457) with a stable `code`: the ONE place where domain
 * errors, file errors, validation failures and the unexpected become HTTP statuses. Handlers never build
 * error responses; they throw, and the app's error handler calls `toProblem`.
 */
import { type FileErrorCode, isFileReadError } from '@budget-sync/core';
import { type DomainErrorCode, isDomainError } from '@budget-sync/db';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export interface ProblemBody {
  /** A link to the code's explanation on the docs page. */
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  [extra: string]: unknown;
}

/** An error the API itself raises (auth, request shape, limits), thrown like any other. */
export class ApiProblem extends Error {
  readonly status: ContentfulStatusCode;
  readonly code: string;
  readonly extra: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(
    status: ContentfulStatusCode,
    code: string,
    detail: string,
    extra: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'ApiProblem';
    this.status = status;
    this.code = code;
    this.extra = extra;
    this.headers = headers;
  }
}

/**
 * Domain codes → status. Exhaustive on purpose: a new DomainError code does not compile until someone
 * decides its status here. 404: the thing is not there (or belongs to another org, which must look the
 * same); 422: a well-formed request the domain refuses; 409: the request conflicts with the current state.
 */
const DOMAIN_STATUS: Record<DomainErrorCode, ContentfulStatusCode> = {
  'org.not_found': 404,
  'key.not_found': 404,
  'import.not_found': 404,
  'reservation.not_found': 404,
  'input.invalid': 422,
  'period.invalid': 422,
  'amount.invalid': 422,
  'currency.mismatch': 422,
  'budget.insufficient': 409,
  'idempotency.mismatch': 409,
  'import.not_revertible': 409,
  'import.revert_conflict': 409,
  'reservation.invalid_state': 409,
  'amount.exceeds_reserved': 409,
  'source.not_found': 404,
  'source.folder_refused': 422,
  'source.address_refused': 422,
  'user.not_found': 404,
  'user.last_admin': 409,
  // A person limited to some departments asked for one outside them.
  'department.forbidden': 403,
  // The server's credential key is missing or wrong: the operator must fix the configuration.
  'secret.key_missing': 503,
  'secret.key_invalid': 503,
  'secret.undecryptable': 503,
};

/** Domain errors that are the operator's to fix, not the client's: answered with their code, and logged. */
const OPERATOR_CODES: ReadonlySet<DomainErrorCode> = new Set(['secret.key_missing', 'secret.key_invalid', 'secret.undecryptable']);

/** File errors: too big is 413 (the client must send less); anything else about the file is 422. */
const FILE_STATUS: Partial<Record<FileErrorCode, ContentfulStatusCode>> = {
  'file.too_large': 413,
  'file.too_many_rows': 413,
  'file.too_complex': 413,
};

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  413: 'Content too large',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests',
  500: 'Internal server error',
  503: 'Service unavailable',
};

const DOMAIN_MEANING: Record<DomainErrorCode, string> = {
  'org.not_found': 'The organization does not exist.',
  'key.not_found': 'The API key does not exist in this organization.',
  'import.not_found': 'No import with that id in this organization.',
  'reservation.not_found': 'No reservation with that id in this organization.',
  'input.invalid': 'A value the domain refuses (empty name, bad currency code, invalid setting); `problems` may list them.',
  'period.invalid': 'The period or date is not one Budget Sync understands.',
  'amount.invalid': 'The amount is not a positive decimal with at most 2 decimals.',
  'currency.mismatch': "The request's currency is not the budget line's.",
  'budget.insufficient': 'Not enough budget under block control; `check` carries the figures. Nothing was reserved.',
  'idempotency.mismatch': 'The Idempotency-Key was already used for a different request.',
  'import.not_revertible': 'The import cannot be reverted (already reverted, changed nothing, or never applied).',
  'import.revert_conflict':
    'Lines of the import changed since, or hold money that reverting would strand or overspend; `conflicts` lists them.',
  'reservation.invalid_state': 'The reservation has nothing left to commit or release.',
  'amount.exceeds_reserved': 'More than is still reserved cannot be committed.',
  'source.not_found': 'No data source with that id in this organization.',
  'source.folder_refused':
    "The folder is not inside the organization's folder on the server (BUDGET_SYNC_FOLDER_ROOT), or the server offers none; `field` names the setting.",
  'source.address_refused':
    'The host, endpoint or URL is (or resolves to) a loopback, private, link-local or metadata address, which the server does not connect to unless its operator allows it; `field` names the setting.',
  'user.not_found': 'No person with that email in this organization.',
  'user.last_admin': 'The change would remove, demote or limit the last admin without a department limit; make another person admin first.',
  'department.forbidden':
    'The signed-in person is limited to some departments (`departments`) and the request reaches outside them (`department`, or `rows` of a file).',
  'secret.key_missing': "The server's credential encryption key is not configured; an operator must set it.",
  'secret.key_invalid': "The server's credential encryption key is malformed; an operator must fix it.",
  'secret.undecryptable': 'Stored credentials cannot be decrypted with the configured keys; enter them again or restore the key.',
};

/** Every code the API answers with, for the docs page (domain codes come from the table above). */
export const PROBLEM_CODES: ReadonlyArray<{ code: string; status: number; meaning: string }> = [
  {
    code: 'request.invalid',
    status: 400,
    meaning: 'The request does not match the contract (wrong types, missing fields); `errors` lists the field paths.',
  },
  { code: 'request.malformed_json', status: 400, meaning: 'The body is not valid JSON.' },
  { code: 'request.malformed_form', status: 400, meaning: 'The multipart/form-data body cannot be parsed.' },
  { code: 'request.too_large', status: 413, meaning: 'The request body is larger than the limit (20 MB by default).' },
  { code: 'request.unsupported_media_type', status: 415, meaning: 'The Content-Type is not one the operation accepts.' },
  { code: 'request.malformed_encoding', status: 400, meaning: 'The body is marked Content-Encoding: gzip but is not gzip data.' },
  {
    code: 'request.unsupported_encoding',
    status: 415,
    meaning: 'A Content-Encoding other than gzip (spreadsheet endpoints only take gzip).',
  },
  { code: 'route.not_found', status: 404, meaning: 'There is no such operation.' },
  { code: 'auth.missing_key', status: 401, meaning: 'No `Authorization: Bearer <key>` header.' },
  { code: 'auth.invalid_key', status: 401, meaning: 'The key is unknown or revoked.' },
  {
    code: 'auth.invalid_token',
    status: 401,
    meaning: 'The Google ID token does not verify (signature, issuer, audience, expiry, unverified email); `detail` says which.',
  },
  { code: 'auth.no_membership', status: 403, meaning: "The token's person is not a member of the (named) organization." },
  {
    code: 'auth.org_required',
    status: 400,
    meaning: 'The person belongs to several organizations: name one in `X-Budget-Sync-Org` (`orgs`).',
  },
  { code: 'auth.forbidden', status: 403, meaning: 'The key lacks the scope the operation needs (`requiredScope`).' },
  {
    code: 'auth.rate_limited',
    status: 429,
    meaning:
      'Too many wrong API keys (or failed console sign-ins) from your address within the window (a minute by default); wait `retryAfterSeconds`, also sent as Retry-After. Valid keys are never limited.',
  },
  ...Object.entries(DOMAIN_STATUS).map(([code, status]) => ({ code, status, meaning: DOMAIN_MEANING[code as DomainErrorCode] })),
  {
    code: 'file.*',
    status: 422,
    meaning: 'The file cannot be read (file.empty, file.unreadable, file.unsupported, file.zip_bomb, …); `row`/`column` say where.',
  },
  { code: 'file.too_large', status: 413, meaning: 'The file is larger than the reader accepts.' },
  { code: 'file.too_many_rows', status: 413, meaning: 'A sheet has more rows than the reader accepts.' },
  {
    code: 'file.too_complex',
    status: 413,
    meaning: 'Reading and analysing the file took more time or memory than one file may (Node server: the analysis pool limits).',
  },
  {
    code: 'import.rejected',
    status: 422,
    meaning: 'The import was refused (errors, unaccepted warnings, not a budget); the body carries the result and its issues.',
  },
  {
    code: 'import.failed',
    status: 503,
    meaning: 'Writing the import failed and nothing was written; the body carries the result. Try again.',
  },
  {
    code: 'amount.out_of_range',
    status: 422,
    meaning: 'A running total (a line’s consumption, a reservation’s) would exceed what Budget Sync can hold; nothing was changed.',
  },
  { code: 'db.unavailable', status: 503, meaning: 'The database cannot be reached right now. Try again shortly.' },
  { code: 'internal', status: 500, meaning: 'An unexpected error; it was logged on the server.' },
];

const RESERVED_KEYS = new Set(['type', 'title', 'status', 'code', 'detail']);

export function problemType(code: string): string {
  return `/api/docs#problem-${code}`;
}

export function problemBody(status: number, code: string, detail: string, extra: Record<string, unknown> = {}): ProblemBody {
  const body: ProblemBody = { type: problemType(code), title: TITLES[status] ?? 'Error', status, code, detail };
  for (const [k, v] of Object.entries(extra)) if (!RESERVED_KEYS.has(k)) body[k] = v;
  return body;
}

export interface ResolvedProblem {
  body: ProblemBody;
  headers: Record<string, string>;
  /** Not a client mistake nor a known condition: log it. */
  unexpected: boolean;
}

/**
 * A domain error's details become top-level members. A detail named like a problem member (a
 * reservation's `status`) is renamed after the code's subject (`reservationStatus`) instead of clobbering it.
 */
function detailsAsExtra(code: string, details: unknown): Record<string, unknown> {
  if (typeof details !== 'object' || details === null || Array.isArray(details)) return {};
  const subject = code.split('.')[0] ?? 'detail';
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(details)) {
    extra[RESERVED_KEYS.has(k) ? `${subject}${k[0]?.toUpperCase()}${k.slice(1)}` : k] = v;
  }
  return extra;
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);

/** Postgres's numeric_value_out_of_range. */
const NUMERIC_OVERFLOW = '22003';

/** The database is unreachable or going away: connection refused, 08xxx, shutting down, too many connections. */
function isDatabaseUnavailable(e: unknown): boolean {
  if (e instanceof AggregateError) return e.errors.some(isDatabaseUnavailable);
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (CONNECTION_CODES.has(code) || /^(08|57P0|53300)/.test(code))) return true;
  return (
    e instanceof Error &&
    /Connection terminated|timeout exceeded when trying to connect|Cannot use a pool after calling end/i.test(e.message)
  );
}

export function toProblem(e: unknown): ResolvedProblem {
  if (e instanceof ApiProblem) return { body: problemBody(e.status, e.code, e.message, e.extra), headers: e.headers, unexpected: false };
  if (isDomainError(e)) {
    const status = DOMAIN_STATUS[e.code] ?? 422;
    const body = problemBody(status, e.code, e.message, detailsAsExtra(e.code, e.details));
    return { body, headers: {}, unexpected: OPERATOR_CODES.has(e.code) };
  }
  if (isFileReadError(e)) {
    const status = FILE_STATUS[e.code] ?? 422;
    return { body: problemBody(status, e.code, e.message, { file: e.file, row: e.row, column: e.column }), headers: {}, unexpected: false };
  }
  if (e instanceof HTTPException) {
    // Raised inside hono's own middleware (the media-type gate, form parsing); known by status only.
    const byStatus: Record<number, [string, string]> = {
      400: ['request.malformed_form', 'The request body cannot be parsed.'],
      413: ['request.too_large', 'The request body is too large.'],
      415: ['request.unsupported_media_type', 'The Content-Type is not one this operation accepts; see /api/docs.'],
    };
    const known = byStatus[e.status];
    if (known) return { body: problemBody(e.status, known[0], known[1]), headers: {}, unexpected: false };
  }
  if ((e as { code?: unknown } | null)?.code === NUMERIC_OVERFLOW) {
    // Amounts are bounded where they come in (999,999,999,999.99 each); a running total can still reach
    // what a column holds after thousands of the largest ones. The client's figures, not our failure.
    const detail =
      'A total would be larger than Budget Sync can hold (9,999,999,999,999,999.99); nothing was changed. Check the amounts sent: each may be at most 999,999,999,999.99.';
    return { body: problemBody(422, 'amount.out_of_range', detail), headers: {}, unexpected: false };
  }
  if (isDatabaseUnavailable(e)) {
    return {
      body: problemBody(503, 'db.unavailable', 'The database cannot be reached right now. Try again shortly.'),
      headers: { 'Retry-After': '5' },
      unexpected: true,
    };
  }
  return {
    body: problemBody(
      500,
      'internal',
      'Something went wrong on our side. It was logged; if it keeps happening, report it with the time of the request.',
    ),
    headers: {},
    unexpected: true,
  };
}

export function problemResponse(p: { body: ProblemBody; headers: Record<string, string> }): Response {
  return new Response(JSON.stringify(p.body), {
    status: p.body.status,
    headers: { ...p.headers, 'Content-Type': 'application/problem+json; charset=utf-8' },
  });
}
