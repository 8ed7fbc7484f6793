/** Which pg-boss schedules to add, change or drop so they match the sources' settings. Pure. */

export interface WantedSchedule {
  /** The source id: one schedule per source on the shared queue. */
  key: string;
  cron: string;
  tz: string;
}

export function scheduleChanges(
  wanted: readonly WantedSchedule[],
  existing: readonly WantedSchedule[],
): { upsert: WantedSchedule[]; remove: string[] } {
  const have = new Map(existing.map((s) => [s.key, s]));
  const want = new Set(wanted.map((s) => s.key));
  return {
    upsert: wanted.filter((s) => {
      const e = have.get(s.key);
      return !e || e.cron !== s.cron || e.tz !== s.tz;
    }),
    remove: existing.filter((s) => !want.has(s.key)).map((s) => s.key),
  };
}
