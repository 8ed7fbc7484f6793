/**
 * `Content-Encoding: gzip` request bodies, for the spreadsheet endpoints: the Google Sheets add-on sends a
 * 50,000-row sheet as ~11 MB of JSON, ~1 MB gzipped, which is what makes it fit Apps Script's fetch
 * deadline. Decoded after authentication (no inflating for strangers) and before body parsing. The body
 * limit holds for the decoded body too, so gzip never lets more in than plain JSON would; the wire limit
 * (limitBody) still applies to what was sent. DecompressionStream exists in Workers and in Node.
 */
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env.ts';
import { ApiProblem } from '../problems.ts';

export const decodeBody = createMiddleware<AppEnv>(async (c, next) => {
  const encoding = c.req.header('content-encoding')?.trim().toLowerCase() ?? '';
  if (encoding === '' || encoding === 'identity') return next();
  if (encoding !== 'gzip') {
    throw new ApiProblem(
      415,
      'request.unsupported_encoding',
      `Content-Encoding "${encoding}" is not supported; send the body as is or gzip-encoded.`,
    );
  }
  const limit = c.var.config.maxBodyBytes;
  const body = c.req.raw.body;
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (body !== null) {
    const reader = body.pipeThrough(new DecompressionStream('gzip')).getReader();
    for (;;) {
      let step: ReadableStreamReadResult<Uint8Array>;
      try {
        step = await reader.read();
      } catch {
        throw new ApiProblem(400, 'request.malformed_encoding', 'The body is marked Content-Encoding: gzip but is not valid gzip data.');
      }
      if (step.done) break;
      size += step.value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => {});
        throw new ApiProblem(
          413,
          'request.too_large',
          `The request body, decoded, is larger than ${Math.round(limit / (1024 * 1024))} MB. Split it into several imports.`,
          {
            limitBytes: limit,
          },
        );
      }
      chunks.push(step.value);
    }
  }
  const decoded = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    decoded.set(chunk, at);
    at += chunk.byteLength;
  }
  const headers = new Headers(c.req.raw.headers);
  headers.delete('content-encoding');
  headers.set('content-length', String(size));
  c.req.raw = new Request(c.req.raw.url, { method: c.req.method, headers, body: decoded });
  await next();
});
