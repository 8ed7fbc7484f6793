/**
 * The sidebar outside Google: a tiny local HTTP server that serves the HTML the bundle's own showSidebar /
 * showSettings produced (HtmlService stand-in, scriptlets evaluated), with a `google.script.run` shim
 * injected first thing in <head>. The shim posts each call to this server, which invokes the bundle's
 * real global function in its vm (JSON in and out, as google.script.run), so the page drives exactly the
 * code Apps Script would run, against the real API.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppsScript } from './apps-script.ts';

/** google.script.run and google.script.host as the page sees them; calls resolve asynchronously, as in Apps Script. */
const SHIM = `<script>
(function () {
  function runner(handlers) {
    return new Proxy({}, {
      get: function (_target, name) {
        if (name === 'withSuccessHandler') return function (f) { return runner(Object.assign({}, handlers, { ok: f })); };
        if (name === 'withFailureHandler') return function (f) { return runner(Object.assign({}, handlers, { fail: f })); };
        return function () {
          var args = Array.prototype.slice.call(arguments);
          window.__scriptRuns = (window.__scriptRuns || 0) + 1;
          fetch('/run/' + encodeURIComponent(String(name)), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(args) })
            .then(function (r) { return r.json(); })
            .then(function (answer) {
              window.__scriptRuns -= 1;
              if (answer.threw) { if (handlers.fail) handlers.fail(new Error(answer.message)); }
              else if (handlers.ok) handlers.ok(answer.value);
            });
        };
      }
    });
  }
  window.google = { script: { run: runner({}), host: { close: function () { window.__hostClosed = true; } } } };
})();
</script>`;

export interface Bridge {
  url: string;
  /** Every server function the page called, in order. */
  calls: string[];
  /** Holds the next call of this function until the returned release is called (to see the page mid-call). */
  hold(name: string): () => void;
  close(): Promise<void>;
}

function injected(html: string): string {
  if (!html.includes('<head>')) throw new Error('bridge: the page has no <head>');
  return html.replace('<head>', `<head>\n${SHIM}`);
}

export async function startBridge(env: AppsScript): Promise<Bridge> {
  const calls: string[] = [];
  const held = new Map<string, Promise<void>>();
  const page = (entry: 'showSidebar' | 'showSettings'): string => {
    env.ui.length = 0;
    env.run(entry);
    const shown = env.ui.at(-1);
    if (!shown?.html) throw new Error(`${entry} showed nothing`);
    return injected(shown.html);
  };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'GET' && (url.pathname === '/sidebar' || url.pathname === '/settings')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page(url.pathname === '/sidebar' ? 'showSidebar' : 'showSettings'));
      return;
    }
    const run = /^\/run\/([A-Za-z_$][\w$]*)$/.exec(url.pathname);
    if (req.method === 'POST' && run) {
      let body = '';
      req.on('data', (d: Buffer) => {
        body += d.toString();
      });
      req.on('end', async () => {
        const name = run[1] as string;
        const gate = held.get(name);
        if (gate) {
          held.delete(name);
          await gate;
        }
        calls.push(name);
        let answer: unknown;
        try {
          answer = { threw: false, value: env.run(name, ...(JSON.parse(body) as unknown[])) ?? null };
        } catch (e) {
          answer = { threw: true, message: e instanceof Error ? e.message : String(e) };
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer));
      });
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    hold: (name) => {
      let release = () => {};
      held.set(
        name,
        new Promise<void>((resolve) => {
          release = resolve;
        }),
      );
      return () => release();
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
