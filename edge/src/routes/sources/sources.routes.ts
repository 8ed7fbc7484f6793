/**
 * Contract of the data sources (SFTP, S3, local folder) of the caller's organization: list, add, change,
 * remove, and sync now. Credentials go in and never come out: responses say only `hasSecrets`.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { guard, json, jsonBody, problem, problems } from '../../openapi/contract.ts';
import { idParam } from '../../schemas/common.ts';

const TYPES = ['sftp', 's3', 'folder'] as const;

const ConfigInput = z
  .strictObject({
    glob: z.string().max(500).optional(),
    stabilitySeconds: z.number().int().min(0).max(86_400).optional(),
    acceptWarnings: z.boolean().optional(),
    host: z.string().max(500).optional(),
    port: z.number().int().min(1).max(65_535).optional(),
    username: z.string().max(200).optional(),
    directory: z.string().max(2000).optional(),
    hostKeyFingerprint: z.string().max(200).nullable().optional(),
    bucket: z.string().max(200).optional(),
    prefix: z.string().max(2000).optional(),
    region: z.string().max(100).optional(),
    endpoint: z.string().max(2000).nullable().optional(),
    accessKeyId: z.string().max(200).optional(),
  })
  .openapi('SourceConfigInput', {
    description:
      'Settings by type: sftp (host, port, username, directory, hostKeyFingerprint), s3 (bucket, prefix, region, endpoint, accessKeyId), folder (directory: a path inside the organization\'s folder on the server, such as "incoming"; only where the operator set BUDGET_SYNC_FOLDER_ROOT); all: glob, stabilitySeconds, acceptWarnings. Hosts and endpoints on the server\'s own network (loopback, private, link-local, metadata) are refused with `source.address_refused` unless the operator allows them.',
  });

const SecretsInput = z
  .strictObject({
    password: z.string().max(10_000).optional(),
    privateKey: z.string().max(100_000).optional(),
    passphrase: z.string().max(10_000).optional(),
    secretAccessKey: z.string().max(10_000).optional(),
  })
  .openapi('SourceSecretsInput', { description: 'Stored encrypted (AES-256-GCM); never returned.' });

const Common = {
  name: z.string().max(200).optional(),
  schedule: z.string().max(200).nullable().optional().openapi({ description: 'Cron expression, e.g. "0 2 * * *"; null: no schedule' }),
  timezone: z.string().max(100).optional().openapi({ example: 'Europe/Berlin' }),
  mode: z.enum(['merge', 'replace']).optional(),
  afterImport: z.enum(['leave', 'move']).optional().openapi({ description: 'move: to archive/ or rejected/ sub-folders' }),
  enabled: z.boolean().optional(),
  secrets: SecretsInput.optional(),
};

export const SourceInputSchema = z.strictObject({ type: z.enum(TYPES), config: ConfigInput, ...Common }).openapi('SourceInput');
export const SourcePatchSchema = z.strictObject({ config: ConfigInput.optional(), ...Common }).openapi('SourcePatch');

const RunSchema = z
  .object({
    id: z.string(),
    trigger: z.string(),
    status: z.enum(['running', 'succeeded', 'failed']),
    reason: z.string().nullable(),
    files: z.array(z.unknown()),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .openapi('SourceRun');

export const SourceSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    type: z.enum(TYPES),
    config: z.record(z.string(), z.unknown()),
    hasSecrets: z.boolean(),
    schedule: z.string().nullable(),
    timezone: z.string(),
    mode: z.enum(['merge', 'replace']),
    afterImport: z.enum(['leave', 'move']),
    enabled: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
    updatedBy: z.string().nullable().openapi({ description: "Who created or last changed it: a person's email or an API key's name" }),
    lastRun: RunSchema.nullable(),
  })
  .openapi('DataSource');

const SyncSchema = z
  .object({
    status: z.enum(['succeeded', 'failed']),
    reason: z.string().nullable(),
    files: z.array(
      z.object({
        name: z.string(),
        status: z.string().openapi({ description: 'imported, skipped, rejected or failed' }),
        importId: z.string().optional(),
        reason: z.string().optional(),
      }),
    ),
  })
  .openapi('SourceSync');

const Id = idParam('The data source id');

export const list = createRoute({
  method: 'get',
  path: '/api/sources',
  operationId: 'listSources',
  tags: ['Sources'],
  summary: 'List the data sources, each with its last run',
  ...guard(['sources:read', 'sources:admin'], { departments: 'filtered' }),
  responses: { 200: json(z.object({ sources: z.array(SourceSchema) }), 'The data sources.'), ...problems(401, 403, 503) },
});
export type ListRoute = typeof list;

export const create = createRoute({
  method: 'post',
  path: '/api/sources',
  operationId: 'createSource',
  tags: ['Sources'],
  summary: 'Add a data source',
  ...guard('sources:admin', { departments: 'whole-org' }),
  request: { body: jsonBody(SourceInputSchema, 'The source; credentials are encrypted at rest.') },
  responses: {
    201: json(SourceSchema, 'The new source.'),
    ...problems(400, 401, 403, 415, 422, 503),
    503: problem(
      'Credentials cannot be stored: the server has no valid BUDGET_SYNC_SECRET_KEY (`secret.key_missing`, `secret.key_invalid`).',
    ),
  },
});
export type CreateRoute = typeof create;

export const update = createRoute({
  method: 'patch',
  path: '/api/sources/{id}',
  operationId: 'updateSource',
  tags: ['Sources'],
  summary: 'Change a data source',
  description: 'Settings are merged over the stored ones and checked again as a whole; `secrets`, when given, replace the stored ones.',
  ...guard('sources:admin', { departments: 'whole-org' }),
  request: { params: Id, body: jsonBody(SourcePatchSchema, 'What to change.') },
  responses: { 200: json(SourceSchema, 'The source after the change.'), ...problems(400, 401, 403, 404, 415, 422, 503) },
});
export type UpdateRoute = typeof update;

export const remove = createRoute({
  method: 'delete',
  path: '/api/sources/{id}',
  operationId: 'deleteSource',
  tags: ['Sources'],
  summary: 'Remove a data source',
  description: 'It stops syncing and its credentials are wiped; its import history stays.',
  ...guard('sources:admin', { departments: 'whole-org' }),
  request: { params: Id },
  responses: { 204: { description: 'Removed.' }, ...problems(401, 403, 404, 503) },
});
export type RemoveRoute = typeof remove;

export const sync = createRoute({
  method: 'post',
  path: '/api/sources/{id}/sync',
  operationId: 'syncSource',
  tags: ['Sources'],
  summary: 'Sync a data source now',
  description: 'Runs one sync and reports each file. Only where the server can reach files (the Node server); elsewhere 501.',
  ...guard('sources:admin', { departments: 'whole-org' }),
  request: { params: Id },
  responses: {
    200: json(SyncSchema, 'What happened to each file.'),
    ...problems(401, 403, 404, 503),
    501: problem('This runtime cannot run syncs (Cloudflare Workers): `sources.sync_unavailable`. The ingest worker syncs on schedule.'),
  },
});
export type SyncRoute = typeof sync;
