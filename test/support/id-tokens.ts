/**
 * Google-style ID tokens for tests: RS256 signing keys made by jose, a JWKS served over HTTP on 127.0.0.1
 * (Node's http server: the API under test fetches it as it would fetch Google's), and tokens with any
 * claims. The server counts its fetches by path, and each path publishes its own key set, so that a
 * test can rotate the keys of one app's JWKS (`/jwks/NAME`) without touching another's. Control paths,
 * for a test that runs elsewhere (workerd): `POST /jwks/NAME/publish` with `{"kids": [...]}` publishes
 * those of the server's keys, `GET /jwks/NAME/fetches` answers how often the set was fetched.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

export interface SigningKey {
  kid: string;
  privateKey: PrivateKey;
  /** The public half, as the JWKS publishes it. */
  jwk: JWK;
  /** The private half (JWK), for a signer in another runtime. */
  privateJwk: JWK;
}

export async function signingKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return {
    kid,
    privateKey,
    jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' },
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'RS256' },
  };
}

export interface Claims {
  email?: string;
  email_verified?: boolean;
  aud?: string;
  iss?: string;
  iat?: number;
  exp?: number;
  nbf?: number;
}

export const nowS = () => Math.floor(Date.now() / 1000);

/** A token as Google signs one (an hour's life), with `claims` over the defaults. */
export async function idToken(key: SigningKey, base: { aud: string; iss: string }, claims: Claims = {}, kid = key.kid): Promise<string> {
  const c = { email_verified: true, iat: nowS(), exp: nowS() + 3600, ...base, ...claims };
  const jwt = new SignJWT({ email: c.email, email_verified: c.email_verified })
    .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
    .setSubject(c.email ?? 'nobody')
    .setAudience(c.aud)
    .setIssuer(c.iss)
    .setIssuedAt(c.iat)
    .setExpirationTime(c.exp);
  if (c.nbf !== undefined) jwt.setNotBefore(c.nbf);
  return jwt.sign(key.privateKey);
}

/** An unsigned token (`alg: none`) with these claims. */
export function unsignedToken(claims: Record<string, unknown>): string {
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'none', typ: 'JWT' })}.${enc(claims)}.`;
}

export interface JwksServer {
  /** The JWKS address of one named set (`/jwks/NAME`). */
  url(name: string): string;
  /** The server's address, for a test that publishes and counts over HTTP. */
  base: string;
  /** Publishes these keys under the name (the first publication of a name is `initial`). */
  publish(name: string, kids: string[]): void;
  fetches(name: string): number;
  close(): Promise<void>;
}

/** Serves the keys: every name starts with `initial` published; `keys` are all the server may publish. */
export async function serveJwks(keys: SigningKey[], initial: string[]): Promise<JwksServer> {
  const published = new Map<string, string[]>();
  const counts = new Map<string, number>();
  const set = (name: string) => ({
    keys: (published.get(name) ?? initial).flatMap((kid) => keys.filter((k) => k.kid === kid).map((k) => k.jwk)),
  });
  const server: Server = createServer((req, res) => {
    const m = /^\/jwks\/([\w-]+)(\/publish|\/fetches)?$/.exec(req.url ?? '');
    const name = m?.[1];
    res.setHeader('content-type', 'application/json');
    if (!name) {
      res.statusCode = 404;
      res.end('{}');
    } else if (m?.[2] === '/fetches') {
      res.end(JSON.stringify({ fetches: counts.get(name) ?? 0 }));
    } else if (m?.[2] === '/publish' && req.method === 'POST') {
      let text = '';
      req.on('data', (d: Buffer) => {
        text += d.toString();
      });
      req.on('end', () => {
        published.set(name, (JSON.parse(text) as { kids: string[] }).kids);
        res.end(JSON.stringify(set(name)));
      });
    } else {
      counts.set(name, (counts.get(name) ?? 0) + 1);
      res.end(JSON.stringify(set(name)));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    url: (name) => `${base}/jwks/${name}`,
    publish: (name, kids) => published.set(name, kids),
    fetches: (name) => counts.get(name) ?? 0,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
