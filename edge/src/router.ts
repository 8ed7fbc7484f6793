/**
 * Routers: OpenAPIHono instances that share the validation hook, so every zod failure anywhere becomes
 * the same 400 `request.invalid` problem, listing each failing field by where it was (body, query, path,
 * header) and its path inside it.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { z } from '@hono/zod-openapi';
import type { AppEnv } from './env.ts';
import { ApiProblem } from './problems.ts';

const WHERE: Record<string, string> = { json: 'body', form: 'body', query: 'query', param: 'path', header: 'header', cookie: 'cookie' };

export interface FieldError {
  in: string;
  path: string;
  message: string;
}

export function fieldErrors(target: string, error: z.ZodError): FieldError[] {
  return error.issues.map((i) => ({ in: WHERE[target] ?? target, path: i.path.map(String).join('.'), message: i.message }));
}

function describe(errors: readonly FieldError[]): string {
  const shown = errors.slice(0, 3).map((e) => `${e.path || `the ${e.in}`}: ${e.message}`);
  const more = errors.length > 3 ? ` (and ${errors.length - 3} more)` : '';
  return `The request is invalid. ${shown.join('; ')}${more}.`;
}

export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const errors = fieldErrors(result.target, result.error);
        throw new ApiProblem(400, 'request.invalid', describe(errors), { errors });
      }
    },
  });
}
