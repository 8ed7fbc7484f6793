/**
 * Retrying what failed for a passing reason (a dropped connection, a server error): exponential backoff
 * with jitter, a bounded number of attempts. The delay rule is pure; `withRetries` runs it.
 */

export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseMs: 1000, maxMs: 30_000 };

/** Delay before retry number `retry` (1 = the first retry): base × 2^(retry-1), capped, with ±20% jitter. */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exact = Math.min(policy.maxMs, policy.baseMs * 2 ** (retry - 1));
  return Math.round(exact * (0.8 + 0.4 * random()));
}

export interface RetryHooks {
  /** Whether this error may pass if tried again; a permanent one (wrong password) ends at once. */
  isRetryable(e: unknown): boolean;
  onRetry?(e: unknown, retry: number, delayMs: number): void | Promise<void>;
  sleep?(ms: number): Promise<void>;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function withRetries<T>(policy: RetryPolicy, hooks: RetryHooks, fn: (attempt: number) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      if (attempt >= policy.attempts || !hooks.isRetryable(e)) throw e;
      const delay = backoffDelay(attempt, policy);
      await hooks.onRetry?.(e, attempt, delay);
      await (hooks.sleep ?? sleep)(delay);
    }
  }
}
