/**
 * Data sources of an org (SFTP, S3, local folder): create, list, read, change, remove (soft). Credentials
 * go in encrypted (secrets.ts) and only `readSourceSecrets` gives them back, for the worker that
 * connects; every other read returns `hasSecrets` and nothing more, so listings, JSON and logs cannot
 * carry them.
 */
import type pg from 'pg';
import { DomainError } from '../errors.ts';
import { isUuid } from '../ids.ts';
import { type PlaceGuard, privateNetworksAllowed } from './addresses.ts';
import { loadSecretKeyring, openSecrets, type SecretKeyring, sealSecrets } from './secrets.ts';
import {
  type AfterImport,
  buildSecrets,
  buildSettings,
  defaultSourceName,
  parseSchedule,
  parseTimezone,
  type SourceConfigInput,
  type SourceMode,
  type SourceSecrets,
  type SourceSettings,
  type SourceType,
} from './validate.ts';

export type DataSource = SourceSettings & {
  id: string;
  orgId: string;
  name: string;
  /** Whether credentials are stored (never what they are). */
  hasSecrets: boolean;
  schedule: string | null;
  timezone: string;
  mode: SourceMode;
  afterImport: AfterImport;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
  /** Who created or last changed it (a person's email or a key's name); null when not recorded (CLI, older rows). */
  updatedBy: string | null;
};

export interface SourceInput {
  orgId: string;
  type: SourceType;
  name?: string | undefined;
  config: SourceConfigInput;
  secrets?: SourceSecrets | undefined;
  schedule?: string | null | undefined;
  timezone?: string | undefined;
  mode?: SourceMode | undefined;
  afterImport?: AfterImport | undefined;
  enabled?: boolean | undefined;
  /** Who is adding it, for the record. */
  actor?: string | undefined;
}

export interface SourcePatch {
  name?: string | undefined;
  /** Merged over the stored settings. */
  config?: SourceConfigInput | undefined;
  /** Replaces the stored credentials as a whole. */
  secrets?: SourceSecrets | undefined;
  schedule?: string | null | undefined;
  timezone?: string | undefined;
  mode?: SourceMode | undefined;
  afterImport?: AfterImport | undefined;
  enabled?: boolean | undefined;
}

export interface SecretOptions {
  /** Default: loaded from BUDGET_SYNC_SECRET_KEY (and _OLD) when a secret must be sealed or opened. */
  keyring?: SecretKeyring | undefined;
}

/** Who stores a source, and the runtime's checks of where it reads from. */
export interface WriteOptions extends SecretOptions {
  /**
   * `tenant` (the default: the API, for the authenticated organization): a folder is one inside the
   * organization's folder on the server. `operator` (the CLI on the server): any folder.
   */
  by?: 'operator' | 'tenant' | undefined;
  /** Checks needing the file system or DNS (Node's nodePlaceGuard); without one a tenant gets no folder source. */
  guard?: PlaceGuard | undefined;
}

/** The runtime's checks of a source's place, or the refusal of a tenant's folder where nothing can check it. */
async function checkPlace(orgId: string, settings: SourceSettings, options: WriteOptions): Promise<void> {
  if (options.guard) return options.guard.source(orgId, settings);
  if (settings.type === 'folder' && !settings.config.operatorPath) {
    throw new DomainError('source.folder_refused', 'This server offers no folders to organizations; use an SFTP or S3 source instead.', {
      field: 'config.directory',
    });
  }
}

const COLUMNS =
  'id, org_id, name, type, config, secret_key_id IS NOT NULL AS has_secrets, schedule, timezone, mode, after_import, enabled, created_at, updated_at, updated_by';

interface SourceRow {
  id: string;
  org_id: string;
  name: string;
  type: SourceType;
  config: SourceSettings['config'];
  has_secrets: boolean;
  schedule: string | null;
  timezone: string;
  mode: SourceMode;
  after_import: AfterImport;
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
  updated_by: string | null;
}

function toSource(r: SourceRow): DataSource {
  return {
    id: r.id,
    orgId: r.org_id,
    name: r.name,
    ...({ type: r.type, config: r.config } as SourceSettings),
    hasSecrets: r.has_secrets,
    schedule: r.schedule,
    timezone: r.timezone,
    mode: r.mode,
    afterImport: r.after_import,
    enabled: r.enabled,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    updatedBy: r.updated_by,
  };
}

function notFound(id: string): DomainError {
  return new DomainError('source.not_found', `There is no data source ${id}. List them with "budget-sync sources list --org ID".`);
}

export async function createSource(pool: pg.Pool, input: SourceInput, options: WriteOptions = {}): Promise<DataSource> {
  const settings = buildSettings(input.type, input.config, { by: options.by ?? 'tenant', allowPrivateNetworks: privateNetworksAllowed() });
  await checkPlace(input.orgId, settings, options);
  const secrets = buildSecrets(input.type, input.secrets ?? {});
  const schedule = input.schedule ? parseSchedule(input.schedule) : null;
  const timezone = parseTimezone(input.timezone ?? 'UTC');
  // The id is made here: the ciphertext is bound to it.
  const id = crypto.randomUUID();
  const sealed = Object.keys(secrets).length > 0 ? await sealSecrets(options.keyring ?? (await loadSecretKeyring()), id, secrets) : null;
  try {
    const r = await pool.query<SourceRow>(
      `INSERT INTO data_sources (id, org_id, name, type, config, secret_ciphertext, secret_key_id, schedule, timezone, mode, after_import, enabled, updated_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING ${COLUMNS}`,
      [
        id,
        input.orgId,
        input.name?.trim() || defaultSourceName(settings),
        settings.type,
        JSON.stringify(settings.config),
        sealed?.ciphertext ?? null,
        sealed?.keyId ?? null,
        schedule,
        timezone,
        input.mode ?? 'merge',
        input.afterImport ?? 'leave',
        input.enabled ?? true,
        input.actor ?? null,
      ],
    );
    return toSource(r.rows[0] as SourceRow);
  } catch (e) {
    // 23503: the org does not exist; 22P02: its id is not a uuid.
    const code = (e as { code?: string }).code;
    if (code === '23503' || code === '22P02') {
      throw new DomainError('org.not_found', `There is no organization with id ${input.orgId}. List them with "budget-sync orgs list".`);
    }
    throw e;
  }
}

/** The live sources of an org, oldest first. */
export async function listSources(pool: pg.Pool, orgId: string): Promise<DataSource[]> {
  if (!isUuid(orgId)) return [];
  const r = await pool.query<SourceRow>(
    `SELECT ${COLUMNS} FROM data_sources WHERE org_id = $1 AND deleted_at IS NULL ORDER BY created_at, id`,
    [orgId],
  );
  return r.rows.map(toSource);
}

/** Every enabled, scheduled SFTP, S3 or folder source of every org: what the worker schedules. */
export async function listScheduledSources(pool: pg.Pool): Promise<DataSource[]> {
  const r = await pool.query<SourceRow>(
    `SELECT ${COLUMNS} FROM data_sources
      WHERE deleted_at IS NULL AND enabled AND schedule IS NOT NULL AND type IN ('sftp', 's3', 'folder')
      ORDER BY created_at, id`,
  );
  return r.rows.map(toSource);
}

/** One live source; with `orgId`, only if it belongs to that org (the CLI, an operator's tool, may omit it). */
export async function getSource(pool: pg.Pool | pg.PoolClient, id: string, orgId?: string): Promise<DataSource> {
  if (!isUuid(id) || (orgId !== undefined && !isUuid(orgId))) throw notFound(id);
  const r = await pool.query<SourceRow>(
    `SELECT ${COLUMNS} FROM data_sources WHERE id = $1 AND ($2::uuid IS NULL OR org_id = $2) AND deleted_at IS NULL`,
    [id, orgId ?? null],
  );
  const row = r.rows[0];
  if (!row) throw notFound(id);
  return toSource(row);
}

/** Changes a source: settings are merged over the stored ones and checked again as a whole. */
export async function updateSource(
  pool: pg.Pool,
  id: string,
  patch: SourcePatch,
  options: WriteOptions & { orgId?: string; actor?: string } = {},
): Promise<DataSource> {
  const current = await getSource(pool, id, options.orgId);
  // A folder the operator chose stays the operator's while a change leaves it as it is.
  const operatorFolder = current.type === 'folder' && current.config.operatorPath === true && patch.config?.directory === undefined;
  const settings = buildSettings(
    current.type,
    { ...current.config, ...(patch.config ?? {}) },
    { by: operatorFolder ? 'operator' : (options.by ?? 'tenant'), allowPrivateNetworks: privateNetworksAllowed() },
  );
  await checkPlace(current.orgId, settings, options);
  let sealed: { ciphertext: Buffer; keyId: string } | null | undefined;
  if (patch.secrets !== undefined) {
    const secrets = buildSecrets(current.type, patch.secrets);
    sealed = Object.keys(secrets).length > 0 ? await sealSecrets(options.keyring ?? (await loadSecretKeyring()), id, secrets) : null;
  }
  return writeSourceChanges(pool, id, {
    name: patch.name?.trim() || current.name,
    config: settings.config,
    sealed,
    schedule: patch.schedule === undefined ? current.schedule : patch.schedule ? parseSchedule(patch.schedule) : null,
    timezone: patch.timezone === undefined ? current.timezone : parseTimezone(patch.timezone),
    mode: patch.mode ?? current.mode,
    afterImport: patch.afterImport ?? current.afterImport,
    enabled: patch.enabled ?? current.enabled,
    updatedBy: options.actor ?? null,
  });
}

interface SourceChanges {
  name: string;
  config: SourceSettings['config'];
  /** Undefined: keep the stored credentials; null: remove them. */
  sealed: { ciphertext: Buffer; keyId: string } | null | undefined;
  schedule: string | null;
  timezone: string;
  mode: SourceMode;
  afterImport: AfterImport;
  enabled: boolean;
  /** Who is changing it; null keeps the previous record. */
  updatedBy: string | null;
}

async function writeSourceChanges(pool: pg.Pool, id: string, c: SourceChanges): Promise<DataSource> {
  const keep = c.sealed === undefined;
  const r = await pool.query<SourceRow>(
    `UPDATE data_sources SET name = $2, config = $3, schedule = $4, timezone = $5, mode = $6, after_import = $7, enabled = $8,
            secret_ciphertext = CASE WHEN $9 THEN secret_ciphertext ELSE $10 END,
            secret_key_id = CASE WHEN $9 THEN secret_key_id ELSE $11 END,
            updated_at = now(), updated_by = coalesce($12, updated_by)
      WHERE id = $1 AND deleted_at IS NULL RETURNING ${COLUMNS}`,
    [
      id,
      c.name,
      JSON.stringify(c.config),
      c.schedule,
      c.timezone,
      c.mode,
      c.afterImport,
      c.enabled,
      keep,
      c.sealed?.ciphertext ?? null,
      c.sealed?.keyId ?? null,
      c.updatedBy,
    ],
  );
  const row = r.rows[0];
  if (!row) throw notFound(id);
  return toSource(row);
}

/** Soft delete: the source stops syncing and disappears from listings; its import history stays. Its credentials are wiped. */
export async function removeSource(pool: pg.Pool, id: string, orgId?: string, actor?: string): Promise<void> {
  if (!isUuid(id) || (orgId !== undefined && !isUuid(orgId))) throw notFound(id);
  const r = await pool.query(
    `UPDATE data_sources SET deleted_at = now(), enabled = false, secret_ciphertext = NULL, secret_key_id = NULL, updated_at = now(),
            updated_by = coalesce($3, updated_by)
      WHERE id = $1 AND ($2::uuid IS NULL OR org_id = $2) AND deleted_at IS NULL`,
    [id, orgId ?? null, actor ?? null],
  );
  if (r.rowCount === 0) throw notFound(id);
}

/** The decrypted credentials of a source, for connecting to it; never for display. */
export async function readSourceSecrets(pool: pg.Pool, id: string, options: SecretOptions = {}): Promise<SourceSecrets> {
  const r = await pool.query<{ secret_ciphertext: Buffer | null; secret_key_id: string | null }>(
    'SELECT secret_ciphertext, secret_key_id FROM data_sources WHERE id = $1 AND deleted_at IS NULL',
    [id],
  );
  const row = r.rows[0];
  if (!row) throw notFound(id);
  if (!row.secret_ciphertext || !row.secret_key_id) return {};
  const keyring = options.keyring ?? (await loadSecretKeyring());
  return (await openSecrets(keyring, id, { ciphertext: row.secret_ciphertext, keyId: row.secret_key_id })) as SourceSecrets;
}
