/**
 * Checks a zip (xlsx) container before anything inflates it: SheetJS unpacks every part eagerly, so a
 * zip bomb or a lying header must be refused here, from the central directory alone.
 */
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
   * The bytes to hand to the unzipper: the input itself, or a copy whose local headers carry the sizes
   * checked here (parts written with a trailing data descriptor have zero sizes in their local header,
   * and SheetJS would then inflate them without any bound).
   */
  bytes: Uint8Array;
}

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
  const patches: Patch[] = [];
  const names = walk(bytes, { limits, patches }, fileName);
  if (patches.length === 0) return { names, bytes };
  const copy = bytes.slice();
  const view = new DataView(copy.buffer, copy.byteOffset, copy.byteLength);
  for (const p of patches) {
    view.setUint16(p.local + 6, view.getUint16(p.local + 6, true) & ~8, true);
    view.setUint32(p.local + 18, p.compressed, true);
    view.setUint32(p.local + 22, p.uncompressed, true);
  }
  return { names, bytes: copy };
}

interface Patch {
  local: number;
  compressed: number;
  uncompressed: number;
}

function walk(bytes: Uint8Array, check: { limits: Limits; patches: Patch[] } | null, fileName: string): string[] {
  const damaged = (why: string): never =>
    fail(
      'file.unreadable',
      fileName,
      `${quoted(fileName)} could not be read: the file is truncated or damaged (${why}). Save it again from Excel and upload the new copy.`,
    );
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
    const local = view.getUint32(p + 42, true);
    const name = latin1(bytes.subarray(p + CENTRAL_SIZE, Math.min(eocd, p + CENTRAL_SIZE + nameLength)));
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
    if (localCompressed === compressed && localDeclared === declared) continue;
    if (localFlags & 8) check.patches.push({ local, compressed, uncompressed: declared });
    else damaged(`part ${name} has two different sizes`);
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
