import { sharedArray } from './shared-array.js';

/**
 * A list of strings as bytes in shared memory, for lists every thread of a build reads (run ids,
 * page names): sent to a thread, it is not copied, and a string is made only while it is used.
 * Each string is kept exactly: as Latin-1 when every code unit is below 256 (one byte each), else
 * as UTF-16 (two bytes each, lone surrogates included), which `wide` marks.
 */
export interface SharedTexts {
  bytes: Uint8Array;
  /** String i runs from `ends[i - 1]` (or 0) to `ends[i]`. */
  ends: Int32Array;
  /** 1 where string i is UTF-16. */
  wide: Uint8Array;
}

/** Code units that Latin-1 cannot hold: a text with none is written one byte a code unit. */
export const WIDE = /[^\u0000-\u00ff]/;

/** `joined`: `list.join('')`, when the caller made it already. */
export function sharedTexts(list: readonly string[], joined = list.join('')): SharedTexts {
  const n = list.length;
  const ends = sharedArray(Int32Array, n);
  const wide = sharedArray(Uint8Array, n);
  // All Latin-1 (page names, most ids): their bytes one after another, written at once.
  if (!WIDE.test(joined)) {
    let at = 0;
    for (let i = 0; i < n; i++) ends[i] = at += list[i]!.length;
    const bytes = sharedArray(Uint8Array, joined.length);
    Buffer.from(bytes.buffer).write(joined, 0, 'latin1');
    return { bytes, ends, wide };
  }
  let length = 0;
  for (let i = 0; i < n; i++) {
    const s = list[i]!;
    if (WIDE.test(s)) wide[i] = 1;
    length += wide[i] === 1 ? 2 * s.length : s.length;
    ends[i] = length;
  }
  const bytes = sharedArray(Uint8Array, length);
  const buffer = Buffer.from(bytes.buffer);
  for (let i = 0; i < n; i++) buffer.write(list[i]!, i === 0 ? 0 : ends[i - 1]!, wide[i] === 1 ? 'utf16le' : 'latin1');
  return { bytes, ends, wide };
}

/** A Buffer over each list's bytes, made once: a page reads two lists in turn (ids and names). */
const views = new WeakMap<Uint8Array, Buffer>();

/** String `i` of the list. */
export function sharedTextAt(t: SharedTexts, i: number): string {
  if (!(i >= 0 && i < t.ends.length)) throw new Error(`no string number ${i} in a list of ${t.ends.length}`);
  let buffer = views.get(t.bytes);
  if (buffer === undefined) {
    buffer = Buffer.from(t.bytes.buffer, t.bytes.byteOffset, t.bytes.byteLength);
    views.set(t.bytes, buffer);
  }
  return buffer.toString(t.wide[i] === 1 ? 'utf16le' : 'latin1', i === 0 ? 0 : t.ends[i - 1]!, t.ends[i]!);
}

/** String `i` of the list as it is kept: its bytes (a view, not a copy), and whether they are UTF-16. */
export function sharedTextBytes(t: SharedTexts, i: number): { bytes: Uint8Array; wide: boolean } {
  if (!(i >= 0 && i < t.ends.length)) throw new Error(`no string number ${i} in a list of ${t.ends.length}`);
  return { bytes: t.bytes.subarray(i === 0 ? 0 : t.ends[i - 1]!, t.ends[i]!), wide: t.wide[i] === 1 };
}
