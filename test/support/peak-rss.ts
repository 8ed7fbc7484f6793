/** Peak memory of a child process (the bench children, the memory tests' children). */
import { readFileSync } from 'node:fs';

/**
 * This process's own peak RSS. Linux carries the parent's resident set over into a spawned child's
 * `maxRSS` (a child of a 400 MB process reports at least 400 MB), so read the high-water mark of this
 * process's own memory, VmHWM, where there is one.
 */
export function peakRssMb(): number {
  try {
    const hwm = /^VmHWM:\s*(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}
