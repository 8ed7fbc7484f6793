/**
 * What can go wrong with a source, as codes and sentences a person can act on. Connectors turn their
 * client's errors into these; `retryable` says whether trying again later may help (a dropped
 * connection) or not (a wrong password, a host key that does not match).
 */

export type SourceErrorCode =
  | 'source.unreachable'
  | 'source.auth_failed'
  | 'source.host_key_mismatch'
  | 'source.host_key_unknown'
  | 'source.location_missing'
  | 'source.permission_denied'
  | 'source.transfer_failed'
  | 'source.server_error'
  | 'source.file_gone';

const PERMANENT: ReadonlySet<SourceErrorCode> = new Set([
  'source.auth_failed',
  'source.host_key_mismatch',
  'source.host_key_unknown',
  'source.location_missing',
  'source.permission_denied',
  'source.file_gone',
]);

export class SourceError extends Error {
  readonly code: SourceErrorCode;
  readonly retryable: boolean;

  constructor(code: SourceErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SourceError';
    this.code = code;
    this.retryable = !PERMANENT.has(code);
  }
}

export function isSourceError(e: unknown): e is SourceError {
  return e instanceof SourceError;
}

/** Retry anything but a SourceError known to be permanent: an unknown error is more often a passing one. */
export function isRetryable(e: unknown): boolean {
  return isSourceError(e) ? e.retryable : true;
}

export function messageOf(e: unknown): string {
  if (e instanceof AggregateError && !e.message) {
    const first: unknown = e.errors[0];
    return first instanceof Error ? first.message : 'the connection failed';
  }
  return e instanceof Error ? e.message : String(e);
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);
const DROPPED = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_NOT_CONNECTED']);

/** Network-level failures common to every connector, by Node's error code; null when it is not one. */
export function networkError(e: unknown, where: string): SourceError | null {
  const code = (e as { code?: unknown } | null)?.code;
  const message = messageOf(e);
  if (
    (typeof code === 'string' && UNREACHABLE.has(code)) ||
    /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EHOSTUNREACH|timed out while waiting/i.test(message)
  ) {
    return new SourceError('source.unreachable', `Cannot reach ${where}: ${message}.`, { cause: e });
  }
  if (
    (typeof code === 'string' && DROPPED.has(code)) ||
    /ECONNRESET|EPIPE|connection lost|not connected|socket hang up|No response from server|closed/i.test(message)
  ) {
    return new SourceError('source.transfer_failed', `The connection to ${where} dropped: ${message}.`, { cause: e });
  }
  return null;
}
