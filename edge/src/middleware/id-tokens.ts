/**
 * Google ID tokens as bearer credentials (DESIGN §2: the Sheets add-on signs in as the Google user with
 * ScriptApp.getIdentityToken()). A token is good when it is an RS256 JWT signed by a key of the issuer's
 * JWKS, its `aud` is one of the configured client ids, its `iss` the issuer, `exp`/`iat` hold with at most
 * 60 s of clock skew, and `email_verified` is true; its email then names the person.
 *
 * The JWKS is fetched by jose's remote key set, once per app (the process on Node, the isolate on
 * Workers) and kept: a token whose `kid` the cached set lacks makes it fetch again (a rotation), at most
 * once per cooldown, so a stream of tokens with made-up kids cannot turn into a stream of fetches.
 */
import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify } from 'jose';
import type { AppConfig } from '../config.ts';

export const ID_TOKEN_SKEW_S = 60;
/** A JWT: three base64url parts. API keys (`bsk_…`) never look like one. */
const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export function looksLikeIdToken(presented: string): boolean {
  return presented.length <= 8192 && JWT.test(presented);
}

export type IdTokenResult = { ok: true; email: string } | { ok: false; reason: string };

export type IdTokenVerifier = (token: string) => Promise<IdTokenResult>;

/** A verifier for the configured issuer and clients; null when no client ids are configured. */
export function idTokenVerifier(config: AppConfig['googleIdTokens']): IdTokenVerifier | null {
  if (config.clientIds.length === 0) return null;
  const keys = createRemoteJWKSet(new URL(config.jwksUrl), {
    cooldownDuration: config.jwksCooldownMs ?? 30_000,
    cacheMaxAge: 6 * 3600_000,
  });
  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        algorithms: ['RS256'],
        issuer: config.issuer,
        audience: config.clientIds,
        clockTolerance: ID_TOKEN_SKEW_S,
        requiredClaims: ['exp', 'iat', 'email'],
      }));
    } catch (e) {
      return { ok: false, reason: reasonOf(e) };
    }
    // iat in the future beyond the skew: jose checks exp and nbf; a token issued "later" is not yet valid.
    const now = Math.floor(Date.now() / 1000);
    if (typeof payload.iat === 'number' && payload.iat > now + ID_TOKEN_SKEW_S)
      return { ok: false, reason: 'the token is not valid yet (iat)' };
    if (payload.email_verified !== true) return { ok: false, reason: 'the email address of the token is not verified' };
    if (typeof payload.email !== 'string') return { ok: false, reason: 'the token carries no email' };
    return { ok: true, email: payload.email };
  };
}

/** What was wrong with a token, for the 401's detail: never the token or its claims' values. */
function reasonOf(e: unknown): string {
  if (e instanceof errors.JWTExpired) return 'the token has expired (exp)';
  if (e instanceof errors.JWTClaimValidationFailed) return `the token's "${e.claim}" claim is not accepted`;
  if (e instanceof errors.JOSEAlgNotAllowed) return 'the token is not signed with RS256';
  if (e instanceof errors.JWKSNoMatchingKey) return "the token's signing key is not one of the issuer's";
  if (e instanceof errors.JWSSignatureVerificationFailed) return "the token's signature does not verify";
  if (e instanceof errors.JWKSTimeout) return "the issuer's keys could not be fetched in time";
  if (e instanceof errors.JOSEError) return 'the token is malformed';
  return "the token could not be verified (the issuer's keys could not be fetched)";
}
