/**
 * Failed authentications per client, limited in a sliding window: a client that presented more than
 * `limit` wrong API keys (or failed console sign-ins) in the last `windowMs` is answered 429
 * `auth.rate_limited` with Retry-After instead of 401, for as long as that stays true.
 *
 * Only failures are counted, and only after the key was looked up: a valid key is never counted, never
 * delayed and never refused, even from a client that is limited, because an attacker behind the same NAT
 * as real users must not lock them out. The state is this process's (on Workers: this isolate's), in a
 * map of at most `maxClients` clients (least recently failing dropped first), each holding at most
 * `limit` timestamps.
 */
import type { AppEnv } from '../env.ts';
import { ApiProblem } from '../problems.ts';

export interface FailureLimitOptions {
  /** Failures allowed per window; the next one is refused. */
  limit: number;
  windowMs: number;
  /** Clients remembered at most. Default 10,000. */
  maxClients?: number;
  now?: () => number;
}

export class FailureLimiter {
  private readonly limit: number;
  private readonly windowMs: number;
  private readonly maxClients: number;
  private readonly now: () => number;
  /** Per subject, the times of its latest failures (at most `limit`), oldest first; Map order is recency. */
  private readonly failures = new Map<string, number[]>();

  constructor(options: FailureLimitOptions) {
    this.limit = options.limit;
    this.windowMs = options.windowMs;
    this.maxClients = options.maxClients ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /**
   * Records one failure of each subject (a client address, a key prefix). Returns the whole seconds to
   * wait when any of them now has more than `limit` failures in the window, else null.
   */
  fail(subjects: readonly string[]): number | null {
    const t = this.now();
    let waitMs = 0;
    for (const subject of subjects) {
      const times = (this.failures.get(subject) ?? []).filter((f) => f > t - this.windowMs);
      const over = times.length >= this.limit;
      times.push(t);
      if (times.length > this.limit) times.shift();
      // Over the limit until the oldest kept failure leaves the window: then `limit - 1` remain, and one
      // more failure is within the limit again.
      if (over) waitMs = Math.max(waitMs, (times[0] as number) + this.windowMs - t);
      this.failures.delete(subject);
      this.failures.set(subject, times);
      if (this.failures.size > this.maxClients) this.failures.delete(this.failures.keys().next().value as string);
    }
    return waitMs > 0 ? Math.max(1, Math.ceil(waitMs / 1000)) : null;
  }

  /** Subjects remembered now (for the memory bound's test). */
  get size(): number {
    return this.failures.size;
  }
}

/**
 * Counts a failed authentication of the request's client, and of the extra subjects (the console counts
 * the presented key's prefix too). A request whose client address is unknown (the app called without a
 * server in front, as tests do with app.request) is counted by its extra subjects only.
 */
export function recordAuthFailure(
  c: { var: Pick<AppEnv['Variables'], 'authFailures' | 'clientAddress'> },
  extra: readonly string[] = [],
): number | null {
  const address = c.var.clientAddress();
  return c.var.authFailures.fail(address ? [`client:${clientOf(address)}`, ...extra] : extra);
}

/**
 * Who an address counts as: an IPv4 address (also when IPv6-mapped) itself, an IPv6 address its /64,
 * since one subscriber usually holds a whole /64 and could otherwise take a fresh address per guess.
 */
export function clientOf(address: string): string {
  const plain = address.replace(/%.*$/, '').toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(plain);
  if (mapped) return mapped[1] as string;
  if (!plain.includes(':')) return plain;
  const [head = '', tail] = plain.split('::');
  const groups = head ? head.split(':') : [];
  if (tail !== undefined) {
    const rest = tail ? tail.split(':') : [];
    // An embedded IPv4 tail (a.b.c.d) stands for two groups; only the first four groups matter here anyway.
    const width = rest.reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0);
    groups.push(...Array(Math.max(0, 8 - groups.length - width)).fill('0'), ...rest);
  }
  return `${groups
    .slice(0, 4)
    .map((g) => (Number.parseInt(g, 16) || 0).toString(16))
    .join(':')}::/64`;
}

export function rateLimited(waitS: number, what: string): ApiProblem {
  return new ApiProblem(
    429,
    'auth.rate_limited',
    `Too many ${what} came from your address. Wait ${waitS} s before trying again; requests with a valid API key are not limited.`,
    { retryAfterSeconds: waitS },
    { 'Retry-After': String(waitS) },
  );
}

/**
 * The client of a request that reached the Node server through `trustedProxies` reverse proxies, each of
 * which appended the address it received the request from to X-Forwarded-For: the entry that many places
 * from the right. Anything left of it was written by the client and is never trusted. Without trusted
 * proxies, or when the header is shorter than that, the socket's peer is the client.
 */
export function forwardedClient(
  socketAddress: string | undefined,
  forwardedFor: string | undefined,
  trustedProxies: number,
): string | undefined {
  if (trustedProxies === 0 || !forwardedFor) return socketAddress;
  const hops = forwardedFor
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  return hops[hops.length - trustedProxies] ?? socketAddress;
}
