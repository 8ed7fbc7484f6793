/**
 * What can go wrong with a source, as codes and sentences a person can act on. Connectors turn their
 * client's errors into these; `retryable` says whether trying again later may help (a dropped
 * connection) or not (a wrong password, a host key that does not match).
 *
 * The message is the tenant's (it is stored on the run and shown by the API and console); it never
 * carries the client's own words about a failed connection (`ECONNREFUSED`, `socket hang up`, an XML
 * parse error), which would tell a closed port from an open one that speaks another protocol and so
 * turn a source into a port scanner. Those go to `detail`, for the operator's log only.
 */
import { ADDRESS_REFUSED } from '@budget-sync/db/node';

export type SourceErrorCode =
  | 'source.unreachable'
  | 'source.auth_failed'
  | 'source.host_key_mismatch'
  | 'source.host_key_unknown'
  | 'source.location_missing'
  | 'source.permission_denied'
  | 'source.transfer_failed'
  | 'source.server_error'
  | 'source.file_gone'
  /** The host resolves to the server's own network (loopback, private, link-local, metadata). */
  | 'source.address_refused'
  /** The folder leads outside the organization's folder, or is not a regular folder or file. */
  | 'source.folder_refused';

const PERMANENT: ReadonlySet<SourceErrorCode> = new Set([
  'source.auth_failed',
  'source.host_key_mismatch',
  'source.host_key_unknown',
  'source.location_missing',
  'source.permission_denied',
  'source.file_gone',
  'source.address_refused',
  'source.folder_refused',
]);

export class SourceError extends Error {
  readonly code: SourceErrorCode;
  readonly retryable: boolean;
  /** What the client library said, for the operator's log; never shown to the tenant. */
  readonly detail: string | undefined;

  constructor(code: SourceErrorCode, message: string, options: { cause?: unknown; detail?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SourceError';
    this.code = code;
    this.retryable = !PERMANENT.has(code);
    this.detail = options.detail;
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

/** The one sentence for every way a connection can fail before the server proved what it is. */
export function cannotConnect(where: string, e: unknown): SourceError {
  return new SourceError(
    'source.unreachable',
    `Could not connect to ${where}: check the host, the port and that it accepts connections from Budget Sync.`,
    { cause: e, detail: messageOf(e) },
  );
}

/** A connection refused because its host is on the server's own network; null when the error is another. */
export function addressRefusedError(e: unknown, where: string): SourceError | null {
  const code = (e as { code?: unknown } | null)?.code;
  const nested = e instanceof AggregateError ? e.errors.some((x) => (x as { code?: unknown } | null)?.code === ADDRESS_REFUSED) : false;
  if (code !== ADDRESS_REFUSED && !nested) return null;
  return new SourceError(
    'source.address_refused',
    `${where} is or resolves to a loopback, private, link-local or metadata address, which Budget Sync does not connect to. Use a public host; if the source really is on this server's own network, the operator can allow that with BUDGET_SYNC_ALLOW_PRIVATE_NETWORKS=1.`,
    { cause: e, detail: messageOf(e) },
  );
}

/**
 * Network-level failures common to every connector, by Node's error code; null when it is not one.
 * Before the server answered as what it should be (`established` false), every failure is the one
 * `cannotConnect`; after, a connection that drops is said so, without the client's words.
 */
export function networkError(e: unknown, where: string, established = false): SourceError | null {
  const refused = addressRefusedError(e, where);
  if (refused) return refused;
  const code = (e as { code?: unknown } | null)?.code;
  const message = messageOf(e);
  const unreachable =
    (typeof code === 'string' && UNREACHABLE.has(code)) ||
    /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EHOSTUNREACH|timed out while waiting/i.test(message);
  const dropped =
    (typeof code === 'string' && DROPPED.has(code)) ||
    /ECONNRESET|EPIPE|connection lost|not connected|socket hang up|No response from server|closed/i.test(message);
  if (!unreachable && !dropped) return null;
  if (unreachable || !established) return cannotConnect(where, e);
  return new SourceError('source.transfer_failed', `The connection to ${where} dropped; the transfer is tried again.`, {
    cause: e,
    detail: message,
  });
}
