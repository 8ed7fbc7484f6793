/**
 * One canonical string per distinct label text in an analysis. A million-row file repeats a few hundred
 * departments, categories, projects and owners: each line points at the one interned string instead of
 * a copy per row, and a label's clean-up (trim, spaces, lower case, total words) is done once per text.
 */
import { cellText, detach, foldAccents } from './normalize.ts';
import { withoutNul } from '../values/text.ts';
import { CJK_TOTAL, TOTAL_WORDS } from './synonyms.ts';
import type { CellValue } from '../workbook.ts';

/** What a label cell says, computed once per distinct text. */
export interface LabelInfo {
  /** Trimmed, inner white space collapsed: what a line holds. */
  readonly text: string;
  readonly total: 'exact' | 'edge' | null;
  /** Number of `text` in lower case (labels that differ only in case share it); -1 until `keyOf` asks. */
  key: number;
  /** The cell held a NUL character (replaced in `text`): no line may carry it. */
  readonly nul: boolean;
}

export const NO_LABEL: LabelInfo = { text: '', total: null, key: 0, nul: false };

/** Distinct texts remembered; past this (a column of unique notes), labels are still cleaned, not kept. */
const MAX_LABELS = 200_000;

const EXACT_TOTAL = /^(?:grand |sub ?|gesamt|zwischen)?(?:total|totals|sum|summe|gesamtsumme|somme|suma|total general|sous total)$/;

/**
 * A label that begins with `=` is the result of the rows above it, as statements write them
 * (`+ Erträge`, `- Aufwendungen`, `= Ergebnis`; `= Net result`): a total, never a line.
 */
const RESULT_MARK = /^=\s*\S/;

function totalLabel(text: string): 'exact' | 'edge' | null {
  if (CJK_TOTAL.test(text)) return text.length <= 6 ? 'exact' : 'edge';
  if (RESULT_MARK.test(text)) return 'exact';
  const s = foldAccents(text.toLowerCase())
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
  if (s === '') return null;
  if (EXACT_TOTAL.test(s)) return 'exact';
  const words = s.split(' ');
  if (words.length > 5) return null;
  const first = words[0] as string;
  const last = words[words.length - 1] as string;
  const isTotal = (w: string) => TOTAL_WORDS.has(w) || w === 'subtotal' || w === 'grand';
  return isTotal(first) || isTotal(last) ? 'edge' : null;
}

export class LabelTable {
  private readonly byRaw = new Map<string, LabelInfo>();
  /** Per column, the cell value asked about last and its label. */
  private readonly lastValue: (CellValue | undefined)[] = [];
  private readonly lastInfo: LabelInfo[] = [];
  // Never capped: two labels must get the same key exactly when they are the same text.
  private readonly keys = new Map<string, number>([['', 0]]);

  /**
   * `info(v)` for a cell of column `col`, reusing the answer for the column's previous cell when it holds
   * the same text: sorted files repeat a label on consecutive rows, and comparing two strings costs less
   * than hashing one for a Map lookup.
   */
  infoAt(col: number, v: CellValue | undefined): LabelInfo {
    if (v === this.lastValue[col] && col < this.lastInfo.length) return this.lastInfo[col] as LabelInfo;
    const info = this.info(v);
    while (this.lastInfo.length <= col) {
      this.lastValue.push(undefined);
      this.lastInfo.push(NO_LABEL);
    }
    this.lastValue[col] = v;
    this.lastInfo[col] = info;
    return info;
  }

  /** The label of a cell (NO_LABEL for an empty one). */
  info(v: CellValue | undefined): LabelInfo {
    if (v === null || v === undefined) return NO_LABEL;
    const raw = typeof v === 'string' ? v : cellText(v);
    const hit = this.byRaw.get(raw);
    if (hit !== undefined) return hit;
    // Cut loose from the parsed text the cell was sliced from, so the table keeps only the label itself.
    const own = detach(raw);
    const nul = own.includes('\u0000');
    const text = withoutNul(own.trim().replace(/\s+/g, ' '));
    const info: LabelInfo = { text, total: typeof v === 'string' ? totalLabel(text) : null, key: -1, nul };
    if (this.byRaw.size < MAX_LABELS) this.byRaw.set(own, info);
    return info;
  }

  /** The label's case-insensitive key (dimension labels only: notes and owners never need one). */
  keyOf(info: LabelInfo): number {
    if (info.key >= 0) return info.key;
    const lower = info.text.toLowerCase();
    let key = this.keys.get(lower);
    if (key === undefined) {
      key = this.keys.size;
      this.keys.set(lower, key);
    }
    info.key = key;
    return key;
  }
}
