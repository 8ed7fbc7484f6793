/**
 * Every corpus file must produce what expected.json says (kind, sheet, header row, layout, mapping,
 * line count, exact total, sample lines, issues at their rows). The expectations are read from the
 * fixture, never copied into code.
 */
import { describe, expect, it } from 'vitest';
import { analyzeWorkbook, type Analysis } from '@budget-sync/core';
import { readWorkbook } from '@budget-sync/core/readers';
import { corpusBytes, expectedCorpus } from '../support/corpus.ts';

const cases = expectedCorpus();

function analyze(file: string, fiscalYearStartMonth = 1): Analysis {
  return analyzeWorkbook(readWorkbook(corpusBytes(file), file), { fiscalYearStartMonth });
}

describe('corpus: every file gives the analysis expected.json describes', () => {
  it('has the twelve corpus files', () => {
    expect(cases.length).toBeGreaterThanOrEqual(12);
  });

  for (const exp of cases) {
    describe(exp.file, () => {
      const a = analyze(exp.file, exp.fiscalYearStartMonth ?? 1);

      it(`is recognized as ${exp.kind}, with reasons`, () => {
        expect(a.kind.kind).toBe(exp.kind);
        expect(a.kind.reasons.length).toBeGreaterThan(0);
        expect(a.kind.confidence).toBeGreaterThan(0.5);
      });

      it(`is ${exp.importable === false ? 'refused' : 'importable'}`, () => {
        expect(a.stats.importable).toBe(exp.importable ?? true);
      });

      if (exp.sheet !== undefined) it(`chooses sheet "${exp.sheet}"`, () => expect(a.sheet).toBe(exp.sheet));
      if (exp.headerRow !== undefined) it(`finds the header on row ${exp.headerRow}`, () => expect(a.headerRow).toBe(exp.headerRow));
      if (exp.layout !== undefined) it(`reads a ${exp.layout} layout`, () => expect(a.layout).toBe(exp.layout));
      if (exp.currency !== undefined) {
        it(`finds currency ${exp.currency}`, () => {
          expect(a.currency.value).toBe(exp.currency);
          for (const l of a.lines) expect(l.currency).toBe(exp.currency);
        });
      }
      if (exp.mapping !== undefined) {
        it('maps each expected field to its column', () => {
          for (const [field, header] of Object.entries(exp.mapping ?? {})) {
            const entry = a.mapping.find((m) => m.field === field && m.period === undefined);
            expect(entry, `field ${field}`).toBeDefined();
            expect(entry?.header).toBe(header);
            expect(entry?.confidence).toBeGreaterThan(0);
            expect(entry?.reason.length).toBeGreaterThan(0);
          }
        });
      }
      if (exp.lines !== undefined) {
        it(`produces ${exp.lines} lines totalling ${exp.total}`, () => {
          expect(a.lines.length).toBe(exp.lines);
          expect(a.stats.lines).toBe(exp.lines);
          expect(a.stats.total).toBe(exp.total);
        });
      }
      for (const s of exp.sample ?? []) {
        it(`has the line of row ${s.row}${s.period ? ` for ${s.period}` : ''}`, () => {
          const line = a.lines.find((l) => l.sourceRow === s.row && (s.period === undefined || l.period === s.period));
          expect(line, `row ${s.row}`).toBeDefined();
          for (const key of ['department', 'category', 'project', 'period', 'fiscalYear', 'amount'] as const) {
            if (s[key] !== undefined) expect(line?.[key], key).toBe(s[key]);
          }
        });
      }
      for (const i of exp.issues ?? []) {
        it(`reports ${i.code}${i.row !== undefined ? ` at row ${i.row}` : ''}`, () => {
          const found = a.issues.find((x) => x.code === i.code && (i.row === undefined || x.row === i.row));
          expect(found, `${i.code} @ ${i.row}`).toBeDefined();
          if (i.severity) expect(found?.severity).toBe(i.severity);
          expect(found?.message.length).toBeGreaterThan(10);
        });
      }
      if ((exp.importable ?? true) && (exp.issues ?? []).length === 0) {
        it('reports no errors or warnings', () => {
          expect(a.issues.filter((i) => i.severity !== 'info')).toEqual([]);
        });
      }
    });
  }
});
