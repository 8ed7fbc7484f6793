/**
 * Duplicate line keys (department, category, project, period — case-insensitive) among a million lines,
 * in 8 bytes a line and without a Map per key. Labels and periods are numbers (labels.ts keys, period
 * numbers here); each department/category/project triple gets a number once, with a bit per period it has
 * (the first 31 periods a file names) and a chain through its lines, newest first. A new key costs a few
 * array reads and writes where consecutive rows share a triple (sorted files); a bit already set — or a
 * 32nd period — walks the triple's chain, which holds at most one line per period.
 *
 * Overlapping periods (DESIGN §2, `period.overlap`: a year line and its month lines are two views of one
 * budget) can only occur between two grains (month, fiscal quarter, fiscal year) of one triple: periods of
 * one grain are disjoint. So each triple also keeps a bit per grain it has, and only a line whose triple
 * already has another grain has its chain walked (by the caller, which knows the dates).
 */
import type { PeriodGrain } from '../values/fiscal-calendar.ts';
import { GRAIN_BITS } from './overlap.ts';

const NO_LINE = -1;

export class LineKeys {
  private readonly triples = new Map<number, Map<number, Map<number, number>>>();
  private readonly periods = new Map<string, number>();
  private tripleCount = 0;
  // Sorted files repeat a triple on consecutive rows: remember the last one.
  private lastDept = -1;
  private lastCategory = -1;
  private lastProject = -1;
  private lastTriple = -1;
  /** Per triple: a bit per period number below 31 that it has. */
  private masks = new Int32Array(256);
  /** Per triple: its newest line + 1 (0: none). */
  private newest = new Int32Array(256);
  /** Per triple: a bit per grain it has (GRAIN_BITS). */
  private grains = new Int32Array(256);
  /** Per line: its period number, and the line before it of the same triple + 1 (0: none). */
  private linePeriod = new Int32Array(1024);
  private previous = new Int32Array(1024);
  private lineCount = 0;

  /**
   * The index of the recorded line that already has this key, or NO_LINE (-1) after recording the key
   * as the next line's (lines are numbered 0, 1, 2… in the order they are recorded).
   */
  firstLine(dept: number, category: number, project: number, period: string): number {
    const triple = this.tripleOf(dept, category, project);
    let p = this.periods.get(period);
    if (p === undefined) {
      p = this.periods.size;
      this.periods.set(period, p);
    }
    const bit = p < 31 ? 1 << p : 0;
    if (bit === 0 || ((this.masks[triple] as number) & bit) !== 0) {
      for (let line = (this.newest[triple] as number) - 1; line >= 0; line = (this.previous[line] as number) - 1) {
        if (this.linePeriod[line] === p) return line;
      }
    }
    const line = this.lineCount++;
    if (line === this.linePeriod.length) {
      this.linePeriod = grown(this.linePeriod);
      this.previous = grown(this.previous);
    }
    this.linePeriod[line] = p;
    this.previous[line] = this.newest[triple] as number;
    this.newest[triple] = line + 1;
    this.masks[triple] = (this.masks[triple] as number) | bit;
    return NO_LINE;
  }

  /**
   * Adds `grain` to the grains of the triple of the line recorded last (firstLine returned NO_LINE), and
   * says whether the triple already had another: only then can that line's period overlap an earlier one.
   */
  bringsOtherGrain(grain: PeriodGrain): boolean {
    const bit = GRAIN_BITS[grain];
    const had = this.grains[this.lastTriple] as number;
    this.grains[this.lastTriple] = had | bit;
    return (had & ~bit) !== 0;
  }

  /** The line recorded before `line` with its department, category and project, or NO_LINE (-1). */
  previousOfTriple(line: number): number {
    return (this.previous[line] as number) - 1;
  }

  private tripleOf(dept: number, category: number, project: number): number {
    if (dept === this.lastDept && category === this.lastCategory && project === this.lastProject) return this.lastTriple;
    let byCategory = this.triples.get(dept);
    if (byCategory === undefined) {
      byCategory = new Map();
      this.triples.set(dept, byCategory);
    }
    let byProject = byCategory.get(category);
    if (byProject === undefined) {
      byProject = new Map();
      byCategory.set(category, byProject);
    }
    let triple = byProject.get(project);
    if (triple === undefined) {
      triple = this.tripleCount++;
      byProject.set(project, triple);
      if (triple === this.masks.length) {
        this.masks = grown(this.masks);
        this.newest = grown(this.newest);
        this.grains = grown(this.grains);
      }
    }
    this.lastDept = dept;
    this.lastCategory = category;
    this.lastProject = project;
    this.lastTriple = triple;
    return triple;
  }
}

/** Twice as long, same contents: growth by doubling keeps the copying to one pass in total. */
function grown(array: Int32Array): Int32Array<ArrayBuffer> {
  const next = new Int32Array(array.length * 2);
  next.set(array);
  return next;
}
