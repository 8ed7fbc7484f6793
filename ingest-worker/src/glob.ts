/** Which file names a source takes: its glob, matched against the bare name (no folders), in name order. */
import picomatch from 'picomatch';

/** A matcher for the source's glob; `*` takes every file. Dot files are skipped unless the glob names them. */
export function globMatcher(glob: string): (name: string) => boolean {
  const isMatch = picomatch(glob, { dot: false, nocase: false });
  return (name) => isMatch(name);
}

/** Name order, by code point: the same on every machine, whatever its locale. */
export function byName<T extends { name: string }>(files: readonly T[]): T[] {
  return [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
