/** Fixture builders for the reader tests: workbooks via SheetJS, zips by hand, and error capture. */
import { crc32, deflateRawSync } from 'node:zlib';
import * as XLSX from '@e965/xlsx';
import { expect } from 'vitest';
import { FileReadError, type FileErrorCode } from '@budget-sync/core/readers';
import type { Row, SheetSource, Workbook } from '../../../core/src/workbook.ts';

export interface SheetSpec {
  name: string;
  rows?: unknown[][];
  cells?: Record<string, XLSX.CellObject>;
  merges?: string[];
  hidden?: 0 | 1 | 2;
  ref?: string;
}

/** A workbook written by SheetJS, as bytes. */
export function makeWorkbook(sheets: SheetSpec[], bookType: XLSX.BookType = 'xlsx'): Uint8Array {
  const wb = XLSX.utils.book_new();
  for (const spec of sheets) {
    const ws = XLSX.utils.aoa_to_sheet(spec.rows ?? [[]]);
    for (const [addr, cell] of Object.entries(spec.cells ?? {})) ws[addr] = cell;
    if (spec.merges) ws['!merges'] = spec.merges.map((m) => XLSX.utils.decode_range(m));
    ws['!ref'] = spec.ref ?? ws['!ref'];
    XLSX.utils.book_append_sheet(wb, ws, spec.name);
  }
  wb.Workbook = { Sheets: sheets.map((s) => ({ name: s.name, Hidden: s.hidden ?? 0 })) };
  return new Uint8Array(XLSX.write(wb, { type: 'array', bookType }) as ArrayBuffer);
}

/** Every row a sheet visits, in order. */
export function allRows(sheet: SheetSource | undefined): Row[] {
  if (!sheet) throw new Error('no such sheet');
  const rows: Row[] = [];
  sheet.scan((row, i) => {
    if (i !== rows.length) throw new Error(`row index ${i} visited after ${rows.length} rows`);
    rows.push(row);
  });
  return rows;
}

export function sheetNamed(wb: Workbook, name: string): SheetSource {
  const sheet = wb.sheets.find((s) => s.name === name);
  if (!sheet) throw new Error(`no sheet ${name} in ${wb.sheets.map((s) => s.name).join(', ')}`);
  return sheet;
}

/** Runs `fn`, expects a FileReadError with `code`, and returns it (with how long `fn` took). */
export function expectFileError(fn: () => unknown, code: FileErrorCode): FileReadError & { ms: number } {
  const start = performance.now();
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  const ms = performance.now() - start;
  expect(caught, `expected FileReadError ${code}`).toBeInstanceOf(FileReadError);
  const err = caught as FileReadError;
  expect(err.code).toBe(code);
  expect(err.message).not.toMatch(/\n\s+at /); // no stack in the message
  return Object.assign(err, { ms });
}

export const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

export function latin1(text: string): Uint8Array {
  return Uint8Array.from(text, (ch) => {
    const code = ch.charCodeAt(0);
    if (code > 0xff) throw new Error(`not latin1: ${ch}`);
    return code;
  });
}

export function utf16(text: string, order: 'le' | 'be', bom: boolean): Uint8Array {
  const out = new Uint8Array((text.length + (bom ? 1 : 0)) * 2);
  const all = (bom ? '\uFEFF' : '') + text;
  for (let i = 0; i < all.length; i++) {
    const code = all.charCodeAt(i);
    out[i * 2 + (order === 'le' ? 0 : 1)] = code & 0xff;
    out[i * 2 + (order === 'le' ? 1 : 0)] = code >> 8;
  }
  return out;
}

/** A fixed-seed generator (mulberry32), for "random" bytes that are the same on every run. */
export function seededBytes(length: number, seed: number): Uint8Array {
  let a = seed >>> 0;
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) & 0xff;
  }
  return out;
}

export interface ZipPart {
  name: string;
  /** Stored bytes (already deflated when `method` is 8). */
  data: Uint8Array;
  /** Size the headers declare once unpacked. */
  uncompressedSize: number;
  method?: 0 | 8;
  crc?: number;
  /** Write sizes as zero in the local header and put them in a data descriptor after the data. */
  dataDescriptor?: boolean;
}

/** A zip built by hand, so its headers can say anything. */
export function makeZip(parts: ZipPart[]): Uint8Array {
  const chunks: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  const push = (b: Uint8Array): void => {
    chunks.push(b);
    offset += b.length;
  };
  for (const part of parts) {
    const name = encode(part.name);
    const method = part.method ?? 8;
    const crc = part.crc ?? 0;
    const dd = part.dataDescriptor ?? false;
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(4, 20, true);
    local.setUint16(6, dd ? 8 : 0, true);
    local.setUint16(8, method, true);
    local.setUint32(14, dd ? 0 : crc, true);
    local.setUint32(18, dd ? 0 : part.data.length, true);
    local.setUint32(22, dd ? 0 : part.uncompressedSize, true);
    local.setUint16(26, name.length, true);
    const localOffset = offset;
    push(new Uint8Array(local.buffer));
    push(name);
    push(part.data);
    if (dd) {
      const desc = new DataView(new ArrayBuffer(16));
      desc.setUint32(0, 0x08074b50, true);
      desc.setUint32(4, crc, true);
      desc.setUint32(8, part.data.length, true);
      desc.setUint32(12, part.uncompressedSize, true);
      push(new Uint8Array(desc.buffer));
    }
    const cd = new DataView(new ArrayBuffer(46));
    cd.setUint32(0, 0x02014b50, true);
    cd.setUint16(4, 20, true);
    cd.setUint16(6, 20, true);
    cd.setUint16(8, dd ? 8 : 0, true);
    cd.setUint16(10, method, true);
    cd.setUint32(16, crc, true);
    cd.setUint32(20, part.data.length, true);
    cd.setUint32(24, part.uncompressedSize, true);
    cd.setUint16(28, name.length, true);
    cd.setUint32(42, localOffset, true);
    central.push(new Uint8Array(cd.buffer), name);
  }
  const cdStart = offset;
  for (const c of central) push(c);
  const eocd = new DataView(new ArrayBuffer(22));
  eocd.setUint32(0, 0x06054b50, true);
  eocd.setUint16(8, parts.length, true);
  eocd.setUint16(10, parts.length, true);
  eocd.setUint32(12, offset - cdStart, true);
  eocd.setUint32(16, cdStart, true);
  push(new Uint8Array(eocd.buffer));
  const out = new Uint8Array(offset);
  let p = 0;
  for (const c of chunks) {
    out.set(c, p);
    p += c.length;
  }
  return out;
}

/**
 * A zip bomb whose headers lie: its sheet part is a real deflate stream of `zeros` bytes of zeros, while
 * its local header and its directory entry both declare `declared` bytes.
 */
export function lyingZipBomb(zeros: number, declared = 900 * 1000): Uint8Array {
  return makeZip([
    deflatedPart('[Content_Types].xml', encode('<Types/>')),
    { name: 'xl/worksheets/sheet1.xml', data: new Uint8Array(deflateRawSync(new Uint8Array(zeros))), uncompressedSize: declared },
  ]);
}

/** A real, deflated zip part. */
export function deflatedPart(name: string, content: Uint8Array, dataDescriptor = false): ZipPart {
  return {
    name,
    data: new Uint8Array(deflateRawSync(content)),
    uncompressedSize: content.length,
    crc: crc32(content),
    dataDescriptor,
  };
}

interface CfbFile {
  FullPaths: string[];
  FileIndex: { type: number; content?: Uint8Array | number[] }[];
}
interface CfbApi {
  read(data: Uint8Array, opts: { type: 'array' }): CfbFile;
  write(cfb: unknown, opts: { type: 'array' }): ArrayBuffer | number[];
  utils: { cfb_new(): unknown; cfb_add(cfb: unknown, name: string, content: Uint8Array): unknown };
}
export const CFB = XLSX.CFB as CfbApi;

/** The parts of a zip (SheetJS's CFB library reads zips too), for rebuilding it another way. */
export function zipParts(bytes: Uint8Array): { name: string; content: Uint8Array }[] {
  const zip = CFB.read(bytes, { type: 'array' });
  const root = zip.FullPaths[0] ?? '';
  const parts: { name: string; content: Uint8Array }[] = [];
  zip.FileIndex.forEach((entry, i) => {
    if (entry.type !== 2 || !entry.content) return;
    parts.push({ name: (zip.FullPaths[i] ?? '').slice(root.length), content: Uint8Array.from(entry.content) });
  });
  return parts;
}
