/** Notifications: the org's webhook and the outbox of events it is sent. */
export * from './outbox.ts';
export * from './webhooks.ts';
