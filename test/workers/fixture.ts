/**
 * What the workerd tests and their Node-side global setup share: the small budget CSV both runtimes
 * analyse, the values handed from Node to workerd (through `inject` and miniflare bindings), and the
 * binding names. Plain data only: this module is loaded in Node and inside workerd.
 */

export const BUDGET_CSV = [
  'Department,Category,Month,Budget Amount',
  'Marketing,Travel,2026-03,1000.00',
  'Marketing,Events,2026-03,"$2,500.50"',
  'Sales,Travel,2026-03,300.00',
  'Sales,Software,2026-04,1200',
  'Engineering,Cloud,2026-03,4999.99',
].join('\n');

export const CSV_NAME = 'workers-budget.csv';

/** The Worker's env in the tests: its own bindings plus the keys made by the global setup. */
export interface TestBindings {
  DATABASE_URL: string;
  NEON_WS_PROXY: string;
  /** The org's admin key (all scopes). */
  TEST_ADMIN_KEY: string;
  /** budget:check, budget:reserve and budget:read only. */
  TEST_RESERVE_KEY: string;
  /** imports:read only: analyze yes, import no. */
  TEST_READ_KEY: string;
  /** Google ID tokens (issue 15) are verified against a JWKS the Node setup serves on 127.0.0.1. */
  BUDGET_SYNC_GOOGLE_CLIENT_IDS: string;
  BUDGET_SYNC_GOOGLE_ISSUER: string;
  BUDGET_SYNC_GOOGLE_JWKS_URL: string;
  /** Signed ID tokens of the org's people, by role (the approver is limited to Marketing), and refusals. */
  TEST_ID_TOKENS: string;
  /** The JWKS server: `/jwks/NAME` (the Worker's is `main`), `POST /jwks/NAME/publish`, `GET /jwks/NAME/fetches`. */
  TEST_JWKS_BASE: string;
  /** The private JWKs the server may publish, by kid (w1 is published under `main`), for signing inside workerd. */
  TEST_SIGNING_KEYS: string;
  /** The department matrix's organization (test/support/department-world.ts DepartmentWorld, as JSON). */
  TEST_DEPARTMENT_WORLD: string;
}

export const CLIENT_ID = 'workers-addon.apps.example.com';
export const ISSUER = 'https://accounts.workers.test';

/** The ID tokens the setup signs, by name (TEST_ID_TOKENS is their JSON). */
export type IdTokens = Record<'viewer' | 'editor' | 'approver' | 'admin' | 'stranger' | 'expired' | 'foreign', string>;

export const PEOPLE = {
  viewer: 'vera@workers.example',
  editor: 'ed@workers.example',
  approver: 'april@workers.example',
  admin: 'ada@workers.example',
} as const;

declare module 'vitest' {
  export interface ProvidedContext {
    /** The bindings, for cloudflareTest() in vitest.config.ts. */
    workersBindings: TestBindings;
    /** POST /api/excel/analyze of BUDGET_CSV answered by the same app on Node (node-postgres). */
    nodeAnalyzeBody: Record<string, unknown>;
  }
}
