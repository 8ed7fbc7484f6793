/**
 * How the database commands report: one JSON document on stdout with --json, sentences for people
 * otherwise; errors as a plain sentence on stderr (never a stack trace) and, with --json, as
 * `{"error": {"code", "message", ...}}` on stdout. Exit codes: 0 done, 1 refused (an import rejected,
 * a revert in conflict), 2 bad usage or input, or a database that cannot be used.
 */
import { isDomainError } from '@budget-sync/db';

/** An error the CLI itself raises, with the code and exit code it should end with. */
export class CliError extends Error {
  readonly code: string;
  readonly exitCode: number;
  /** More fields for the JSON error object. */
  readonly extra: Record<string, unknown>;

  constructor(code: string, message: string, exitCode = 2, extra: Record<string, unknown> = {}) {
    super(message);
    this.name = 'CliError';
    this.code = code;
    this.exitCode = exitCode;
    this.extra = extra;
  }
}

export function usageError(message: string): CliError {
  return new CliError('usage', message, 2);
}

export function printJson(doc: unknown): void {
  process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
}

/** Prints an error; `humanDetail` goes to stderr after the message (e.g. the lines a revert conflicts on). */
export function printError(
  json: boolean | undefined,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
  humanDetail = '',
): void {
  if (json) printJson({ error: { code, message, ...extra } });
  process.stderr.write(`budget-sync: ${message}\n${humanDetail}`);
}

/** A message for any thrown value; AggregateError (a refused connection to every address) has none of its own. */
export function messageOf(e: unknown): string {
  if (e instanceof AggregateError && !e.message) {
    const first: unknown = e.errors[0];
    return first instanceof Error ? first.message : 'the connection failed';
  }
  return e instanceof Error ? e.message : String(e);
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH']);

/** The database could not be reached or refused us: refused connection, unknown host, bad login, no such database. */
export function isConnectionFailure(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    if (CONNECTION_CODES.has(code)) return true;
    // 08xxx connection exceptions, 28xxx bad login, 3D000 no such database, 57P0x server shutting down.
    if (/^(08|28|3D000|57P0)/.test(code)) return true;
  }
  if (e instanceof AggregateError) return e.errors.some(isConnectionFailure);
  return e instanceof Error && /Connection terminated|connect ECONNREFUSED|timeout expired/i.test(e.message);
}

/** Prints any error a command ended with and returns its exit code. `where` names the database, without password. */
export function reportError(json: boolean | undefined, e: unknown, where: string): number {
  if (e instanceof CliError) {
    printError(json, e.code, e.message, e.extra);
    return e.exitCode;
  }
  if (isDomainError(e)) {
    printError(json, e.code, e.message);
    // Asking for something that is not there, or giving a bad value, is a usage error; the rest are refusals.
    return e.code.endsWith('.not_found') || e.code === 'input.invalid' ? 2 : 1;
  }
  // `where` is a URL, or already a phrase ("the embedded database (…)").
  const database = where.startsWith('the ') ? where : `the database ${where}`;
  const why = messageOf(e).replace(/\.$/, '');
  if (isConnectionFailure(e)) {
    printError(
      json,
      'db.unreachable',
      `Cannot use ${database}: ${why}. ${
        process.env.DATABASE_URL
          ? 'Check that it is running and that DATABASE_URL names it (unset DATABASE_URL to use the embedded database).'
          : 'Try again; if it keeps failing, set DATABASE_URL to use another Postgres.'
      }`,
    );
    return 2;
  }
  printError(json, 'internal', `Unexpected error with ${database}: ${why}. If it happens again, report it with this message.`);
  return 2;
}
