/** The ingest worker: connectors for SFTP, S3 and folders, the sync of one source, the pg-boss worker. */
export * from './backoff.ts';
export * from './connectors/index.ts';
export * from './errors.ts';
export * from './glob.ts';
export * from './housekeeping.ts';
export * from './notify.ts';
export * from './schedules.ts';
export * from './stability.ts';
export * from './sync.ts';
export * from './worker.ts';
