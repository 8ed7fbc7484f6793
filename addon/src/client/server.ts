/**
 * The server functions, called from the browser through google.script.run as promises. Their names
 * and types come from the entry file itself (a type-only import, erased by the build), so a renamed or
 * retyped entry point breaks the sidebar's type-check rather than the sidebar.
 */
import type * as Entry from '../Code.ts';

type Api = typeof Entry;

interface ScriptRun {
  withSuccessHandler(handler: (value: unknown) => void): ScriptRun;
  withFailureHandler(handler: (error: Error) => void): ScriptRun;
  [name: string]: unknown;
}

declare const google: {
  script: {
    run: ScriptRun;
    host: { close(): void };
  };
};

export function call<K extends keyof Api>(name: K, ...args: Parameters<Api[K]>): Promise<ReturnType<Api[K]>> {
  return new Promise((resolve, reject) => {
    const runner = google.script.run
      .withSuccessHandler((value) => resolve(value as ReturnType<Api[K]>))
      .withFailureHandler((error) => reject(error));
    (runner[name] as (...a: unknown[]) => void)(...args);
  });
}

export function closeDialog(): void {
  google.script.host.close();
}
