/** Reading the add-on's Outcome answers in tests: the value of an ok one, the error of a failed one. */
import type { Outcome } from '../../../addon/src/shared/contract.ts';

export function ok<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw new Error(`expected ok, got ${JSON.stringify(outcome.error)}`);
  return outcome.value;
}

export function failed<T>(outcome: Outcome<T>): { code: string; message: string } {
  if (outcome.ok) throw new Error(`expected a failure, got ${JSON.stringify(outcome.value).slice(0, 300)}`);
  return outcome.error;
}
