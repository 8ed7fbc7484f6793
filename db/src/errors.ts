/**
 * Errors of the database services, as values with stable codes. The API maps them to problem+json in
 * one place and the CLI prints their message; neither matches on message text.
 */
export type DomainErrorCode =
  | 'org.not_found'
  | 'key.not_found'
  | 'import.not_found'
  | 'import.not_revertible'
  | 'import.revert_conflict'
  | 'input.invalid'
  // People (db/src/users.ts) and their department limits.
  | 'user.not_found'
  /** Removing, demoting or limiting the org's last admin without a department limit. */
  | 'user.last_admin'
  | 'department.forbidden'
  // Budget control (db/src/budget).
  | 'period.invalid'
  | 'amount.invalid'
  | 'currency.mismatch'
  | 'budget.insufficient'
  | 'idempotency.mismatch'
  | 'reservation.not_found'
  | 'reservation.invalid_state'
  | 'amount.exceeds_reserved'
  // Data sources and their encrypted credentials (db/src/sources).
  | 'source.not_found'
  /** A folder outside the organization's folder on the server, or no such folder offered. */
  | 'source.folder_refused'
  /** A host, endpoint or URL on the server's own network (loopback, private, link-local, metadata). */
  | 'source.address_refused'
  | 'secret.key_missing'
  | 'secret.key_invalid'
  | 'secret.undecryptable';

export class DomainError extends Error {
  readonly code: DomainErrorCode;
  readonly details: unknown;

  constructor(code: DomainErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.details = details;
  }
}

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}
