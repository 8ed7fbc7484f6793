/** Reservations: thin calls to db's reservation services; the actor is the key's name or the person's email, within their departments. */
import { commitReservation, getReservation as readReservation, recordActual, releaseReservation, reserveFunds } from '@budget-sync/db';
import { departmentsOf } from '../../middleware/auth.ts';
import type { AppRouteHandler } from '../../openapi/contract.ts';
import type { ActualRoute, CommitRoute, GetReservationRoute, ReleaseRoute, ReserveRoute } from './reservations.routes.ts';

export const reserve: AppRouteHandler<ReserveRoute> = async (c) => {
  const body = c.req.valid('json');
  const key = c.req.valid('header')['Idempotency-Key'];
  // c.get, not c.var: c.var copies every variable of the request into a new object on each use.
  const db = await c.get('database')();
  const auth = c.get('auth');
  const { replayed, reservation } = await reserveFunds(db.pool, auth.orgId, {
    ...body,
    idempotencyKey: key ?? null,
    actor: auth.name,
    departments: departmentsOf(auth),
  });
  return c.json(reservation, 201, replayed ? { 'Idempotent-Replayed': 'true' } : {});
};

export const getReservation: AppRouteHandler<GetReservationRoute> = async (c) => {
  const db = await c.var.database();
  return c.json(await readReservation(db.pool, c.var.auth.orgId, c.req.valid('param').id, departmentsOf(c.var.auth)), 200);
};

export const commit: AppRouteHandler<CommitRoute> = async (c) => {
  const db = await c.var.database();
  const { amount } = c.req.valid('json');
  return c.json(
    await commitReservation(db.pool, c.var.auth.orgId, c.req.valid('param').id, { amount }, c.var.auth.name, departmentsOf(c.var.auth)),
    200,
  );
};

export const release: AppRouteHandler<ReleaseRoute> = async (c) => {
  const db = await c.var.database();
  return c.json(
    await releaseReservation(db.pool, c.var.auth.orgId, c.req.valid('param').id, c.var.auth.name, departmentsOf(c.var.auth)),
    200,
  );
};

export const actual: AppRouteHandler<ActualRoute> = async (c) => {
  const db = await c.var.database();
  const { amount } = c.req.valid('json');
  return c.json(
    await recordActual(db.pool, c.var.auth.orgId, c.req.valid('param').id, { amount }, c.var.auth.name, departmentsOf(c.var.auth)),
    200,
  );
};
