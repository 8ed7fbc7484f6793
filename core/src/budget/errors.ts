/**
 * The one error of the budget-control rules: a request that cannot be evaluated (unknown period, bad
 * amount). Core does no I/O and knows nothing of the database's DomainError, so it throws this with the
 * same stable codes and the services turn it into a DomainError unchanged.
 */
export type BudgetInputErrorCode = 'period.invalid' | 'amount.invalid' | 'input.invalid';

export class BudgetInputError extends Error {
  readonly code: BudgetInputErrorCode;

  constructor(code: BudgetInputErrorCode, message: string) {
    super(message);
    this.name = 'BudgetInputError';
    this.code = code;
  }
}

export function isBudgetInputError(e: unknown): e is BudgetInputError {
  return e instanceof BudgetInputError;
}
