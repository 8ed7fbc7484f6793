/**
 * Writes a large JSON document to a stream without building it as one string: an analysis of a
 * million-row file has a million lines, more than fits comfortably in one JavaScript string.
 * The `lines` array is written one element per text line, in chunks, honouring back-pressure.
 */
import type { Writable } from 'node:stream';

async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
}

export async function writeJsonWithLines(out: Writable, doc: object & { lines: readonly unknown[] }): Promise<void> {
  const { lines, ...rest } = doc;
  const head = JSON.stringify(rest, null, 2);
  await write(out, `${head.slice(0, -2)},\n  "lines": [`);
  const CHUNK = 5000;
  for (let i = 0; i < lines.length; i += CHUNK) {
    let s = '';
    const end = Math.min(lines.length, i + CHUNK);
    for (let k = i; k < end; k++) s += `${k === 0 ? '' : ','}\n    ${JSON.stringify(lines[k])}`;
    await write(out, s);
  }
  await write(out, `${lines.length > 0 ? '\n  ' : ''}]\n}\n`);
}
