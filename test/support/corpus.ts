/** The shared corpus, copied into test/fixtures/corpus so a clone needs nothing outside itself. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const corpusDir = fileURLToPath(new URL('../fixtures/corpus/', import.meta.url));

export interface ExpectedSample {
  row: number;
  department?: string;
  category?: string;
  project?: string;
  period?: string;
  fiscalYear?: number;
  amount?: string;
}

export interface ExpectedAnalysis {
  file: string;
  kind: string;
  sheet?: string;
  headerRow?: number;
  layout?: 'long' | 'wide';
  currency?: string;
  fiscalYearStartMonth?: number;
  mapping?: Record<string, string>;
  lines?: number;
  total?: string;
  sample?: ExpectedSample[];
  issues?: { code: string; row?: number; severity?: string }[];
  importable?: boolean;
}

export function expectedCorpus(): ExpectedAnalysis[] {
  return JSON.parse(readFileSync(`${corpusDir}expected.json`, 'utf8')) as ExpectedAnalysis[];
}

export function corpusBytes(file: string): Uint8Array {
  return new Uint8Array(readFileSync(`${corpusDir}${file}`));
}
