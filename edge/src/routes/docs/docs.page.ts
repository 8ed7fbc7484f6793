/**
 * The docs page: a plain server-rendered HTML listing of the OpenAPI document (operations by tag, their
 * scope, parameters, body fields and responses) and of the problem codes. No scripts and no CDN: it
 * must work offline and behind strict content security policies.
 */
import { DEPARTMENT_SCOPE_TEXT, type DepartmentScope } from '../../openapi/contract.ts';
import { PROBLEM_CODES } from '../../problems.ts';

/** The parts of an OpenAPI 3.1 document the page reads. */
export interface ApiDocument {
  info: { title: string; version: string; description?: string | undefined };
  paths?: Record<string, Record<string, Operation | unknown>> | undefined;
  components?: { schemas?: Record<string, Schema> | undefined } | undefined;
}

interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: unknown[];
  'x-required-scope'?: string;
  'x-department-scope'?: DepartmentScope;
  parameters?: Array<{ name: string; in: string; required?: boolean; description?: string; schema?: Schema }>;
  requestBody?: { content?: Record<string, { schema?: Schema }>; required?: boolean; description?: string };
  responses?: Record<string, { description?: string; content?: Record<string, unknown> }>;
}

interface Schema {
  $ref?: string;
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

function esc(text: unknown): string {
  return String(text ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

/** Inline `code` spans of the descriptions as <code>. */
function prose(text: string | undefined): string {
  return esc(text ?? '').replace(/`([^`]+)`/g, '<code>$1</code>');
}

function resolve(doc: ApiDocument, s: Schema | undefined): Schema | undefined {
  if (s?.$ref === undefined) return s;
  return doc.components?.schemas?.[s.$ref.split('/').pop() ?? ''];
}

function typeOf(doc: ApiDocument, s: Schema | undefined): string {
  if (s === undefined) return '';
  if (s.$ref !== undefined) return s.$ref.split('/').pop() ?? 'object';
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) return alternatives.map((a) => typeOf(doc, a)).join(' | ');
  const t = Array.isArray(s.type) ? s.type.join(' | ') : (s.type ?? 'any');
  if (t === 'array') return `${typeOf(doc, s.items)}[]`;
  return s.format ? `${t} (${s.format})` : t;
}

function fieldsTable(doc: ApiDocument, schema: Schema | undefined): string {
  const s = resolve(doc, schema);
  const props = s?.properties;
  if (!props) return `<p>${esc(typeOf(doc, schema))}</p>`;
  const required = new Set(s.required ?? []);
  const rows = Object.entries(props).map(
    ([name, p]) =>
      `<tr><td><code>${esc(name)}</code>${required.has(name) ? ' <em>required</em>' : ''}</td><td>${esc(typeOf(doc, p))}</td><td>${prose(p.description)}</td></tr>`,
  );
  return `<table><tr><th>field</th><th>type</th><th></th></tr>${rows.join('')}</table>`;
}

function renderOperation(doc: ApiDocument, method: string, path: string, op: Operation): string {
  const id = `${method}-${path}`.replace(/[^\w-]+/g, '-');
  const scope = op['x-required-scope'];
  const auth = scope
    ? `API key with scope ${scope
        .split(' or ')
        .map((s) => `<code>${esc(s)}</code>`)
        .join(' or ')} (or <code>admin</code>)`
    : 'none (public)';
  const params = (op.parameters ?? [])
    .map(
      (p) =>
        `<tr><td><code>${esc(p.name)}</code>${p.required ? ' <em>required</em>' : ''}</td><td>${esc(p.in)}</td><td>${esc(typeOf(doc, p.schema))}</td><td>${prose(p.description)}</td></tr>`,
    )
    .join('');
  const body = op.requestBody?.content
    ? Object.entries(op.requestBody.content)
        .map(([media, c]) => `<h4>Body: <code>${esc(media)}</code></h4>${fieldsTable(doc, c.schema)}`)
        .join('')
    : '';
  const responses = Object.entries(op.responses ?? {})
    .map(
      ([status, r]) =>
        `<tr><td><code>${esc(status)}</code></td><td>${esc(Object.keys(r.content ?? {}).join(', '))}</td><td>${prose(r.description)}</td></tr>`,
    )
    .join('');
  return `<section class="op" id="${esc(id)}">
<h3><span class="method ${esc(method)}">${esc(method.toUpperCase())}</span> <code>${esc(path)}</code></h3>
<p><strong>${esc(op.summary)}</strong></p>
${op.description ? `<p>${prose(op.description)}</p>` : ''}
<p>Authentication: ${auth}</p>
${op['x-department-scope'] ? `<p>Departments (<code>${esc(op['x-department-scope'])}</code>): ${prose(DEPARTMENT_SCOPE_TEXT[op['x-department-scope']])}</p>` : ''}
${params ? `<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>type</th><th></th></tr>${params}</table>` : ''}
${body}
<h4>Responses</h4><table><tr><th>status</th><th>content</th><th></th></tr>${responses}</table>
</section>`;
}

export function renderDocsPage(doc: ApiDocument): string {
  const byTag = new Map<string, string[]>();
  const toc: string[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method] as Operation | undefined;
      if (op === undefined) continue;
      const tag = op.tags?.[0] ?? 'Other';
      const list = byTag.get(tag) ?? [];
      list.push(renderOperation(doc, method, path, op));
      byTag.set(tag, list);
      const id = `${method}-${path}`.replace(/[^\w-]+/g, '-');
      toc.push(`<li><a href="#${esc(id)}"><code>${esc(method.toUpperCase())} ${esc(path)}</code></a> ${esc(op.summary)}</li>`);
    }
  }
  const sections = [...byTag].map(([tag, ops]) => `<h2>${esc(tag)}</h2>${ops.join('\n')}`).join('\n');
  const codes = PROBLEM_CODES.map(
    (p) => `<tr id="problem-${esc(p.code)}"><td><code>${esc(p.code)}</code></td><td>${p.status}</td><td>${prose(p.meaning)}</td></tr>`,
  ).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(doc.info.title)} — documentation</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:980px;margin:2rem auto;padding:0 1rem;color:#1d2330}
code{font:13px ui-monospace,monospace;background:#f2f4f7;padding:0 .25em;border-radius:3px}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border-bottom:1px solid #e3e6ea;padding:.3rem .5rem;text-align:left;vertical-align:top}
.op{border:1px solid #e3e6ea;border-radius:6px;padding:0 1rem .5rem;margin:1rem 0}
.method{display:inline-block;min-width:3.5em;text-align:center;color:#fff;border-radius:3px;font-size:12px;padding:.1em .4em}
.get{background:#2f7d32}.post{background:#1f5fa8}.put{background:#a86a1f}.delete{background:#a82a1f}
</style></head><body>
<h1>${esc(doc.info.title)} <small>${esc(doc.info.version)}</small></h1>
<p>${prose(doc.info.description)}</p>
<p>Machine-readable: <a href="/api/openapi.json"><code>/api/openapi.json</code></a> (OpenAPI 3.1).</p>
<h2>Operations</h2><ul>${toc.join('')}</ul>
${sections}
<h2 id="problems">Errors</h2>
<p>Errors are <code>application/problem+json</code>: <code>{type, title, status, code, detail, …}</code>. Match on <code>code</code>; it never changes.</p>
<table><tr><th>code</th><th>status</th><th>meaning</th></tr>${codes}</table>
</body></html>`;
}
