/**
 * Data-source credentials at rest: AES-256-GCM through WebCrypto, with the key from
 * BUDGET_SYNC_SECRET_KEY (base64 of 32 bytes). Each ciphertext records the id of the key that sealed it
 * (first 8 hex digits of the key's SHA-256), so keys can rotate: retired keys listed in
 * BUDGET_SYNC_SECRET_KEYS_OLD (comma-separated) still open what they sealed. The source id is bound in as
 * additional data, so a ciphertext copied onto another source does not open there.
 *
 * Layout of a ciphertext: 12-byte random IV, then the GCM output (ciphertext and 16-byte tag).
 */
import { DomainError } from '../errors.ts';

export interface SecretKey {
  id: string;
  key: CryptoKey;
}

export interface SecretKeyring {
  /** Seals new secrets. */
  current: SecretKey;
  /** The current key and the retired ones, by id: any of them opens what it sealed. */
  byId: ReadonlyMap<string, SecretKey>;
}

export interface SealedSecret {
  ciphertext: Buffer;
  keyId: string;
}

const IV_BYTES = 12;
const KEY_ENV = 'BUDGET_SYNC_SECRET_KEY';
const OLD_KEYS_ENV = 'BUDGET_SYNC_SECRET_KEYS_OLD';

/** The key id: first 8 hex digits of SHA-256 of the raw key; names a key without revealing it. */
export async function secretKeyId(raw: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', raw));
  return Array.from(digest.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join('');
}

function decodeKey(text: string, variable: string): Uint8Array<ArrayBuffer> {
  const trimmed = text.trim();
  const raw = /^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) ? Buffer.from(trimmed, 'base64') : Buffer.alloc(0);
  if (raw.length !== 32) {
    throw new DomainError(
      'secret.key_invalid',
      `${variable} must be 32 random bytes in base64 (44 characters), such as the output of "openssl rand -base64 32"; the value set is not.`,
    );
  }
  return new Uint8Array(raw);
}

async function importKey(raw: Uint8Array<ArrayBuffer>): Promise<SecretKey> {
  const key = await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']);
  return { id: await secretKeyId(raw), key };
}

/** The keyring from the environment; a clear error when the key is missing or malformed. */
export async function loadSecretKeyring(env: Record<string, string | undefined> = process.env): Promise<SecretKeyring> {
  const text = env[KEY_ENV];
  if (!text?.trim()) {
    throw new DomainError(
      'secret.key_missing',
      `${KEY_ENV} is not set. Source credentials are encrypted with it: set it to 32 random bytes in base64 ("openssl rand -base64 32") and keep it safe; the same value is needed to read them back.`,
    );
  }
  const current = await importKey(decodeKey(text, KEY_ENV));
  const byId = new Map<string, SecretKey>([[current.id, current]]);
  for (const old of (env[OLD_KEYS_ENV] ?? '').split(',').filter((s) => s.trim())) {
    const key = await importKey(decodeKey(old, OLD_KEYS_ENV));
    if (!byId.has(key.id)) byId.set(key.id, key);
  }
  return { current, byId };
}

/** Encrypts a source's secrets (a JSON object) with the current key, bound to the source id. */
export async function sealSecrets(keyring: SecretKeyring, sourceId: string, secrets: object): Promise<SealedSecret> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const plain = new TextEncoder().encode(JSON.stringify(secrets));
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(sourceId) }, keyring.current.key, plain),
  );
  return { ciphertext: Buffer.concat([iv, sealed]), keyId: keyring.current.id };
}

/** Decrypts what sealSecrets made; `secret.undecryptable` when no key of the ring opens it. */
export async function openSecrets(keyring: SecretKeyring, sourceId: string, sealed: SealedSecret): Promise<Record<string, unknown>> {
  const key = keyring.byId.get(sealed.keyId);
  if (!key) {
    throw new DomainError(
      'secret.undecryptable',
      `The credentials of source ${sourceId} were encrypted with key ${sealed.keyId}, which is neither ${KEY_ENV} (key ${keyring.current.id}) nor one of ${OLD_KEYS_ENV}. Set the key they were encrypted with, or enter the credentials again.`,
    );
  }
  let plain: ArrayBuffer;
  try {
    plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: new Uint8Array(sealed.ciphertext.subarray(0, IV_BYTES)), additionalData: new TextEncoder().encode(sourceId) },
      key.key,
      new Uint8Array(sealed.ciphertext.subarray(IV_BYTES)),
    );
  } catch {
    throw new DomainError(
      'secret.undecryptable',
      `The credentials of source ${sourceId} cannot be decrypted with key ${sealed.keyId}: they were altered or belong to another source. Enter the credentials again.`,
    );
  }
  return JSON.parse(new TextDecoder().decode(plain)) as Record<string, unknown>;
}
