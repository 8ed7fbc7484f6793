/**
 * The API's configuration, parsed once from the environment (Node's process.env, or the Workers env
 * bindings) by a schema at the edge of the program. Everything below receives the typed AppConfig.
 */
import { z } from 'zod';

const MB = 1024 * 1024;

/** Unset and empty variables both mean "the default" (an empty `.env` line should not break a start). */
const blankAsUnset = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const EnvSchema = z.object({
  BUDGET_SYNC_MAX_BODY_BYTES: z.preprocess(
    blankAsUnset,
    z.coerce
      .number()
      .int()
      .positive()
      .default(20 * MB),
  ),
  BUDGET_SYNC_MAX_FILE_ROWS: z.preprocess(blankAsUnset, z.coerce.number().int().positive().optional()),
  BUDGET_SYNC_AUTH_CACHE_SECONDS: z.preprocess(blankAsUnset, z.coerce.number().min(0).max(300).default(5)),
  BUDGET_SYNC_PUBLIC_URL: z.preprocess(
    blankAsUnset,
    z
      .url({ protocol: /^https?$/, message: 'must be an http(s) URL such as https://budget.example.com' })
      .transform((u) => u.replace(/\/+$/, ''))
      .optional(),
  ),
  BUDGET_SYNC_AUTH_FAILURE_LIMIT: z.preprocess(blankAsUnset, z.coerce.number().int().min(1).max(100).default(10)),
  BUDGET_SYNC_AUTH_FAILURE_WINDOW_SECONDS: z.preprocess(blankAsUnset, z.coerce.number().positive().max(86_400).default(60)),
  BUDGET_SYNC_TRUSTED_PROXIES: z.preprocess(blankAsUnset, z.coerce.number().int().min(0).max(10).default(0)),
  BUDGET_SYNC_GOOGLE_CLIENT_IDS: z.preprocess(
    blankAsUnset,
    z
      .string()
      .transform((s) =>
        s
          .split(',')
          .map((id) => id.trim())
          .filter(Boolean),
      )
      .default([]),
  ),
  BUDGET_SYNC_OIDC_ISSUER: z.preprocess(blankAsUnset, z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional()),
  BUDGET_SYNC_OIDC_CLIENT_ID: z.preprocess(blankAsUnset, z.string().optional()),
  BUDGET_SYNC_OIDC_CLIENT_SECRET: z.preprocess(blankAsUnset, z.string().optional()),
  BUDGET_SYNC_GOOGLE_ISSUER: z.preprocess(blankAsUnset, z.string().default('https://accounts.google.com')),
  BUDGET_SYNC_GOOGLE_JWKS_URL: z.preprocess(
    blankAsUnset,
    z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).default('https://www.googleapis.com/oauth2/v3/certs'),
  ),
  BUDGET_SYNC_GOOGLE_JWKS_COOLDOWN_SECONDS: z.preprocess(blankAsUnset, z.coerce.number().min(0).max(3600).default(30)),
});

export interface AppConfig {
  /** Largest request body accepted; larger ones get 413 `request.too_large`. */
  maxBodyBytes: number;
  /** Most rows in an uploaded sheet (core's default when undefined); more gets 413 `file.too_many_rows`. */
  maxFileRows: number | undefined;
  /**
   * How long an API key's lookup is reused in this process (0: every request looks it up). A revoked key
   * keeps working for at most this long; default 5 s.
   */
  authCacheMs: number;
  /** The API's public address (`servers` of the OpenAPI document); unset: the origin each request came to. */
  publicUrl?: string | undefined;
  /**
   * Failed authentications (wrong API keys, failed console sign-ins) a client may make per window; the
   * next ones get 429 `auth.rate_limited` until the window has room again. Valid keys are never counted.
   * At most 100: each remembered client keeps this many timestamps, which bounds the memory (10,000 clients).
   */
  authFailureLimit: number;
  /** The sliding window of authFailureLimit; default 60 s. */
  authFailureWindowMs: number;
  /**
   * Reverse proxies in front of the Node server that append to X-Forwarded-For (0: the header is ignored
   * and the client is the socket's peer). Workers take the client from CF-Connecting-IP instead.
   */
  trustedProxies: number;
  /**
   * Google ID tokens (the Sheets add-on's ScriptApp.getIdentityToken()) accepted as `Authorization: Bearer`:
   * their `aud` must be one of `clientIds` (none: ID tokens are not accepted), `iss` the issuer, and the
   * signature one of the JWKS's keys.
   */
  googleIdTokens: {
    clientIds: string[];
    issuer: string;
    jwksUrl: string;
    /** Least time between two JWKS fetches for unknown kids (BUDGET_SYNC_GOOGLE_JWKS_COOLDOWN_SECONDS, 30 s); tests of rotation set 0. */
    jwksCooldownMs?: number;
  };
  /** The console's OpenID Connect provider (authorization code + PKCE); null: sign-in links and API keys only. */
  oidc: { issuer: string; clientId: string; clientSecret: string } | null;
}

export const DEFAULT_CONFIG: Readonly<AppConfig> = Object.freeze(parseConfig({}));

/** Throws an Error naming each bad variable; a server must not start half-configured. */
export function parseConfig(env: Record<string, unknown>): AppConfig {
  const r = EnvSchema.safeParse(env);
  if (!r.success) {
    const problems = r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  const { BUDGET_SYNC_OIDC_ISSUER: issuer, BUDGET_SYNC_OIDC_CLIENT_ID: clientId, BUDGET_SYNC_OIDC_CLIENT_SECRET: clientSecret } = r.data;
  if ((issuer || clientId || clientSecret) && !(issuer && clientId && clientSecret)) {
    throw new Error(
      'Invalid configuration: BUDGET_SYNC_OIDC_ISSUER, BUDGET_SYNC_OIDC_CLIENT_ID and BUDGET_SYNC_OIDC_CLIENT_SECRET go together; set all three or none.',
    );
  }
  return {
    maxBodyBytes: r.data.BUDGET_SYNC_MAX_BODY_BYTES,
    maxFileRows: r.data.BUDGET_SYNC_MAX_FILE_ROWS,
    authCacheMs: Math.round(r.data.BUDGET_SYNC_AUTH_CACHE_SECONDS * 1000),
    publicUrl: r.data.BUDGET_SYNC_PUBLIC_URL,
    authFailureLimit: r.data.BUDGET_SYNC_AUTH_FAILURE_LIMIT,
    authFailureWindowMs: Math.round(r.data.BUDGET_SYNC_AUTH_FAILURE_WINDOW_SECONDS * 1000),
    trustedProxies: r.data.BUDGET_SYNC_TRUSTED_PROXIES,
    googleIdTokens: {
      clientIds: r.data.BUDGET_SYNC_GOOGLE_CLIENT_IDS,
      issuer: r.data.BUDGET_SYNC_GOOGLE_ISSUER,
      jwksUrl: r.data.BUDGET_SYNC_GOOGLE_JWKS_URL,
      jwksCooldownMs: Math.round(r.data.BUDGET_SYNC_GOOGLE_JWKS_COOLDOWN_SECONDS * 1000),
    },
    oidc: issuer && clientId && clientSecret ? { issuer: issuer.replace(/\/+$/, ''), clientId, clientSecret } : null,
  };
}
