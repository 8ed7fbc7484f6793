/**
 * A tagged template for HTML that escapes every interpolated value unless it is already HTML. Synchronous
 * and typed (hono/html's result may be a Promise), which keeps the views plain functions of their data.
 */

export class Html {
  readonly value: string;
  constructor(value: string) {
    this.value = value;
  }
  toString(): string {
    return this.value;
  }
}

export type Interpolation = Html | string | number | boolean | null | undefined | readonly Interpolation[];

export function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
}

function render(v: Interpolation): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof Html) return v.value;
  if (Array.isArray(v)) return v.map(render).join('');
  return escapeHtml(String(v));
}

export function html(strings: TemplateStringsArray, ...values: Interpolation[]): Html {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '');
  return new Html(out);
}

/** Markup that is trusted as is (our own constants: CSS, SVG built from numbers). */
export function unsafeRaw(markup: string): Html {
  return new Html(markup);
}

/** ` attr` when on, nothing when off: `<option${attr('selected', x)}>`. */
export function attr(name: string, on: boolean): Html {
  return new Html(on ? ` ${name}` : '');
}
