/**
 * Checks a zip (xlsx) container and unpacks it ourselves before SheetJS sees it. The central directory's
 * sizes are checked first (a bomb that admits its size is refused before any inflating); then every part
 * is inflated with a byte counter that stops at the size the directory declared, so a part whose headers
 * lie (900 kB declared, gigabytes of zeros inside) is refused after at most that many bytes plus one
 * slice, instead of SheetJS inflating all of it (its inflate keeps decoding past a too-small buffer).
 * SheetJS then reads a rebuilt zip of stored (uncompressed) parts and inflates nothing itself.
 * Pure JavaScript (fflate's streaming inflate): the same in Node, Workers, browsers and Apps Script.
 */
import { Inflate } from 'fflate';
import { type Limits, fail, formatCount, formatSize, quoted } from './options.ts';

const EOCD_SIG = 0x06054b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;
const EOCD_SIZE = 22;
const CENTRAL_SIZE = 46;
const LOCAL_SIZE = 30;
/** An xlsx has a few dozen parts; ten thousand is already absurd. */
export const MAX_ZIP_ENTRIES = 10_000;
/** Ratios are only judged for parts (and files) that unpack to more than this. */
const RATIO_FLOOR = 1024 * 1024;
/** A size field of 0xFFFFFFFF means "see the ZIP64 extra field": at least 4 GiB, beyond any limit we allow. */
const ZIP64_MARK = 0xffffffff;

export interface ZipCheck {
  /** Part names as listed in the central directory. */
  names: string[];
  /**
   * The bytes to hand to SheetJS: a zip of the same parts, each stored uncompressed after it was inflated
   * here within the size its directory entry declared (so SheetJS has nothing left to inflate).
   */
  bytes: Uint8Array;
}

/**
 * How much packed data the inflater is fed at a time. The first slice is small; then each slice is sized
 * from the part's ratio so far so that one push yields about PUSH_OUTPUT bytes: large slices for XML
 * (few pushes: 16 KB slices throughout cost twice SheetJS's own unpacking time), 4 KB ones for a stream of
 * zeros (at most ~4 MB out of one push, so a bomb is stopped within that of its declared size and the
 * inflater's buffer stays small, also inside a 128 MB Worker).
 */
const MIN_SLICE = 4 * 1024;
const MAX_SLICE = 1024 * 1024;
const PUSH_OUTPUT = 4 * 1024 * 1024;

export function isZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

function findEndOfCentralDirectory(bytes: Uint8Array): number {
  const lowest = Math.max(0, bytes.length - EOCD_SIZE - 0xffff);
  for (let i = bytes.length - EOCD_SIZE; i >= lowest; i--) {
    if (bytes[i] === 0x50 && bytes[i + 1] === 0x4b && bytes[i + 2] === 0x05 && bytes[i + 3] === 0x06) return i;
  }
  return -1;
}

const latin1 = (bytes: Uint8Array): string => {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
};

/** Part names of a zip, or `null` when the central directory cannot be read (no checks, never throws). */
export function listZipNames(bytes: Uint8Array): string[] | null {
  try {
    return walk(bytes, null, '');
  } catch {
    return null;
  }
}

export function checkZip(bytes: Uint8Array, fileName: string, limits: Limits): ZipCheck {
  const parts: Part[] = [];
  const names = walk(bytes, { limits, parts }, fileName);
  return { names, bytes: storedZip(bytes, parts, fileName) };
}

/** A part as the central directory lists it, with where its data starts. */
interface Part {
  name: string;
  nameBytes: Uint8Array;
  method: number;
  crc: number;
  compressed: number;
  declared: number;
  dataStart: number;
}

const damagedFile = (fileName: string, why: string): never =>
  fail(
    'file.unreadable',
    fileName,
    `${quoted(fileName)} could not be read: the file is truncated or damaged (${why}). Save it again from Excel and upload the new copy.`,
  );

function walk(bytes: Uint8Array, check: { limits: Limits; parts: Part[] } | null, fileName: string): string[] {
  const damaged = (why: string): never => damagedFile(fileName, why);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const eocd = findEndOfCentralDirectory(bytes);
  if (eocd < 0 || view.getUint32(eocd, true) !== EOCD_SIG) damaged('its table of contents is missing');
  const count = view.getUint16(eocd + 10, true);
  const dirSize = view.getUint32(eocd + 12, true);
  const dirStart = view.getUint32(eocd + 16, true);
  if (check && count > MAX_ZIP_ENTRIES) {
    fail(
      'file.zip_bomb',
      fileName,
      `${quoted(fileName)} declares ${formatCount(count)} parts inside its zip container (an Excel workbook has a few dozen); refused before unpacking.`,
    );
  }
  if (dirStart + dirSize > eocd) damaged('its table of contents points past the end of the file');

  const names: string[] = [];
  let totalUncompressed = 0;
  let worst: { name: string; compressed: number; uncompressed: number } | null = null;
  let p = dirStart;
  for (let i = 0; i < count; i++) {
    if (p + CENTRAL_SIZE > eocd || view.getUint32(p, true) !== CENTRAL_SIG) damaged('its table of contents is cut short');
    const flags = view.getUint16(p + 8, true);
    const method = view.getUint16(p + 10, true);
    const compressed = view.getUint32(p + 20, true);
    const declared = view.getUint32(p + 24, true);
    const nameLength = view.getUint16(p + 28, true);
    const extraLength = view.getUint16(p + 30, true);
    const commentLength = view.getUint16(p + 32, true);
    const crc = view.getUint32(p + 16, true);
    const local = view.getUint32(p + 42, true);
    const nameBytes = bytes.subarray(p + CENTRAL_SIZE, Math.min(eocd, p + CENTRAL_SIZE + nameLength));
    const name = latin1(nameBytes);
    names.push(name);
    p += CENTRAL_SIZE + nameLength + extraLength + commentLength;
    if (!check) continue;

    if (flags & 1) {
      fail(
        'file.encrypted',
        fileName,
        `${quoted(fileName)} is encrypted. Remove the password (in Excel: File > Info > Protect Workbook > Encrypt with Password, clear it), save, and upload it again.`,
      );
    }
    if (method !== 0 && method !== 8) damaged(`part ${name} uses a compression method Excel does not write`);
    const uncompressed = declared === ZIP64_MARK ? 2 ** 32 : declared;
    totalUncompressed += uncompressed;
    if (uncompressed > RATIO_FLOOR && uncompressed > Math.max(compressed, 1) * check.limits.maxCompressionRatio) {
      if (!worst || uncompressed / Math.max(compressed, 1) > worst.uncompressed / Math.max(worst.compressed, 1)) {
        worst = { name, compressed, uncompressed };
      }
    }

    // SheetJS trusts the local header: it must agree with what was checked above.
    if (local + LOCAL_SIZE > bytes.length || view.getUint32(local, true) !== LOCAL_SIG) {
      damaged(`part ${name} is missing`);
    }
    const localFlags = view.getUint16(local + 6, true);
    const localCompressed = view.getUint32(local + 18, true);
    const localDeclared = view.getUint32(local + 22, true);
    const dataStart = local + LOCAL_SIZE + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    if (compressed !== ZIP64_MARK && dataStart + compressed > bytes.length) damaged(`part ${name} is cut short`);
    // Parts written with a trailing data descriptor have zero sizes in their local header.
    if ((localCompressed !== compressed || localDeclared !== declared) && !(localFlags & 8)) {
      damaged(`part ${name} has two different sizes`);
    }
    check.parts.push({ name, nameBytes, method, crc, compressed, declared, dataStart });
  }
  if (!check) return names;

  const { maxUncompressedBytes, maxCompressionRatio } = check.limits;
  const bomb = (detail: string): never =>
    fail(
      'file.zip_bomb',
      fileName,
      `${quoted(fileName)} declares ${formatSize(totalUncompressed)} uncompressed from a ${formatSize(bytes.length)} file${detail}; refused before unpacking.`,
    );
  if (totalUncompressed > maxUncompressedBytes) bomb(` (the limit is ${formatSize(maxUncompressedBytes)})`);
  if (worst) {
    const ratio = Math.round(worst.uncompressed / Math.max(worst.compressed, 1));
    bomb(
      ` (its part ${worst.name} unpacks ${formatCount(ratio)} times larger than it is stored; the limit is ${formatCount(maxCompressionRatio)} times)`,
    );
  }
  if (totalUncompressed > RATIO_FLOOR && totalUncompressed > bytes.length * maxCompressionRatio) {
    bomb(` (more than ${formatCount(maxCompressionRatio)} times its size)`);
  }
  return names;
}

/**
 * Inflates every part within its declared size and writes them, stored, into one new zip: local header
 * and data per part, then the central directory and its end record. A part that inflates to more than it
 * declared is a bomb; one that cannot be inflated is damaged.
 */
function storedZip(bytes: Uint8Array, parts: Part[], fileName: string): Uint8Array {
  let size = EOCD_SIZE;
  for (const part of parts) size += LOCAL_SIZE + CENTRAL_SIZE + 2 * part.nameBytes.length + part.declared;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  const offsets: number[] = [];
  const lengths: number[] = [];
  let at = 0;
  for (const part of parts) {
    offsets.push(at);
    const dataAt = at + LOCAL_SIZE + part.nameBytes.length;
    const data = bytes.subarray(part.dataStart, part.dataStart + part.compressed);
    const length =
      part.method === 0
        ? copyStored(data, out, dataAt, part.declared)
        : inflateInto(
            data,
            out,
            dataAt,
            part.declared,
            () => lyingPart(fileName, part),
            () => damagedFile(fileName, `part ${part.name} cannot be unpacked`),
          );
    lengths.push(length);
    view.setUint32(at, LOCAL_SIG, true);
    view.setUint16(at + 4, 20, true);
    view.setUint32(at + 14, part.crc, true);
    view.setUint32(at + 18, length, true);
    view.setUint32(at + 22, length, true);
    view.setUint16(at + 26, part.nameBytes.length, true);
    out.set(part.nameBytes, at + LOCAL_SIZE);
    // A part shorter than declared (a sloppy writer) just takes less room: the next one starts after it.
    at = dataAt + length;
  }
  const dirStart = at;
  parts.forEach((part, i) => {
    view.setUint32(at, CENTRAL_SIG, true);
    view.setUint16(at + 4, 20, true);
    view.setUint16(at + 6, 20, true);
    view.setUint32(at + 16, part.crc, true);
    view.setUint32(at + 20, lengths[i] as number, true);
    view.setUint32(at + 24, lengths[i] as number, true);
    view.setUint16(at + 28, part.nameBytes.length, true);
    view.setUint32(at + 42, offsets[i] as number, true);
    out.set(part.nameBytes, at + CENTRAL_SIZE);
    at += CENTRAL_SIZE + part.nameBytes.length;
  });
  view.setUint32(at, EOCD_SIG, true);
  view.setUint16(at + 8, parts.length, true);
  view.setUint16(at + 10, parts.length, true);
  view.setUint32(at + 12, at - dirStart, true);
  view.setUint32(at + 16, dirStart, true);
  return out.subarray(0, at + EOCD_SIZE);
}

function copyStored(data: Uint8Array, out: Uint8Array, at: number, declared: number): number {
  const length = Math.min(data.length, declared);
  out.set(data.subarray(0, length), at);
  return length;
}

/**
 * Inflates `data` into `out` at `at`, counting what comes out: the inflater is fed a slice at a time, and
 * the first output past `limit` stops it (`tooLarge` throws). Returns the number of bytes inflated.
 */
function inflateInto(data: Uint8Array, out: Uint8Array, at: number, limit: number, tooLarge: () => never, broken: () => never): number {
  let written = 0;
  let over = false;
  const inflater = new Inflate((chunk) => {
    if (written + chunk.length > limit) {
      over = true;
      return;
    }
    out.set(chunk, at + written);
    written += chunk.length;
  });
  try {
    let slice = MIN_SLICE;
    for (let i = 0; i < data.length && !over; ) {
      const end = Math.min(data.length, i + slice);
      inflater.push(data.subarray(i, end), end === data.length);
      i = end;
      const ratio = Math.max(1, written / i);
      slice = Math.min(MAX_SLICE, Math.max(MIN_SLICE, Math.floor(PUSH_OUTPUT / ratio)));
    }
  } catch {
    if (!over) broken();
  }
  if (over) tooLarge();
  return written;
}

function lyingPart(fileName: string, part: Part): never {
  return fail(
    'file.zip_bomb',
    fileName,
    `${quoted(fileName)} is a zip bomb: its part ${part.name} unpacks to more than the ${formatSize(part.declared)} its headers declare, the limit for that part (unpacking stopped there). Save the workbook again from Excel and upload the new copy.`,
  );
}
