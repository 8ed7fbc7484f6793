/** Data sources: settings, encrypted credentials, the files their syncs have seen, and their runs. */
export * from './addresses.ts';
export * from './files.ts';
export * from './runs.ts';
export * from './secrets.ts';
export * from './sources.ts';
export * from './validate.ts';
