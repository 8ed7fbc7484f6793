/**
 * One `npx vitest run` runs both test projects: `node` (everything under test/ on Node) and `workers`
 * (test/workers inside workerd, through the Worker's own fetch, with the Neon driver against the test
 * Postgres via a local WebSocket proxy), one after the other. Reporters are global, so the summary line
 * counts both.
 */
import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';
import type {} from './test/workers/fixture.ts';

const timeouts = { testTimeout: 60_000, hookTimeout: 120_000 };

export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/workers/**', '**/node_modules/**'],
          globalSetup: ['./test/support/global-setup.ts'],
          ...timeouts,
        },
      },
      {
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: './wrangler.toml' },
            miniflare: { bindings: { ...inject('workersBindings') } },
          })),
        ],
        test: {
          name: 'workers',
          include: ['test/workers/**/*.test.ts'],
          // The shared Postgres first: the workers setup makes its database on that server.
          globalSetup: ['./test/support/global-setup.ts', './test/workers/global-setup.ts'],
          // After the Node project, not beside it: 200 concurrent Neon connections and the Node suite's
          // pools together would crowd Postgres' 100 connections and two cores, and slow both.
          sequence: { groupOrder: 1 },
          ...timeouts,
        },
      },
    ],
  },
});
