/**
 * The slice of workerd's `cloudflare:workers` module the tests use, typed here rather than through
 * @cloudflare/workers-types, whose globals would clash with the DOM and Node types the rest of the
 * project compiles against.
 */
declare module 'cloudflare:workers' {
  /** The bindings of the Worker under test (wrangler.toml plus the miniflare bindings in vitest.config.ts). */
  export const env: import('./fixture.ts').TestBindings;
  /** The main Worker's exports (edge/src/worker.ts); `exports.default.fetch` sends it a request. */
  export const exports: { default: { fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> } };
}
