import type { BatchTexts, EventBatch } from './event-batch.js';
import type { NumberColumn } from './number-column.js';
import { WIDE } from './shared-texts.js';

/**
 * An event batch as bytes in a file and a description in JSON, and back: a build keeps the
 * batches it read (reuse/kept-events.ts) so that the next build of a grown input reads only what
 * was added. The columns go as they are, each at a multiple of 8 bytes so that it reads back as a
 * view of one buffer (in shared memory, as the reading threads' batches are) without a copy. The
 * batch's strings go as one text: Latin-1 when every code unit is below 256, else UTF-16, so that
 * every string reads back exactly (lone surrogates included).
 */
export interface StoredBatch {
  count: number;
  narrowStride: number;
  wideStride: number;
  /** The wide ids take 32 bits (a table of 65,535 strings or more), else 16. */
  wide32: boolean;
  columns: number[];
  /** The batch has its own line numbers (`EventBatch.lines` not null). */
  lines: boolean;
  times: StoredNumbers;
  amounts: StoredNumbers[];
  texts: boolean;
  /** How the strings' text is stored. */
  strings: 'latin1' | 'utf16le';
  /** The byte length of each part, in the order `batchParts` gives them. */
  sizes: number[];
}

interface StoredNumbers {
  ints: boolean;
  /** As `jsonNumber` writes it. */
  base: number | string;
  divisor: number;
}

/** Each part starts at a multiple of this many bytes. */
export const PART_ALIGN = 8;

/** A number JSON keeps exactly: NaN, the infinities and -0 as strings (JSON has none of them). */
function jsonNumber(x: number): number | string {
  return Number.isFinite(x) && !Object.is(x, -0) ? x : String(x);
}

function numberOf(x: number | string): number {
  return typeof x === 'number' ? x : Number(x);
}

function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function storedNumbers(c: NumberColumn): { stored: StoredNumbers; part: Uint8Array } {
  return { stored: { ints: c.ints !== null, base: jsonNumber(c.base), divisor: c.divisor }, part: bytesOf(c.ints ?? c.floats!) };
}

/** A batch's description and its parts (views of its columns, and its strings' text and ends). */
export function batchParts(b: EventBatch): { stored: StoredBatch; parts: Uint8Array[] } {
  const parts: Uint8Array[] = [];
  if (b.lines !== null) parts.push(bytesOf(b.lines));
  parts.push(bytesOf(b.narrow), bytesOf(b.wide));
  const times = storedNumbers(b.times);
  parts.push(times.part, bytesOf(b.amountBits), bytesOf(b.amountRanks));
  const amounts = b.amounts.map(storedNumbers);
  for (const a of amounts) parts.push(a.part);
  if (b.texts !== null) parts.push(bytesOf(b.texts.events), bytesOf(b.texts.ends), bytesOf(b.texts.bytes));
  const joined = b.table.join('');
  const strings = WIDE.test(joined) ? 'utf16le' : 'latin1';
  const ends = new Int32Array(b.table.length);
  let at = 0;
  b.table.forEach((s, k) => (ends[k] = at += s.length));
  parts.push(bytesOf(ends), Buffer.from(joined, strings));
  const stored: StoredBatch = {
    count: b.count,
    narrowStride: b.narrowStride,
    wideStride: b.wideStride,
    wide32: b.wide instanceof Int32Array,
    columns: Array.from(b.columns),
    lines: b.lines !== null,
    times: times.stored,
    amounts: amounts.map((a) => a.stored),
    texts: b.texts !== null,
    strings,
    sizes: parts.map((p) => p.byteLength),
  };
  return { stored, parts };
}

/** The bytes `sizes` take, each part padded to PART_ALIGN. */
export function storedBytes(sizes: readonly number[]): number {
  return sizes.reduce((sum, n) => sum + padded(n), 0);
}

export function padded(n: number): number {
  return Math.ceil(n / PART_ALIGN) * PART_ALIGN;
}

/**
 * The batch `stored` describes, its columns views of `buffer` from byte `at` (a multiple of
 * PART_ALIGN); throws when the description does not fit the bytes.
 */
export function batchAt(stored: StoredBatch, buffer: ArrayBufferLike, at: number, end: number): EventBatch {
  const sizes = stored.sizes;
  let k = 0;
  let p = at;
  const next = <T>(Kind: { new (b: ArrayBufferLike, offset: number, length: number): T; BYTES_PER_ELEMENT: number }): T => {
    const size = sizes[k++];
    if (size === undefined || size % Kind.BYTES_PER_ELEMENT !== 0 || p + size > end) throw new Error('a stored batch does not fit its bytes');
    const view = new Kind(buffer, p, size / Kind.BYTES_PER_ELEMENT);
    p += padded(size);
    return view;
  };
  const numbers = (s: StoredNumbers): NumberColumn =>
    s.ints ? { ints: next(Int32Array), floats: null, base: numberOf(s.base), divisor: s.divisor } : { ints: null, floats: next(Float64Array), base: numberOf(s.base), divisor: s.divisor };
  const lines = stored.lines ? next(Int32Array) : null;
  const narrow = next(Uint8Array);
  const wide = stored.wide32 ? next(Int32Array) : next(Uint16Array);
  const times = numbers(stored.times);
  const amountBits = next(Uint32Array);
  const amountRanks = next(Int32Array);
  const amounts = stored.amounts.map(numbers);
  const texts: BatchTexts | null = stored.texts ? { events: next(Int32Array), ends: next(Int32Array), bytes: next(Uint8Array) } : null;
  const ends = next(Int32Array);
  const textBytes = next(Uint8Array);
  const text = Buffer.from(textBytes.buffer, textBytes.byteOffset, textBytes.byteLength).toString(stored.strings === 'utf16le' ? 'utf16le' : 'latin1');
  if (k !== sizes.length) throw new Error('a stored batch does not fit its bytes');
  const table = new Array<string>(ends.length);
  let from = 0;
  for (let i = 0; i < ends.length; i++) {
    const to = ends[i]!;
    if (to < from || to > text.length) throw new Error('a stored batch does not fit its bytes');
    table[i] = text.slice(from, to);
    from = to;
  }
  return {
    count: stored.count,
    lines,
    narrow,
    narrowStride: stored.narrowStride,
    wide,
    wideStride: stored.wideStride,
    columns: Int8Array.from(stored.columns),
    times,
    amountBits,
    amountRanks,
    amounts,
    table,
    texts,
  };
}
