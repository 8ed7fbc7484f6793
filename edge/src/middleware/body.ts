/**
 * Request bodies: the size limit for the whole API, and parsing before validation so that a body that is
 * not JSON (or not a form) gets its own stable code instead of a validator's generic 400. Parsed bodies
 * stay in hono's body cache, so the validators read them without a second network read.
 */
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env.ts';
import { ApiProblem } from '../problems.ts';

export function limitBody(maxBytes: number) {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ApiProblem(
        413,
        'request.too_large',
        `The request body is larger than ${formatMb(maxBytes)}. Send a smaller file, or split it into several imports.`,
        { limitBytes: maxBytes },
      );
    },
  });
}

function formatMb(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return mb >= 1 ? `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB` : `${bytes} bytes`;
}

const JSON_TYPE = /^application\/([\w.-]+\+)?json$/i;
const FORM_TYPES = new Set(['multipart/form-data', 'application/x-www-form-urlencoded']);

export const parseBody = createMiddleware<AppEnv>(async (c, next) => {
  const contentType = c.req.header('content-type');
  if (c.req.method === 'GET' || c.req.method === 'HEAD' || contentType === undefined) return next();
  const media = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (JSON_TYPE.test(media)) {
    const text = await c.req.text();
    if (text.trim() === '') {
      // An empty body is "no fields": validation then names what is missing, and optional bodies pass.
      c.req.bodyCache = {};
      c.req.raw = new Request(c.req.raw.url, { method: c.req.method, headers: c.req.raw.headers, body: '{}' });
    } else {
      try {
        JSON.parse(text);
      } catch (e) {
        throw new ApiProblem(400, 'request.malformed_json', `The request body is not valid JSON: ${(e as Error).message}`);
      }
    }
  } else if (FORM_TYPES.has(media)) {
    try {
      await c.req.formData();
    } catch {
      throw new ApiProblem(400, 'request.malformed_form', 'The request body cannot be read as a form (multipart/form-data or urlencoded).');
    }
  }
  return next();
});
