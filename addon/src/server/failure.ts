/**
 * Failures with codes inside the server functions, and the one place they become Outcome values for the
 * sidebar. Code deep in a call throws an AddonFailure (so a helper can stop a whole flow); the entry
 * points turn it, or anything unexpected, into `{ ok: false, error }` with a message a person can act on.
 */
import { isFileReadError } from '@budget-sync/core';
import type { AddonError, Outcome, SetValuesInput } from '../shared/contract.ts';

export class AddonFailure extends Error {
  readonly code: string;
  readonly status: number | undefined;
  /** A refused value of the review's fields: the message for each. */
  readonly fields: SetValuesInput | undefined;

  constructor(code: string, message: string, status?: number, fields?: SetValuesInput) {
    super(message);
    this.name = 'AddonFailure';
    this.code = code;
    this.status = status;
    this.fields = fields;
  }
}

export function errorOf(e: unknown): AddonError {
  if (e instanceof AddonFailure) {
    const error: AddonError = { code: e.code, message: e.message };
    if (e.status !== undefined) error.status = e.status;
    if (e.fields !== undefined) error.fields = e.fields;
    return error;
  }
  // The sheet's values break a reader limit (too many columns, an over-long cell): core says which and where.
  if (isFileReadError(e)) return { code: e.code, message: e.message };
  const message = e instanceof Error ? e.message : String(e);
  // Logged for the script's execution log (Cloud Logging); the sidebar gets the message only.
  console.error(e);
  return { code: 'internal', message: `Budget Sync hit an unexpected problem: ${message}` };
}

export function outcome<T>(run: () => T): Outcome<T> {
  try {
    return { ok: true, value: run() };
  } catch (e) {
    return { ok: false, error: errorOf(e) };
  }
}
