/**
 * Text read from bytes: lines are scanned as UTF-8 bytes (faster than as a string, and without
 * decoding lines that are never needed whole), and only the values kept are made into strings.
 */

/** The hash the line scanner computes over a value's bytes; for ASCII text it is the hash of its string. */
export function hashOf(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** Whether the ASCII string `known` is the bytes `b[start, end)`. */
export function sameAscii(known: string, b: Buffer, start: number, end: number): boolean {
  if (known.length !== end - start) return false;
  for (let k = 0; k < known.length; k++) if (known.charCodeAt(k) !== b[start + k]) return false;
  return true;
}

// A view of the bytes last read four at a time (a thread reads one buffer after another).
let viewed: Buffer | null = null;
let view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));

/** A DataView of `b`, for reading its bytes four at a time (made again only for another buffer). */
export function viewOf(b: Buffer): DataView<ArrayBufferLike> {
  if (b !== viewed) {
    viewed = b;
    view = new DataView(b.buffer, b.byteOffset, b.length);
  }
  return view;
}

/** Whether `b[start, start + n)` holds the bytes `known[at, at + n)`, `knownView` being a DataView of `known` (compared four at a time). */
export function sameBytes(b: Buffer, start: number, known: Uint8Array, knownView: DataView<ArrayBufferLike>, at: number, n: number): boolean {
  const v = viewOf(b);
  let k = 0;
  for (; k + 4 <= n; k += 4) if (v.getUint32(start + k) !== knownView.getUint32(at + k)) return false;
  for (; k < n; k++) if (b[start + k] !== known[at + k]) return false;
  return true;
}

/** The text of `b[start, end)`, `wide` when it holds bytes above ASCII (UTF-8, invalid bytes replaced as a decoder does). */
export function textOf(b: Buffer, start: number, end: number, wide: boolean): string {
  return b.toString(wide ? 'utf8' : 'latin1', start, end);
}

/**
 * The string of a JSON string's bytes `b[start, end)` (between its quotes) that hold escapes,
 * checked by the scan to be JSON's: what JSON.parse of the line gives for it. The line's bytes are
 * decoded as UTF-8 from quote to quote, as the full path decodes the whole line: the same
 * characters, as UTF-8 starts again at every byte below 0x80.
 */
export function escapedText(b: Buffer, start: number, end: number): string {
  return JSON.parse(b.toString('utf8', start - 1, end + 1)) as string;
}

/**
 * Strings made from bytes, remembered by hash: the names in a trace (agents, models, run ids)
 * repeat from line to line, so most are made once. Fixed size: a slot holds the last string
 * that hashed to it.
 */
export class TextCache {
  private readonly slots: (string | undefined)[];
  private readonly mask: number;

  constructor(bits = 12) {
    this.slots = new Array<string | undefined>(1 << bits);
    this.mask = (1 << bits) - 1;
  }

  /** The string of the ASCII bytes `b[start, end)` whose hash is `hash`. */
  ascii(b: Buffer, start: number, end: number, hash: number): string {
    const p = hash & this.mask;
    const known = this.slots[p];
    if (known !== undefined && sameAscii(known, b, start, end)) return known;
    const text = b.toString('latin1', start, end);
    this.slots[p] = text;
    return text;
  }
}
