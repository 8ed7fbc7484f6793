/**
 * Whether a file has stopped changing. A file modified within the stability window may still be being
 * written (an upload in progress): it is looked at again once the window has passed, and read only if
 * its size and modification time did not change between the two looks. Pure: the caller looks and waits.
 */

export interface Look {
  size: number;
  /** mtime in ms, or the ETag: anything that changes when the content does. */
  version: string;
  /** Modification time, ms since the epoch. */
  modifiedMs: number;
}

export type StabilityDecision =
  | { action: 'read' }
  /** Look again after `ms`. */
  | { action: 'wait'; ms: number }
  /** Still changing after as long as the caller will wait: leave it for the next run. */
  | { action: 'give_up' };

export interface StabilityInput {
  /** The earlier look, if any. */
  previous: Look | null;
  current: Look;
  nowMs: number;
  windowMs: number;
  /** When the caller first looked; waiting stops `maxWaitMs` after it. */
  firstLookMs: number;
  maxWaitMs: number;
}

function sameLook(a: Look, b: Look): boolean {
  return a.size === b.size && a.version === b.version && a.modifiedMs === b.modifiedMs;
}

export function stabilityDecision(input: StabilityInput): StabilityDecision {
  const { previous, current, nowMs, windowMs } = input;
  const age = nowMs - current.modifiedMs;
  // Old enough: nothing has touched it for a whole window.
  if (age >= windowMs) return { action: 'read' };
  // Unchanged across two looks a window apart (also covers a server clock ahead of ours).
  if (previous && sameLook(previous, current)) return { action: 'read' };
  const ms = Math.max(50, Math.min(windowMs - age, windowMs));
  if (nowMs + ms - input.firstLookMs > input.maxWaitMs) return { action: 'give_up' };
  return { action: 'wait', ms };
}
