import { describe, expect, it } from 'vitest';
import { UuidList, uuidv7 } from '../../db/src/ids.ts';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('UUIDv7 ids', () => {
  it('makes version-7 ids that carry their millisecond and differ in their random bits', () => {
    const at = Date.UTC(2026, 10, 25, 12, 0, 0, 123);
    const list = new UuidList(1000, at);
    const ids = Array.from({ length: list.length }, (_, i) => list.get(i));
    for (const id of ids) {
      expect(id).toMatch(V7);
      expect(Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
    }
    expect(new Set(ids).size).toBe(1000);
    // In the order they were made, though they share a millisecond: new rows land at the end of the index.
    expect([...ids].sort()).toEqual(ids);
    const big = new UuidList(70_000, at);
    for (let i = 1; i < big.length; i++) expect(big.get(i - 1) < big.get(i)).toBe(true);
    // The same id each time it is asked for (it is kept as bytes and turned into text on demand).
    expect(list.get(7)).toBe(ids[7]);
    expect(() => list.get(1000)).toThrow(RangeError);
    const single = uuidv7(at + 1);
    expect(single).toMatch(V7);
    // Time-ordered: a later millisecond sorts after.
    expect(single > (ids.sort().at(-1) as string)).toBe(true);
  });
});
