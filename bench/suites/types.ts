export interface Metric {
  name: string;
  value: number;
  unit: string;
  baseline?: number;
  ratio?: number;
}

/** A benchmark suite: logs progress through `log` (stderr), returns its metrics. */
export type Suite = (log: (line: string) => void) => Promise<Metric[]>;

export const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits;
