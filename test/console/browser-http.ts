/**
 * A browser's cookie jar over real HTTP, for the console tests that need no Chromium: cookies kept from
 * Set-Cookie, same-origin form posts (urlencoded or multipart), redirects not followed.
 */
export type Jar = Record<string, string>;

export function cookieHeader(jar: Jar): string {
  return Object.entries(jar)
    .map(([k, v]) => `${k}=${v}`)
    .join('; ');
}

/** Applies a response's Set-Cookie headers to the jar (an expired cookie leaves it). */
export function keep(jar: Jar, res: Response): void {
  for (const line of res.headers.getSetCookie()) {
    const [pair = '', ...attributes] = line.split(';');
    const at = pair.indexOf('=');
    const name = pair.slice(0, at).trim();
    const gone = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || pair.slice(at + 1) === '';
    if (gone) delete jar[name];
    else jar[name] = pair.slice(at + 1);
  }
}

/** A browser's request to `base`: its cookies, same-origin, no redirects followed; a form urlencoded or multipart. */
export async function browseAt(
  base: string,
  jar: Jar,
  method: 'GET' | 'POST',
  path: string,
  form?: Record<string, string> | FormData,
): Promise<Response> {
  const multipart = form instanceof FormData;
  const res = await fetch(`${base}${path}`, {
    method,
    redirect: 'manual',
    headers: {
      cookie: cookieHeader(jar),
      'sec-fetch-site': 'same-origin',
      ...(form && !multipart ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    },
    ...(form ? { body: multipart ? form : new URLSearchParams(form).toString() } : {}),
  });
  keep(jar, res);
  return res;
}
