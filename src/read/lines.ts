import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { InputError } from '../errors.js';
import { takeNativeLine } from '../normalise/flat-line.js';
import { nativeBlock, type NativeBlock, type NativeTable } from '../normalise/native-scan.js';
import { STDIN, type InputFile } from './inputs.js';

const LF = 0x0a;
const CR = 0x0d;
const CHUNK = 1 << 20;

/**
 * Called for every line, as the UTF-8 bytes `bytes[start, end)`, with its 1-based number; CR and
 * a leading byte-order mark are removed. The bytes are only valid during the call.
 */
export type LineHandler = (bytes: Buffer, start: number, end: number, line: number) => void;

const BOM = [0xef, 0xbb, 0xbf];

/** Where a line's text starts: after a byte-order mark, which starts a file or, after `cat a.jsonl b.jsonl`, any line. */
export function afterBom(b: Buffer, start: number, end: number): number {
  return end - start >= 3 && b[start] === BOM[0] && b[start + 1] === BOM[1] && b[start + 2] === BOM[2] ? start + 3 : start;
}

/**
 * The lines of bytes held whole (a byte range of a plain file that starts a line), one after
 * another, split as `readLines` splits a stream: on LF, without a CR before it or a leading
 * byte-order mark. After `next()` returns true, the line numbered `line` (1-based) is
 * `bytes[start, end)`.
 */
export class LineCursor {
  line = 0;
  start = 0;
  end = 0;
  private pos = 0;

  constructor(readonly bytes: Buffer) {}

  next(): boolean {
    const bytes = this.bytes;
    const length = bytes.length;
    const pos = this.pos;
    if (pos >= length) return false;
    let nl = bytes.indexOf(LF, pos);
    this.pos = nl === -1 ? length : nl + 1;
    if (nl === -1) nl = length;
    if (nl > pos && bytes[nl - 1] === CR) nl--;
    this.line++;
    this.start = afterBom(bytes, pos, nl);
    this.end = nl;
    return true;
  }
}

/**
 * What takes the lines the compiled scan read (see native-scan.ts), a block at a time: with a
 * table (a worker's batch, see BatchWriter), the texts' ids are looked up during the scan.
 */
export interface NativeLines {
  table?: NativeTable | null;
  /** Before a block's lines, when it was scanned with the table (needed with one): the texts it added to the table. */
  block?(bytes: Buffer, block: NativeBlock): void;
  /** Line `r` of the block, numbered `line`: false when it must be read in JavaScript after all (it then goes to `onLine`). */
  line(bytes: Buffer, block: NativeBlock, r: number, line: number): boolean;
  /**
   * Lines `from`, `from + 1`, … of the block (up to `count`), numbered on from `line`, taken many
   * at a time where the reader can (the compiled code writes them): how many it took, 0 when
   * line `from` must go to `line` (or `onLine`).
   */
  lines?(bytes: Buffer, block: NativeBlock, from: number, count: number, line: number): number;
}

/** For a reader of events: the flat lines the compiled scan read, as `scanFlatLine` leaves them in `flat`, to `onFlat`. */
export function flatLines(onFlat: LineHandler): NativeLines {
  return {
    line: (bytes, block, r, line) => {
      if (!takeNativeLine(bytes, block, r)) return false;
      onFlat(bytes, block.lines[2 * r]!, block.lines[2 * r + 1]!, line);
      return true;
    },
  };
}

/**
 * Hands over the lines of `bytes`, whole lines held whole (the last may lack its line feed),
 * numbered on from `line`: the flat lines the compiled scan read to `native` (when it is built
 * and `native` is given), every other line to `onLine`. Returns the number of the last line.
 */
export function eachLine(bytes: Buffer, line: number, onLine: LineHandler, native: NativeLines | null): number {
  const block = native ? nativeBlock() : null;
  if (block === null) {
    const lines = new LineCursor(bytes);
    while (lines.next()) onLine(bytes, lines.start, lines.end, line + lines.line);
    return line + lines.line;
  }
  const table = native!.table ?? undefined;
  // Split as LineCursor splits, a block of lines a call.
  let n = line;
  for (let pos = 0; pos < bytes.length; pos = block.next) {
    const count = block.scan(bytes, pos, table);
    if (table) native!.block!(bytes, block);
    n = takeBlock(bytes, block, count, n, onLine, native!);
  }
  return n;
}

/**
 * Hands over the `count` lines of a block, numbered on from `n`; returns the number of the last.
 * A function of its own, called a block at a time: inside `eachLine`, which a thread calls once
 * a chunk, V8 would optimise this loop while it runs and drop that code again at the end of
 * each chunk (see event-batch.ts).
 */
function takeBlock(bytes: Buffer, block: NativeBlock, count: number, n: number, onLine: LineHandler, native: NativeLines): number {
  for (let r = 0; r < count; r++) {
    if (native.lines !== undefined) {
      const taken = native.lines(bytes, block, r, count, n + 1);
      r += taken;
      n += taken;
      if (r === count) break;
    }
    n++;
    if (block.read[r] !== 1 || !native.line(bytes, block, r, n)) onLine(bytes, block.lines[2 * r]!, block.lines[2 * r + 1]!, n);
  }
  return n;
}

async function isGzipFile(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/** A stream read once, in order (standard input, a pipe): gzip is told by its first bytes. */
async function sniffed(source: Readable): Promise<Readable> {
  const chunks = source[Symbol.asyncIterator]();
  const first = await chunks.next();
  const { Readable: R } = await import('node:stream');
  const head: Buffer | undefined = first.done ? undefined : Buffer.from(first.value as Buffer);
  const rest = R.from((async function* () {
    if (head) yield head;
    for (;;) {
      const next = await chunks.next();
      if (next.done) return;
      yield next.value as Buffer;
    }
  })());
  return head && head[0] === 0x1f && head[1] === 0x8b ? rest.pipe(createGunzip()) : rest;
}

async function openStream(input: InputFile): Promise<Readable> {
  if (input.path === STDIN) return sniffed(process.stdin);
  if (input.stream) {
    const pipe = createReadStream(input.path, { highWaterMark: CHUNK });
    await new Promise<void>((resolve, reject) => pipe.once('open', () => resolve()).once('error', reject)).catch((err: NodeJS.ErrnoException) => {
      throw new InputError(`${input.name}: cannot read (${err.code ?? err.message})`);
    });
    return sniffed(pipe);
  }
  const gz = await isGzipFile(input.path).catch((err: NodeJS.ErrnoException) => {
    throw new InputError(`${input.name}: cannot read (${err.code ?? err.message})`);
  });
  const raw = createReadStream(input.path, { highWaterMark: CHUNK });
  return gz ? raw.pipe(createGunzip({ chunkSize: CHUNK })) : raw;
}

/**
 * Streams a file line by line without reading it whole. Lines are split on LF bytes, so a
 * multi-byte character is never cut; a gzipped file (by its magic bytes) is decompressed. With
 * `native`, the flat lines the compiled scan reads go there (see `eachLine`).
 */
export async function readLines(input: InputFile, onLine: LineHandler, native: NativeLines | null = null): Promise<void> {
  const stream = await openStream(input);
  let carry: Buffer | null = null;
  let line = 0;
  const emit = (buf: Buffer, start: number, end: number) => {
    line++;
    if (end > start && buf[end - 1] === CR) end--;
    onLine(buf, afterBom(buf, start, end), end, line);
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const buf = chunk;
      let pos = 0;
      if (carry) {
        const nl = buf.indexOf(LF);
        if (nl === -1) {
          carry = Buffer.concat([carry, buf]);
          continue;
        }
        const joined = Buffer.concat([carry, buf.subarray(0, nl)]);
        carry = null;
        emit(joined, 0, joined.length);
        pos = nl + 1;
      }
      // The whole lines of the chunk at once; the rest waits for the next chunk.
      const last = buf.lastIndexOf(LF);
      if (last >= pos) {
        line = eachLine(buf.subarray(pos, last + 1), line, onLine, native);
        pos = last + 1;
      }
      if (pos < buf.length) carry = Buffer.from(buf.subarray(pos));
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'Z_BUF_ERROR' || e.code === 'Z_DATA_ERROR') {
      // A gzip stream cut short (a crashed writer): keep what was read, report the rest.
      if (carry) emit(carry, 0, carry.length);
      throw new TruncatedInputError(input.name, line + 1, e.message);
    }
    if (e.code) throw new InputError(`${input.name}: cannot read (${e.code})`);
    throw err;
  }
  if (carry) emit(carry, 0, carry.length);
}

/** A compressed file that ends early: the lines before are kept and the cut is reported. */
export class TruncatedInputError extends Error {
  constructor(readonly file: string, readonly line: number, detail: string) {
    super(`${file}:${line}: compressed data ends early (${detail})`);
  }
}
