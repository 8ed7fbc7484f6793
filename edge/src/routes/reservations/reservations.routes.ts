/**
 * Contract of reservations: money set aside on a budget line, then committed (purchase order), spent
 * (actual) or released. Creating one is idempotent under an `Idempotency-Key`.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { guard, json, jsonBody, problem, problems } from '../../openapi/contract.ts';
import { budgetQueryFields, ReservationSchema } from '../../schemas/budget.ts';
import { AmountInputSchema, idParam } from '../../schemas/common.ts';

const ReserveRequestSchema = z
  .object({
    ...budgetQueryFields,
    reference: z.string().max(500).nullish().openapi({ description: 'Your reference (purchase request number)', example: 'PR-1042' }),
    description: z.string().max(2000).nullish(),
  })
  .openapi('ReserveRequest');

const IdempotencyHeaders = z.object({
  'Idempotency-Key': z.string().max(200).optional().openapi({
    description: 'Recommended. Retrying with the same key and body returns the first reservation instead of holding the money twice.',
    example: 'pr-1042-attempt',
  }),
});

const Id = idParam('The reservation id');

export const reserve = createRoute({
  method: 'post',
  path: '/api/budget/reservations',
  operationId: 'createReservation',
  tags: ['Budget control'],
  summary: 'Reserve funds',
  description:
    'Checks and holds the amount in one transaction; competing requests on one budget line are serialized, so the money held ' +
    'never exceeds budget + tolerance under `block`. A replay with the same Idempotency-Key answers 201 with the same body and ' +
    'the header `Idempotent-Replayed: true`.',
  ...guard('budget:reserve', { departments: 'checked' }),
  request: { headers: IdempotencyHeaders, body: jsonBody(ReserveRequestSchema, 'What to reserve.') },
  responses: {
    201: {
      ...json(ReservationSchema, 'The reservation (also for a replay).'),
      headers: z.object({
        'Idempotent-Replayed': z.string().optional().openapi({ description: '`true` when this answers a replayed request' }),
      }),
    },
    ...problems(400, 401, 403, 413, 415, 422, 503),
    409: problem(
      'Not enough budget under block control: `budget.insufficient`, with the figures in `check`; or the Idempotency-Key was used for a different request: `idempotency.mismatch`.',
    ),
  },
});
export type ReserveRoute = typeof reserve;

export const getReservation = createRoute({
  method: 'get',
  path: '/api/budget/reservations/{id}',
  operationId: 'getReservation',
  tags: ['Budget control'],
  summary: 'Read a reservation',
  ...guard(['budget:reserve', 'budget:read'], { departments: 'checked' }),
  request: { params: Id },
  responses: { 200: json(ReservationSchema, 'The reservation now.'), ...problems(401, 403, 503), 404: problem('`reservation.not_found`.') },
});
export type GetReservationRoute = typeof getReservation;

const StateConflict = problem(
  'Nothing left to commit or release: `reservation.invalid_state`; more than is reserved: `amount.exceeds_reserved`.',
);

export const commit = createRoute({
  method: 'post',
  path: '/api/budget/reservations/{id}/commit',
  operationId: 'commitReservation',
  tags: ['Budget control'],
  summary: 'Commit a reservation (purchase order)',
  description: 'Moves `amount` (default: all still reserved) from reserved to committed.',
  ...guard('budget:reserve', { departments: 'checked' }),
  request: {
    params: Id,
    body: {
      content: { 'application/json': { schema: z.object({ amount: AmountInputSchema.optional() }).openapi('CommitRequest') } },
      description: 'Optional; without a body everything still reserved is committed.',
      required: false,
    },
  },
  responses: {
    200: json(ReservationSchema, 'The reservation after the commit.'),
    ...problems(400, 401, 403, 415, 422, 503),
    404: problem('`reservation.not_found`.'),
    409: StateConflict,
  },
});
export type CommitRoute = typeof commit;

export const release = createRoute({
  method: 'post',
  path: '/api/budget/reservations/{id}/release',
  operationId: 'releaseReservation',
  tags: ['Budget control'],
  summary: 'Release what is still reserved',
  ...guard('budget:reserve', { departments: 'checked' }),
  request: { params: Id },
  responses: {
    200: json(ReservationSchema, 'The reservation after the release.'),
    ...problems(401, 403, 503),
    404: problem('`reservation.not_found`.'),
    409: StateConflict,
  },
});
export type ReleaseRoute = typeof release;

export const actual = createRoute({
  method: 'post',
  path: '/api/budget/reservations/{id}/actual',
  operationId: 'recordActual',
  tags: ['Budget control'],
  summary: 'Record money spent (an invoice)',
  description: 'Uses up what is committed first, then what is reserved; anything beyond is recorded as extra spend (actuals are facts).',
  ...guard('budget:reserve', { departments: 'checked' }),
  request: {
    params: Id,
    body: jsonBody(z.object({ amount: AmountInputSchema }).openapi('ActualRequest'), 'The amount spent.'),
  },
  responses: {
    200: json(ReservationSchema, 'The reservation after the actual.'),
    ...problems(400, 401, 403, 415, 422, 503),
    404: problem('`reservation.not_found`.'),
  },
});
export type ActualRoute = typeof actual;
