/** Contract of the import history: list (paged, filtered), one import in detail, and revert. */
import { createRoute, z } from '@hono/zod-openapi';
import { guard, json, problem, problems } from '../../openapi/contract.ts';
import { ImportCountsSchema, IssueSchema } from '../../schemas/analysis.ts';
import { idParam } from '../../schemas/common.ts';

const STATUSES = ['succeeded', 'no_changes', 'rejected', 'failed', 'reverted'] as const;
const day = (name: string, description: string) =>
  z
    .union([z.iso.date(), z.iso.datetime({ offset: true })])
    .optional()
    .openapi({ param: { name, in: 'query' }, description, example: '2026-01-31' });

export const ImportRecordSchema = z
  .object({
    id: z.string(),
    orgId: z.string(),
    actor: z.string(),
    source: z.string(),
    sourceId: z.string().nullable(),
    fileName: z.string(),
    sha256: z.string(),
    kind: z.string(),
    overrideKindReason: z.string().nullable(),
    mode: z.enum(['merge', 'replace']),
    status: z.enum(STATUSES),
    reason: z.string().nullable(),
    counts: ImportCountsSchema,
    durationMs: z.number(),
    set: z.record(z.string(), z.string()).openapi({
      description: "The values the importer gave for what the file lacked (`set`, `--set`, the review's fields); {} when none",
      example: { department: 'Research', fiscal_year: '2026' },
    }),
    createdAt: z.string(),
    revertedAt: z.string().nullable(),
    revertedBy: z.string().nullable(),
    fileKeptUntil: z.string().nullable().openapi({ description: 'Until when the original file is kept; null when it is not' }),
  })
  .openapi('ImportRecord');

export const history = createRoute({
  method: 'get',
  path: '/api/imports/history',
  operationId: 'listImports',
  tags: ['Imports'],
  summary: 'List imports, newest first',
  ...guard('imports:read', { departments: 'filtered' }),
  request: {
    query: z.object({
      cursor: z
        .uuid()
        .optional()
        .openapi({ param: { name: 'cursor', in: 'query' }, description: '`nextCursor` of the previous page' }),
      limit: z.coerce
        .number()
        .int()
        .min(1)
        .max(200)
        .default(50)
        .openapi({ param: { name: 'limit', in: 'query' }, description: 'Page size, 1–200 (default 50)' }),
      status: z
        .enum(STATUSES)
        .optional()
        .openapi({ param: { name: 'status', in: 'query' } }),
      source: z
        .string()
        .max(100)
        .optional()
        .openapi({ param: { name: 'source', in: 'query' }, description: 'api, cli, addon, or a data source type', example: 'api' }),
      from: day('from', 'Created on or after this date (UTC) or instant'),
      to: day('to', 'Created on or before this date (UTC), or before this instant'),
    }),
  },
  responses: {
    200: json(
      z.object({ imports: z.array(ImportRecordSchema), nextCursor: z.string().nullable() }).openapi('ImportPage'),
      'A page of imports; `nextCursor` is null on the last page.',
    ),
    ...problems(400, 401, 403, 503),
  },
});
export type HistoryRoute = typeof history;

const Id = idParam('The import id');

export const getImport = createRoute({
  method: 'get',
  path: '/api/imports/{id}',
  operationId: 'getImport',
  tags: ['Imports'],
  summary: 'One import, with its issues',
  ...guard('imports:read', { departments: 'filtered' }),
  request: { params: Id },
  responses: {
    200: json(
      ImportRecordSchema.extend({
        issues: z.array(IssueSchema),
        analysis: z.record(z.string(), z.unknown()).nullable().openapi({ description: 'The analysis without its lines and issues' }),
      }).openapi('ImportDetail'),
      'The import.',
    ),
    ...problems(401, 403, 503),
    404: problem('`import.not_found`.'),
  },
});
export type GetImportRoute = typeof getImport;

export const revert = createRoute({
  method: 'post',
  path: '/api/imports/{id}/revert',
  operationId: 'revertImport',
  tags: ['Imports'],
  summary: 'Undo an import',
  description:
    'Inserted lines are removed, updated lines get their earlier values, removed lines come back, in one transaction. Refused when the ' +
    'lines changed since (a later import, money reserved against a new line) or when restoring an earlier amount would put a line below ' +
    'what is reserved, committed or spent against it: `import.revert_conflict` with `conflicts`.',
  ...guard('imports:write', { departments: 'filtered' }),
  request: { params: Id },
  responses: {
    200: json(
      z
        .object({
          importId: z.string(),
          status: z.literal('reverted'),
          counts: z.object({ deleted: z.number().int(), restored: z.number().int(), undeleted: z.number().int() }),
        })
        .openapi('RevertResult'),
      'Reverted.',
    ),
    ...problems(401, 403, 503),
    404: problem('`import.not_found`.'),
    409: problem(
      '`import.not_revertible` (already reverted, changed nothing, never applied) or `import.revert_conflict` with `conflicts`.',
    ),
  },
});
export type RevertRoute = typeof revert;
