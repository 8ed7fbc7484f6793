/**
 * What an approval workflow's integrator writes against Budget Sync with a client generated from the
 * OpenAPI document (openapi-typescript types + openapi-fetch): check, reserve with an Idempotency-Key,
 * commit or release, and a finance system's import of sheet values, history and revert. Plain fetch and
 * runtime-neutral: the same code runs on Node and inside workerd. The tests type-check this file against
 * types generated from the served document, so a breaking change to the API fails them.
 */
import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './api.ts';

export type Schemas = components['schemas'];
export type BudgetClient = Client<paths>;

export interface ClientOptions {
  /** `servers[0].url` of the document. */
  baseUrl: string;
  apiKey: string;
  /** The transport; global fetch by default (a Worker's own fetch, an app's request in tests). */
  fetch?: (request: Request) => Promise<Response>;
}

export function budgetClient(options: ClientOptions): BudgetClient {
  return createClient<paths>({
    baseUrl: options.baseUrl,
    headers: { authorization: `Bearer ${options.apiKey}` },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}

/** An API problem (application/problem+json) as an integrator's code sees it: its stable code and status. */
export class BudgetSyncProblem extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, detail: string) {
    super(`${status} ${code}: ${detail}`);
    this.status = status;
    this.code = code;
  }
}

type Result<T> = { data?: T; error?: unknown; response: Response };

function unwrap<T>(r: Result<T>): T {
  if (r.data !== undefined && r.response.ok) return r.data;
  const p = (r.error ?? {}) as Partial<Schemas['Problem']>;
  throw new BudgetSyncProblem(r.response.status, String(p.code ?? 'unknown'), String(p.detail ?? r.response.statusText));
}

export type BudgetQuery = Schemas['BudgetQuery'];

export async function checkBudget(client: BudgetClient, query: BudgetQuery): Promise<Schemas['CheckResult']> {
  return unwrap(await client.POST('/api/budget/check', { body: query }));
}

/**
 * Reserves with an Idempotency-Key: a retry after a timeout sends the same key and body and gets the first
 * reservation back (`replayed`) instead of holding the money twice.
 */
export async function reserve(
  client: BudgetClient,
  request: Schemas['ReserveRequest'],
  idempotencyKey: string,
): Promise<{ reservation: Schemas['Reservation']; replayed: boolean }> {
  const r = await client.POST('/api/budget/reservations', { body: request, params: { header: { 'Idempotency-Key': idempotencyKey } } });
  return { reservation: unwrap(r), replayed: r.response.headers.get('Idempotent-Replayed') === 'true' };
}

/** Commits part (an amount) or, without one, everything still reserved: the purchase order was approved. */
export async function commit(client: BudgetClient, id: string, amount?: string): Promise<Schemas['Reservation']> {
  return unwrap(
    await client.POST('/api/budget/reservations/{id}/commit', { params: { path: { id } }, ...(amount ? { body: { amount } } : {}) }),
  );
}

/** Gives back what is still reserved: the request was rejected or cancelled. */
export async function release(client: BudgetClient, id: string): Promise<Schemas['Reservation']> {
  return unwrap(await client.POST('/api/budget/reservations/{id}/release', { params: { path: { id } } }));
}

/** Imports a sheet's values (as the Sheets add-on sends them). */
export async function importSheetValues(client: BudgetClient, body: Schemas['SheetValuesImportRequest']): Promise<Schemas['ImportResult']> {
  return unwrap(await client.POST('/api/excel/import', { body }));
}

export async function importHistory(client: BudgetClient, limit = 50): Promise<Schemas['ImportPage']> {
  return unwrap(await client.GET('/api/imports/history', { params: { query: { limit } } }));
}

export async function revertImport(client: BudgetClient, id: string): Promise<Schemas['RevertResult']> {
  return unwrap(await client.POST('/api/imports/{id}/revert', { params: { path: { id } } }));
}
