/**
 * The Cloudflare Workers entry: the app of worker-app.ts, built once per isolate from the bindings. A
 * configuration that does not parse answers every request with a 500 problem and is logged.
 */
import type { ExecutionContext } from 'hono';
import { problemBody, problemResponse } from './problems.ts';
import { logger, type WorkerEnv, workerApp } from './worker-app.ts';

// Once per isolate: the app (its routes, the OpenAPI document) is the same for every request.
let app: ReturnType<typeof workerApp> | undefined;
let setupError: unknown;

export default {
  fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Response | Promise<Response> {
    if (!app && setupError === undefined) {
      try {
        app = workerApp(env);
      } catch (e) {
        setupError = e;
      }
    }
    if (!app) {
      logger.error('The Worker is misconfigured:', setupError);
      return problemResponse({
        body: problemBody(500, 'internal', 'The server is misconfigured. It was logged; an operator must fix its settings.'),
        headers: {},
      });
    }
    return app.fetch(request, env, ctx);
  },
};
