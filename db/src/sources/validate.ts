/**
 * Data-source settings: their types and the pure checks that turn what a person typed into settings the
 * worker can use, with a sentence saying what is wrong otherwise. No I/O here.
 */
import { DomainError } from '../errors.ts';
import { checkHostLiteral, type HostField } from './addresses.ts';

export type SourceType = 'sftp' | 's3' | 'folder';
export type SourceMode = 'merge' | 'replace';
export type AfterImport = 'leave' | 'move';

/** Shared by every type: which files, how long a file must sit still, whether warnings are accepted unattended. */
export interface CommonConfig {
  glob: string;
  /** A file modified less than this long ago is looked at again before it is read. */
  stabilitySeconds: number;
  /** Import files whose analysis has warnings (nobody is there to accept them). */
  acceptWarnings: boolean;
}

export interface SftpConfig extends CommonConfig {
  host: string;
  port: number;
  username: string;
  directory: string;
  /** `SHA256:<base64>` as `ssh-keygen -l` prints it; connecting is refused until it is set and matches. */
  hostKeyFingerprint: string | null;
}

export interface S3Config extends CommonConfig {
  bucket: string;
  prefix: string;
  region: string;
  /** For S3-compatible stores (MinIO, R2…); null for AWS. */
  endpoint: string | null;
  accessKeyId: string;
}

export interface FolderConfig extends CommonConfig {
  /**
   * Relative to the organization's folder under BUDGET_SYNC_FOLDER_ROOT (`.` is that folder), checked to
   * stay inside it at every sync; absolute only with `operatorPath`.
   */
  directory: string;
  /**
   * Set only by the operator's own tools (`budget-sync sources add`, the inbox of `budget-sync serve`): the
   * folder may be anywhere on the server. Never set over the API, and absent on sources stored before it
   * existed, so those are confined too.
   */
  operatorPath?: true;
}

export interface SftpSecrets {
  password?: string;
  privateKey?: string;
  passphrase?: string;
}

export interface S3Secrets {
  secretAccessKey?: string;
}

export type SourceSecrets = SftpSecrets & S3Secrets;

export type SourceSettings =
  | { type: 'sftp'; config: SftpConfig }
  | { type: 's3'; config: S3Config }
  | { type: 'folder'; config: FolderConfig };

/** What a person gives for a new source (or a change); unknown keys are refused. */
export interface SourceConfigInput {
  glob?: string | undefined;
  stabilitySeconds?: number | undefined;
  acceptWarnings?: boolean | undefined;
  host?: string | undefined;
  port?: number | undefined;
  username?: string | undefined;
  directory?: string | undefined;
  hostKeyFingerprint?: string | null | undefined;
  bucket?: string | undefined;
  prefix?: string | undefined;
  region?: string | undefined;
  endpoint?: string | null | undefined;
  accessKeyId?: string | undefined;
}

/** Who gives the settings, and what the server allows them. */
export interface SettingsRules {
  /**
   * `operator`: the CLI on the server, trusted with any folder. `tenant` (the default, the API): a folder
   * is a path inside the organization's folder.
   */
  by?: 'operator' | 'tenant';
  /** Loopback, private and link-local hosts are accepted (BUDGET_SYNC_ALLOW_PRIVATE_NETWORKS). */
  allowPrivateNetworks?: boolean;
}

export const SOURCE_TYPES: readonly SourceType[] = ['sftp', 's3', 'folder'];
export const DEFAULT_STABILITY_SECONDS = 60;

function invalid(message: string): DomainError {
  return new DomainError('input.invalid', message);
}

function required(value: string | undefined, what: string): string {
  const v = value?.trim();
  if (!v) throw invalid(`${what} is required.`);
  return v;
}

export function parseSourceType(text: string): SourceType {
  if ((SOURCE_TYPES as readonly string[]).includes(text)) return text as SourceType;
  throw invalid(`The source type must be sftp, s3 or folder, not "${text}".`);
}

export function parseMode(text: string): SourceMode {
  if (text === 'merge' || text === 'replace') return text;
  throw invalid(`The mode must be merge (add and update lines) or replace (also remove lines the file lacks), not "${text}".`);
}

export function parseAfterImport(text: string): AfterImport {
  if (text === 'leave' || text === 'move') return text;
  throw invalid(`After import must be leave, or move (to the archive/ and rejected/ sub-folders), not "${text}".`);
}

/** `SHA256:base64` (as ssh-keygen prints it; the prefix and padding are optional on input). */
export function normalizeFingerprint(text: string): string {
  const body = text
    .trim()
    .replace(/^SHA256:/i, '')
    .replace(/=+$/, '');
  if (!/^[A-Za-z0-9+/]{43}$/.test(body)) {
    throw invalid(
      `The host key fingerprint must be a SHA-256 fingerprint such as "SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s" (from "ssh-keygen -lf" on the server's public host key), not "${text}".`,
    );
  }
  return `SHA256:${body}`;
}

/** A cron expression of five fields (minute hour day month weekday), or six with seconds first. */
export function parseSchedule(text: string): string {
  const t = text.trim().replace(/\s+/g, ' ');
  const fields = t.split(' ');
  if ((fields.length !== 5 && fields.length !== 6) || !fields.every((f) => /^[\d*/,\-A-Za-z?LW#]+$/.test(f))) {
    throw invalid(`The schedule must be a cron expression such as "*/15 * * * *" (every 15 minutes), not "${text}".`);
  }
  return t;
}

export function parseTimezone(text: string): string {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: text.trim() }).resolvedOptions().timeZone;
  } catch {
    throw invalid(`"${text}" is not a time zone; use an IANA name such as Europe/Paris or UTC.`);
  }
}

function parseGlob(glob: string | undefined): string {
  const g = glob?.trim() || '*';
  if (g.includes('/')) throw invalid(`The glob matches file names inside the directory and cannot hold "/": "${g}".`);
  return g;
}

function parseStability(seconds: number | undefined): number {
  const s = seconds ?? DEFAULT_STABILITY_SECONDS;
  if (!Number.isFinite(s) || s < 0 || s > 86_400) throw invalid(`The stability window must be 0 to 86400 seconds, not ${seconds}.`);
  return s;
}

/** A directory as given (trailing slashes off), or the error saying it is missing. */
function parseDirectory(text: string | undefined, what: string): string {
  const d = required(text, what);
  return d.length > 1 ? d.replace(/\/+$/, '') : d;
}

const FOLDER_FIELD = 'config.directory';

/**
 * A folder inside the organization's folder, as a tenant gives it: relative, without `..`, normalized
 * (`./in//2026/` → `in/2026`, nothing → `.`). Where it really leads (symlinks) is for the server to check.
 */
export function parseOrgFolder(text: string | undefined): string {
  const t = (text ?? '').trim();
  const refuse = (why: string) =>
    new DomainError(
      'source.folder_refused',
      `The folder (${FOLDER_FIELD}) must be a path inside your organization's folder on the server, such as "incoming" or "." for the folder itself; "${t}" ${why}.`,
      { field: FOLDER_FIELD },
    );
  if (t.startsWith('/') || t.startsWith('~')) throw refuse('is an absolute path');
  if ([...t].some((ch) => ch.charCodeAt(0) < 0x20)) throw refuse('holds a control character');
  const parts = t.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw refuse('climbs out with ".."');
  return parts.length === 0 ? '.' : parts.join('/');
}

const SFTP_HOST: HostField = { field: 'config.host', label: 'The SFTP host (config.host, --host)' };
const S3_ENDPOINT: HostField = { field: 'config.endpoint', label: 'The S3 endpoint (config.endpoint, --endpoint)' };

/** An S3-compatible endpoint: an http(s) URL without credentials whose host may be connected to. */
function parseEndpoint(text: string | null | undefined, allowPrivate: boolean): string | null {
  const endpoint = text?.trim() || null;
  if (endpoint === null) return null;
  let u: URL | null = null;
  try {
    u = /^https?:\/\/[^\s]+$/i.test(endpoint) ? new URL(endpoint) : null;
  } catch {
    u = null;
  }
  if (!u) throw invalid(`The S3 endpoint must be an http(s) URL, not "${endpoint}".`);
  if (u.username || u.password) throw invalid('Put no credentials in the S3 endpoint: the access key and secret have their own settings.');
  checkHostLiteral(S3_ENDPOINT, u.hostname, allowPrivate);
  return endpoint;
}

/** An AWS region names part of the host connected to (s3.<region>.amazonaws.com): letters, digits and dashes only. */
function parseRegion(text: string | undefined): string {
  const r = text?.trim() || 'us-east-1';
  if (!/^[a-z0-9-]{1,50}$/i.test(r)) throw invalid(`The S3 region must be a region name such as eu-central-1, not "${r}".`);
  return r;
}

/** Validated settings for a new source of this type. */
export function buildSettings(type: SourceType, input: SourceConfigInput, rules: SettingsRules = {}): SourceSettings {
  const allowPrivate = rules.allowPrivateNetworks ?? false;
  const common: CommonConfig = {
    glob: parseGlob(input.glob),
    stabilitySeconds: parseStability(input.stabilitySeconds),
    acceptWarnings: input.acceptWarnings ?? false,
  };
  switch (type) {
    case 'folder':
      return rules.by === 'operator'
        ? { type, config: { ...common, directory: parseDirectory(input.directory, 'The folder (--path)'), operatorPath: true } }
        : { type, config: { ...common, directory: parseOrgFolder(input.directory) } };
    case 'sftp': {
      const port = input.port ?? 22;
      if (!Number.isInteger(port) || port < 1 || port > 65_535)
        throw invalid(`The port must be a number from 1 to 65535, not ${input.port}.`);
      return {
        type,
        config: {
          ...common,
          host: checkHostLiteral(SFTP_HOST, required(input.host, 'The SFTP host (--host)'), allowPrivate),
          port,
          username: required(input.username, 'The SFTP user name (--username)'),
          directory: parseDirectory(input.directory ?? '.', 'The SFTP directory (--path)'),
          hostKeyFingerprint: input.hostKeyFingerprint ? normalizeFingerprint(input.hostKeyFingerprint) : null,
        },
      };
    }
    case 's3': {
      const endpoint = parseEndpoint(input.endpoint, allowPrivate);
      const prefix = (input.prefix ?? '').trim().replace(/^\/+/, '');
      return {
        type,
        config: {
          ...common,
          bucket: required(input.bucket, 'The S3 bucket (--bucket)'),
          // A prefix names a folder: "incoming" and "incoming/" mean the same.
          prefix: prefix && !prefix.endsWith('/') ? `${prefix}/` : prefix,
          region: parseRegion(input.region),
          endpoint,
          accessKeyId: required(input.accessKeyId, 'The S3 access key id (--access-key-id)'),
        },
      };
    }
  }
}

/** The secrets a source of this type may hold, checked; empty values dropped. */
export function buildSecrets(type: SourceType, input: SourceSecrets): SourceSecrets {
  const secrets: SourceSecrets = {};
  for (const [k, v] of Object.entries(input) as [keyof SourceSecrets, string | undefined][]) {
    if (v !== undefined && v !== '') secrets[k] = v;
  }
  const keys = Object.keys(secrets);
  const allowed = type === 'sftp' ? ['password', 'privateKey', 'passphrase'] : type === 's3' ? ['secretAccessKey'] : [];
  const stray = keys.filter((k) => !allowed.includes(k));
  if (stray.length > 0) throw invalid(`A ${type} source takes no ${stray.join(', ')}.`);
  if (type === 'sftp' && !secrets.password && !secrets.privateKey) {
    throw invalid('An SFTP source needs a password (--password) or a private key (--private-key-file).');
  }
  if (type === 's3' && !secrets.secretAccessKey) throw invalid('An S3 source needs its secret access key (--secret-access-key).');
  return secrets;
}

/** A default name: what and where. */
export function defaultSourceName(settings: SourceSettings): string {
  switch (settings.type) {
    case 'folder':
      return `folder ${settings.config.directory}`;
    case 'sftp':
      return `sftp ${settings.config.username}@${settings.config.host}:${settings.config.directory}`;
    case 's3':
      return `s3 ${settings.config.bucket}/${settings.config.prefix}`;
  }
}
