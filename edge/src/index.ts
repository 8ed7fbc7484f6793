/** `@budget-sync/edge`: the HTTP API. Runtimes import createApp and give it a way to get a database. */
export { API_VERSION, createApp } from './app.ts';
export { type AppConfig, DEFAULT_CONFIG, parseConfig } from './config.ts';
export type { AppDeps, AppEnv, AppLogger, DatabaseLease } from './env.ts';
export { type ProblemBody, toProblem } from './problems.ts';
