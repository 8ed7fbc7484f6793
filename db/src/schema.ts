/**
 * The database schema, in Drizzle. drizzle-kit generates the SQL migrations in `db/migrations` from this
 * file (`npm run db:generate`); hand-written SQL that Drizzle cannot express (the ledger's append-only
 * trigger) lives in its own custom migration.
 *
 * Money is NUMERIC(18,2) and travels as decimal strings; it never becomes a JavaScript float.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  char,
  check,
  customType,
  date,
  foreignKey,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const money = (name: string) => numeric(name, { precision: 18, scale: 2, mode: 'string' });
const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

export const organizations = pgTable('organizations', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  baseCurrency: char('base_currency', { length: 3 }).notNull().default('USD'),
  fiscalYearStartMonth: smallint('fiscal_year_start_month').notNull().default(1),
  controlLevel: text('control_level', { enum: ['block', 'warn', 'track'] })
    .notNull()
    .default('block'),
  tolerancePercent: numeric('tolerance_percent', { precision: 7, scale: 4, mode: 'string' }).notNull().default('0'),
  toleranceAmount: money('tolerance_amount').notNull().default('0'),
  missingBudget: text('missing_budget', { enum: ['fail', 'warn'] })
    .notNull()
    .default('fail'),
  controlBasis: text('control_basis', { enum: ['period', 'ytd', 'annual'] })
    .notNull()
    .default('period'),
  /** Days the original file of an import is kept for inspection and re-runs. */
  fileRetentionDays: integer('file_retention_days').notNull().default(7),
  isDemo: boolean('is_demo').notNull().default(false),
  createdAt: createdAt(),
  /** Who last changed the control settings (a person's email or a key's name), and when. */
  settingsUpdatedBy: text('settings_updated_by'),
  settingsUpdatedAt: timestamp('settings_updated_at', { withTimezone: true }),
});

/** Per department and/or category control settings; a null column matches any value. */
export const controlOverrides = pgTable(
  'control_overrides',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    department: text('department'),
    category: text('category'),
    controlLevel: text('control_level', { enum: ['block', 'warn', 'track'] }),
    tolerancePercent: numeric('tolerance_percent', { precision: 7, scale: 4, mode: 'string' }),
    toleranceAmount: money('tolerance_amount'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('control_overrides_scope').on(t.orgId, sql`coalesce(${t.department}, '')`, sql`coalesce(${t.category}, '')`)],
);

export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** The first characters of the key, shown in listings so a person can tell keys apart. */
    prefix: text('prefix').notNull(),
    /** SHA-256 of the whole key, hex. The key itself is never stored. */
    hash: text('hash').notNull(),
    scopes: text('scopes').array().notNull(),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    /** Who made the key (the person's email or the CLI's actor); null for keys made before people existed. */
    createdBy: text('created_by'),
  },
  (t) => [uniqueIndex('api_keys_hash').on(t.hash), index('api_keys_org').on(t.orgId)],
);

/** People (DESIGN §2): one row per email, case-insensitive. */
export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    name: text('name'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('users_email').using('btree', sql`lower(${t.email})`)],
);

/** A person's role in an org and the departments they are limited to (null: all). */
export const memberships = pgTable(
  'memberships',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role', { enum: ['viewer', 'editor', 'approver', 'admin'] }).notNull(),
    departments: text('departments').array(),
    createdAt: createdAt(),
    createdBy: text('created_by').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.userId] }),
    index('memberships_user').on(t.userId),
    check('memberships_role', sql`${t.role} IN ('viewer', 'editor', 'approver', 'admin')`),
  ],
);

/**
 * The history of people: each membership added, changed (role, departments) or removed, with who did it
 * and the role and departments before and after (migration 0011). `id` orders the changes.
 */
export const membershipChanges = pgTable(
  'membership_changes',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    action: text('action', { enum: ['added', 'changed', 'removed'] }).notNull(),
    roleBefore: text('role_before'),
    roleAfter: text('role_after'),
    departmentsBefore: text('departments_before').array(),
    departmentsAfter: text('departments_after').array(),
    actor: text('actor').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('membership_changes_org').on(t.orgId, t.id),
    check('membership_changes_action', sql`${t.action} IN ('added', 'changed', 'removed')`),
  ],
);

/** One-time sign-in links (24 h); only the token's SHA-256 is stored; used_at makes them single use. */
export const signInLinks = pgTable(
  'sign_in_links',
  {
    tokenHash: text('token_hash').primaryKey(),
    orgId: uuid('org_id').notNull(),
    userId: uuid('user_id').notNull(),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
  },
  (t) => [
    foreignKey({
      name: 'sign_in_links_membership_fk',
      columns: [t.orgId, t.userId],
      foreignColumns: [memberships.orgId, memberships.userId],
    }).onDelete('cascade'),
  ],
);

/**
 * Console sessions, on the server (DESIGN §2: signing out ends them). The cookie holds a random 256-bit
 * token; only its SHA-256 is stored. A session is good while it is not expired, not revoked (sign-out,
 * the key's revocation) and its key is not revoked, or, for a person, while their membership of the org exists.
 */
export const consoleSessions = pgTable(
  'console_sessions',
  {
    /** SHA-256 of the cookie's token, hex. The token itself is never stored. */
    tokenHash: text('token_hash').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    /** The key the session was opened with; null for a person's session. */
    apiKeyId: uuid('api_key_id').references(() => apiKeys.id, { onDelete: 'cascade' }),
    /** The person the session belongs to; null for a key's session. Exactly one of the two is set. */
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    /** The CSRF token bound to the session (the `bs_csrf` cookie and every form must carry the same). */
    csrf: text('csrf').notNull(),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    /** Written at most once a minute per session. */
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [
    index('console_sessions_api_key').on(t.apiKeyId),
    index('console_sessions_expires').on(t.expiresAt),
    index('console_sessions_user').on(t.userId),
    check('console_sessions_key_or_user', sql`(${t.apiKeyId} IS NULL) <> (${t.userId} IS NULL)`),
  ],
);

export const budgetLines = pgTable(
  'budget_lines',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    department: text('department').notNull(),
    category: text('category').notNull(),
    project: text('project'),
    /** `YYYY-MM`, `YYYY-Qn` or `FYYYYY` (DESIGN §2). */
    period: text('period').notNull(),
    periodStart: date('period_start', { mode: 'string' }).notNull(),
    periodEnd: date('period_end', { mode: 'string' }).notNull(),
    fiscalYear: integer('fiscal_year').notNull(),
    amount: money('amount').notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    owner: text('owner'),
    notes: text('notes'),
    /** Incremented by every change; a version row records the number each change produced. */
    version: integer('version').notNull().default(1),
    lastImportId: uuid('last_import_id'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    /** Soft delete: lines are never removed, so history and consumption stay explainable. */
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    /** Further dimensions, name → value shown (DESIGN §2); `{}` when none. Part of the identity (dimKey). */
    dimensions: jsonb('dimensions').$type<Record<string, string>>().notNull().default({}),
    /** Codes of code/name twins: field or dimension name → code. */
    codes: jsonb('codes').$type<Record<string, string>>(),
    direction: text('direction', { enum: ['expense', 'revenue'] })
      .notNull()
      .default('expense'),
    /** core's dimensionKey: the dimensions' identity (a twin's code, else its value), '' for none. */
    dimKey: text('dim_key').notNull().default(''),
    /** core's dimensionTerms: every name=value (and name=code) a check may name the line by. */
    dimTerms: text('dim_terms').array().notNull().default(sql`'{}'::text[]`),
  },
  (t) => [
    // The natural key ignores letter case, as the analysis does when it looks for duplicate rows.
    uniqueIndex('budget_lines_natural_key')
      .on(
        t.orgId,
        sql`lower(${t.department})`,
        sql`lower(${t.category})`,
        sql`lower(coalesce(${t.project}, ''))`,
        t.dimKey,
        t.direction,
        t.period,
      )
      .where(sql`${t.deletedAt} is null`),
    index('budget_lines_scope').on(t.orgId, t.fiscalYear, t.department),
    check('budget_lines_direction_check', sql`${t.direction} IN ('expense', 'revenue')`),
  ],
);

/** Before and after values of a line for each import (or revert) that changed it. */
export const lineVersions = pgTable(
  'line_versions',
  {
    orgId: uuid('org_id').notNull(),
    lineId: uuid('line_id').notNull(),
    importId: uuid('import_id').notNull(),
    change: text('change', { enum: ['insert', 'update', 'remove', 'revert'] }).notNull(),
    /** The line's version after this change. */
    version: integer('version').notNull(),
    amountBefore: money('amount_before'),
    amountAfter: money('amount_after'),
    currencyBefore: char('currency_before', { length: 3 }),
    currencyAfter: char('currency_after', { length: 3 }),
    ownerBefore: text('owner_before'),
    ownerAfter: text('owner_after'),
    notesBefore: text('notes_before'),
    notesAfter: text('notes_after'),
    directionBefore: text('direction_before'),
    directionAfter: text('direction_after'),
    dimensionsBefore: jsonb('dimensions_before'),
    dimensionsAfter: jsonb('dimensions_after'),
    codesBefore: jsonb('codes_before'),
    codesAfter: jsonb('codes_after'),
    createdAt: createdAt(),
  },
  // A line's version numbers are unique (every change increments it and writes one row), so they key
  // its history: no sequence to draw from per row, and the key serves "this line's versions" too
  // (a 1M-line import writes a million of these rows).
  (t) => [primaryKey({ columns: [t.lineId, t.version] }), index('line_versions_import').on(t.importId)],
);

export const reservations = pgTable(
  'reservations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    lineId: uuid('line_id').references(() => budgetLines.id),
    /** A roll-up reservation (line_id null): the lines it draws on; evaluations that share one count it. */
    lineIds: uuid('line_ids').array(),
    status: text('status', { enum: ['held', 'partly_committed', 'committed', 'released', 'closed'] }).notNull(),
    amount: money('amount').notNull(),
    reserved: money('reserved').notNull().default('0'),
    committed: money('committed').notNull().default('0'),
    actual: money('actual').notNull().default('0'),
    currency: char('currency', { length: 3 }).notNull(),
    reference: text('reference'),
    description: text('description'),
    idempotencyKey: text('idempotency_key'),
    requestHash: text('request_hash'),
    response: jsonb('response'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('reservations_idempotency').on(t.orgId, t.idempotencyKey),
    index('reservations_line').on(t.lineId),
    index('reservations_level_lines').using('gin', t.lineIds).where(sql`${t.lineId} IS NULL AND ${t.lineIds} IS NOT NULL`),
  ],
);

/** Append-only: a trigger refuses UPDATE and DELETE (migration 0001). */
export const utilizationEntries = pgTable(
  'utilization_entries',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    orgId: uuid('org_id').notNull(),
    lineId: uuid('line_id')
      .notNull()
      .references(() => budgetLines.id),
    reservationId: uuid('reservation_id').references(() => reservations.id),
    entryType: text('entry_type', { enum: ['reserved', 'committed', 'actual', 'released'] }).notNull(),
    /** Signed: a commit moves money out of `reserved` (negative) into `committed` (positive). */
    amount: money('amount').notNull(),
    actor: text('actor'),
    createdAt: createdAt(),
  },
  (t) => [index('utilization_entries_line').on(t.lineId)],
);

/** Running totals per line, updated in the same transaction as each ledger entry. */
export const lineConsumption = pgTable('line_consumption', {
  lineId: uuid('line_id')
    .primaryKey()
    .references(() => budgetLines.id),
  orgId: uuid('org_id').notNull(),
  reserved: money('reserved').notNull().default('0'),
  committed: money('committed').notNull().default('0'),
  actual: money('actual').notNull().default('0'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const dataSources = pgTable(
  'data_sources',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    type: text('type', { enum: ['sftp', 's3', 'folder', 'sheets', 'upload'] }).notNull(),
    /** Non-secret settings (host, bucket, directory, glob…). */
    config: jsonb('config').notNull().default({}),
    /** AES-256-GCM ciphertext of the secrets; never returned or logged. */
    secretCiphertext: bytea('secret_ciphertext'),
    secretKeyId: text('secret_key_id'),
    schedule: text('schedule'),
    timezone: text('timezone').notNull().default('UTC'),
    mode: text('mode', { enum: ['merge', 'replace'] })
      .notNull()
      .default('merge'),
    afterImport: text('after_import', { enum: ['leave', 'move'] })
      .notNull()
      .default('leave'),
    enabled: boolean('enabled').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    /** Who last created, changed or removed the source (a person's email or a key's name). */
    updatedBy: text('updated_by'),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [index('data_sources_org').on(t.orgId)],
);

/**
 * Files a data source's sync has seen, one row per version (path + size + mtime or ETag). The unique key
 * lets a worker claim a version by inserting its row; the row is then locked (FOR UPDATE SKIP LOCKED)
 * for the whole import, so two workers never import the same version and a worker that dies mid-import
 * leaves the row unhandled for the next run.
 */
export const sourceFiles = pgTable(
  'source_files',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sourceId: uuid('source_id')
      .notNull()
      .references(() => dataSources.id, { onDelete: 'cascade' }),
    orgId: uuid('org_id').notNull(),
    /** The file's name relative to the source's directory or prefix. */
    path: text('path').notNull(),
    size: bigint('size', { mode: 'number' }).notNull(),
    /** The modification time (ms since the epoch) for SFTP and folders, the ETag for S3. */
    version: text('version').notNull(),
    sha256: text('sha256'),
    /** `pending` until handled; `failed` versions are tried again by the next run. */
    status: text('status', { enum: ['pending', 'imported', 'rejected', 'unchanged', 'failed'] })
      .notNull()
      .default('pending'),
    importId: uuid('import_id'),
    reason: text('reason'),
    attempts: integer('attempts').notNull().default(0),
    seenAt: timestamp('seen_at', { withTimezone: true }).notNull().defaultNow(),
    handledAt: timestamp('handled_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('source_files_version').on(t.sourceId, t.path, t.size, t.version), index('source_files_path').on(t.sourceId, t.path)],
);

/** One sync run of a data source: what happened to each file, and why a failed run failed. */
export const sourceRuns = pgTable(
  'source_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sourceId: uuid('source_id')
      .notNull()
      .references(() => dataSources.id, { onDelete: 'cascade' }),
    orgId: uuid('org_id').notNull(),
    /** `cli`, `schedule`, `api`… */
    trigger: text('trigger').notNull(),
    status: text('status', { enum: ['running', 'succeeded', 'failed'] })
      .notNull()
      .default('running'),
    files: jsonb('files').notNull().default([]),
    reason: text('reason'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [index('source_runs_source_started').on(t.sourceId, t.startedAt)],
);

export const importHistory = pgTable(
  'import_history',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    actor: text('actor').notNull(),
    /** Where the file came from: `cli`, `api`, `addon`, `console`, or a data source. */
    source: text('source').notNull(),
    sourceId: uuid('source_id'),
    fileName: text('file_name').notNull(),
    sha256: text('sha256').notNull(),
    kind: text('kind').notNull(),
    overrideKindReason: text('override_kind_reason'),
    mode: text('mode', { enum: ['merge', 'replace'] }).notNull(),
    status: text('status', { enum: ['succeeded', 'no_changes', 'rejected', 'failed', 'reverted'] }).notNull(),
    /** Why a rejected or failed import did not land, in words. */
    reason: text('reason'),
    inserted: integer('inserted').notNull().default(0),
    updated: integer('updated').notNull().default(0),
    unchanged: integer('unchanged').notNull().default(0),
    removed: integer('removed').notNull().default(0),
    issues: jsonb('issues').notNull().default([]),
    /** Summary of the analysis: sheet, header row, layout, mapping, stats. */
    analysis: jsonb('analysis'),
    durationMs: integer('duration_ms').notNull().default(0),
    createdAt: createdAt(),
    revertedAt: timestamp('reverted_at', { withTimezone: true }),
    revertedBy: text('reverted_by'),
  },
  (t) => [index('import_history_org_created').on(t.orgId, t.createdAt)],
);

/** The original file of an import, gzip-compressed, kept until `expires_at`; history rows outlive it. */
export const importFiles = pgTable(
  'import_files',
  {
    importId: uuid('import_id')
      .primaryKey()
      .references(() => importHistory.id, { onDelete: 'cascade' }),
    orgId: uuid('org_id').notNull(),
    contentGzip: bytea('content_gzip').notNull(),
    size: integer('size').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('import_files_expires').on(t.expiresAt)],
);

/** A header a person mapped (or chose to ignore), per data source or per org; it wins over detection. */
export const rememberedMappings = pgTable(
  'remembered_mappings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    sourceId: uuid('source_id').references(() => dataSources.id, { onDelete: 'cascade' }),
    /** The header, normalized (lower case, single spaces). */
    header: text('header').notNull(),
    /** The canonical field, or null to ignore the column. */
    field: text('field'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('remembered_mappings_key').on(t.orgId, sql`coalesce(${t.sourceId}::text, '')`, t.header)],
);

/**
 * An org's webhook: where Budget Sync posts its events (imports, budget thresholds), signed with the
 * secret (AES-256-GCM at rest, as source credentials are). `thresholds` are the percentages of a budget
 * line's amount whose crossing by its consumption is an event.
 */
export const orgWebhooks = pgTable('org_webhooks', {
  orgId: uuid('org_id')
    .primaryKey()
    .references(() => organizations.id, { onDelete: 'cascade' }),
  url: text('url').notNull(),
  secretCiphertext: bytea('secret_ciphertext').notNull(),
  secretKeyId: text('secret_key_id').notNull(),
  thresholds: integer('thresholds').array().notNull().default(sql`'{80,100}'::integer[]`),
  enabled: boolean('enabled').notNull().default(true),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Events to deliver, written in the same transaction as what caused them (an import's history row, the
 * reservation that crossed a threshold), so an event exists exactly when its cause committed. Workers
 * claim due rows (SKIP LOCKED), post them, and either mark them delivered or set the next attempt.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    /** `import.succeeded`, `import.rejected`, `import.failed`, `budget.threshold_crossed`. */
    event: text('event').notNull(),
    payload: jsonb('payload').notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    lastError: text('last_error'),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    /** Set when the attempts ran out; the event stays for inspection. */
    gaveUpAt: timestamp('gave_up_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    index('outbox_due').on(t.nextAttemptAt).where(sql`${t.deliveredAt} is null and ${t.gaveUpAt} is null`),
    index('outbox_org_created').on(t.orgId, t.createdAt),
  ],
);
