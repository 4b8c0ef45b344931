import { createRequire } from 'node:module';
import { escapedText, textOf } from './bytes.js';

/**
 * The compiled flat-line scan (native/flat-scan.c), built by `npm install` where a C compiler is
 * (node-gyp). It splits a block of bytes into lines and reads each flat line's fields, many lines
 * a call; a line it does not read is left to the JavaScript scan and the full parser, so the events
 * are the same with it or without it (tests hold them equal). Without it, everything is read in
 * JavaScript, only slower. TRACE_REPORT_NATIVE=0 leaves it unused; TRACE_REPORT_NATIVE=require makes
 * its absence an error (CI).
 */

/** Lines read a call: their results fit in about 1 MB. */
export const BLOCK_LINES = 2048;
/** Text columns a line read gives: those of EventBatch, then the message. */
export const NATIVE_COLUMNS = 13;
/** Numbers a line read gives: tokens in, out and total, duration (ms), cost, timestamp (epoch ms). */
export const NATIVE_NUMBERS = 6;
/** A text's flags in `NativeBlock.textWide` (native/flat-scan.c): decoded here rather than looked up by its bytes (it has bytes above ASCII, or escapes). */
export const DECODED_TEXT = 1;
/** With DECODED_TEXT: the text has escapes (JSON.parse decodes it); without it, bytes above ASCII (UTF-8). */
export const ESCAPED_TEXT = 2;

type ScanLines = (
  bytes: Uint8Array,
  pos: number,
  state: Int32Array,
  lines: Int32Array,
  read: Uint8Array,
  textStart: Int32Array,
  textEnd: Int32Array,
  textHash: Int32Array,
  textWide: Uint8Array,
  numbers: Float64Array,
  table?: unknown,
  fresh?: Int32Array,
) => number;

/**
 * An event batch's rows as its writer keeps them (EventBatch's writer), for `NativeBlock.emit` to
 * write into: twelve string ids an event, its line and time, its row of the five amounts (-1:
 * none) and the amounts. `roles[typeId]` is the type's role as `emit` reads it (ROLE_*; 0: not
 * known yet). `counts`: the events and amount rows written so far, then the texts the last
 * `emit` added to the table.
 */
export interface BatchRows {
  roles: Uint8Array;
  strings: Int32Array;
  lines: Int32Array;
  times: Float64Array;
  amountRow: Int32Array;
  amounts: Float64Array;
  counts: Int32Array;
}

/** A type's role as `emit` reads it (native/flat-scan.c): neither a detail nor an error's text. */
export const ROLE_PLAIN = 1;
/** A type of no role of its own: its detail is kept. */
export const ROLE_OTHER = 2;
/** A call's error: takes the message when it has no `error`. */
export const ROLE_CALL_ERROR = 3;
/** An error: takes the message when it has no `error`, else the word `error`. */
export const ROLE_ERROR = 4;

type EmitRows = (
  bytes: Uint8Array,
  read: Uint8Array,
  textStart: Int32Array,
  textEnd: Int32Array,
  textHash: Int32Array,
  textWide: Uint8Array,
  numbers: Float64Array,
  from: number,
  count: number,
  line: number,
  roles: Uint8Array,
  strings: Int32Array,
  lines: Int32Array,
  times: Float64Array,
  amountRow: Int32Array,
  amounts: Float64Array,
  counts: Int32Array,
  table: unknown,
  fresh: Int32Array,
) => number;

/**
 * The loops that finish an event batch (event-batch.ts), compiled: the same results as their
 * JavaScript (tests hold them equal), in a fraction of the time.
 */
export interface ColumnCode {
  /** EventBatch's new numbering of a batch's strings (`renumbered`): fills `newIds` and `columns`, returns the narrow stride + 256 × the wide stride. */
  renumber(strings: Int32Array, n: number, tableLength: number, newIds: Int32Array, columns: Int8Array): number;
  /** The rows of ids as `renumber` laid them out (`fillNarrow`, `fillWide`). */
  fillColumns(strings: Int32Array, n: number, newIds: Int32Array, columns: Int8Array, narrow: Uint8Array, narrowStride: number, wide: Uint16Array | Int32Array, wideStride: number): void;
  /** `values[offset + i × stride]` as `base + int / divisor` into `ints`; returns the divisor, 0 when one needs more (number-column.ts, `writeInts`). */
  intColumn(values: Float64Array, n: number, stride: number, offset: number, base: number, ints: Int32Array): number;
}

/** The swap's check of a folder it carries over (carry-over.ts, `carryable`), compiled (native/folder-check.c). */
export type CarryCheck = (dir: string, prefix: Buffer, listed: Buffer, carried: Buffer) => Buffer | null;

interface Addon extends ColumnCode {
  carryCheck: CarryCheck;
  scanLines: ScanLines;
  emitRows: EmitRows;
  newTable(): unknown;
  tableIntern(table: unknown, bytes: Uint8Array): number;
  tableReset(table: unknown): void;
  leanMalloc(): boolean;
}

/**
 * A batch's table of strings kept by the compiled code (see EventBatch's `table`): the texts of
 * the lines a block reads are looked up there, by their bytes, during the scan; the strings
 * JavaScript makes are looked up with `intern`. One numbering for both (1, 2, …): the caller keeps
 * the strings in that order.
 */
export class NativeTable {
  readonly handle: unknown;

  constructor(private readonly addon: Addon) {
    this.handle = addon.newTable();
  }

  /** The id of a text's UTF-8 bytes, added when new (its id is then one more than the last). */
  intern(bytes: Uint8Array): number {
    return this.addon.tableIntern(this.handle, bytes);
  }

  reset(): void {
    this.addon.tableReset(this.handle);
  }
}

/** One block's results: line `r` of the block is `bytes[lines[2r], lines[2r + 1])`. */
export class NativeBlock {
  /** Where the next line starts; with a table, how many texts the block added to it. */
  readonly state = new Int32Array(2);
  readonly lines = new Int32Array(2 * BLOCK_LINES);
  /** 1 when the line was read here; 0 when JavaScript must read it. */
  readonly read = new Uint8Array(BLOCK_LINES);
  /**
   * Per line and column: where its text is in the bytes (start -1: not given), its hash (with a
   * table: its id there), and its flags (DECODED_TEXT, ESCAPED_TEXT).
   */
  readonly textStart = new Int32Array(NATIVE_COLUMNS * BLOCK_LINES);
  readonly textEnd = new Int32Array(NATIVE_COLUMNS * BLOCK_LINES);
  readonly textHash = new Int32Array(NATIVE_COLUMNS * BLOCK_LINES);
  readonly textWide = new Uint8Array(NATIVE_COLUMNS * BLOCK_LINES);
  /** Per line, NATIVE_NUMBERS numbers (NaN: none). */
  readonly numbers = new Float64Array(NATIVE_NUMBERS * BLOCK_LINES);
  /** With a table: where the texts the block added to it are (start, end), in the order of their ids. */
  readonly fresh = new Int32Array(2 * NATIVE_COLUMNS * BLOCK_LINES);

  constructor(private readonly addon: Addon) {}

  /**
   * Splits and reads the lines of `bytes` from `pos` (a line start); returns how many, and `next`
   * is where the following line starts. With a table, each text without DECODED_TEXT is
   * looked up in it and its id given in `textHash` instead of its hash (see `added`).
   */
  scan(bytes: Uint8Array, pos: number, table?: NativeTable): number {
    const a = this.addon;
    if (table === undefined) return a.scanLines(bytes, pos, this.state, this.lines, this.read, this.textStart, this.textEnd, this.textHash, this.textWide, this.numbers);
    return a.scanLines(bytes, pos, this.state, this.lines, this.read, this.textStart, this.textEnd, this.textHash, this.textWide, this.numbers, table.handle, this.fresh);
  }

  /**
   * Writes the events of lines `from`, `from + 1`, … of the last block (scanned with `table`) into
   * an event batch's rows (see `BatchRows`), as EventBatch's writer would one by one, and returns
   * the line it stopped at: `count`, or one JavaScript must take (see native/flat-scan.c,
   * emitRows). Line `from` is numbered `line`. The texts it added to the table are listed in
   * `fresh` (see `added`).
   */
  emit(bytes: Uint8Array, from: number, count: number, line: number, rows: BatchRows, table: NativeTable): number {
    const { roles, strings, lines, times, amountRow, amounts, counts } = rows;
    return this.addon.emitRows(bytes, this.read, this.textStart, this.textEnd, this.textHash, this.textWide, this.numbers, from, count, line, roles, strings, lines, times, amountRow, amounts, counts, table.handle, this.fresh);
  }

  /** With a table: how many texts the last block added to it (their places are in `fresh`). */
  get added(): number {
    return this.state[1]!;
  }

  /** The string of entry `k` of the last block's texts (a line's column, given: its start is not -1), as its flags say it is written. */
  textAt(bytes: Buffer, k: number): string {
    const flags = this.textWide[k]!;
    const start = this.textStart[k]!;
    const end = this.textEnd[k]!;
    if ((flags & ESCAPED_TEXT) !== 0) return escapedText(bytes, start, end);
    return textOf(bytes, start, end, (flags & DECODED_TEXT) !== 0);
  }

  /** The compiled loops that finish a batch. */
  get columnCode(): ColumnCode {
    return this.addon;
  }

  /** A new table for this block's scans. */
  newTable(): NativeTable {
    return new NativeTable(this.addon);
  }

  get next(): number {
    return this.state[0]!;
  }
}

let block: NativeBlock | null | undefined;

/** This thread's block for the compiled scan, or null when it is not built (or turned off). */
export function nativeBlock(): NativeBlock | null {
  if (block === undefined) block = load();
  return block;
}

/** The compiled check of a folder to carry over, or null when the compiled code is not built (or turned off, as the scan is). */
export function nativeCarryCheck(): CarryCheck | null {
  if (process.env.TRACE_REPORT_NATIVE === '0') return null;
  try {
    return addonOrThrow().carryCheck;
  } catch {
    return null;
  }
}

/** Whether the compiled scan is built and in use (the bench says so, and the tests need it). */
export function nativeScanInUse(): boolean {
  return nativeBlock() !== null;
}

function load(): NativeBlock | null {
  const wanted = process.env.TRACE_REPORT_NATIVE;
  if (wanted === '0') return null;
  try {
    return new NativeBlock(addonOrThrow());
  } catch (err) {
    // TRACE_REPORT_NATIVE=require (CI): a missing scan is an error, not a slower build.
    if (wanted === 'require') throw new Error(`the compiled scan is required (TRACE_REPORT_NATIVE=require) but cannot be loaded: ${(err as Error).message}`);
    return null;
  }
}

/** The compiled code, checked; throws when it is not built. */
function addonOrThrow(): Addon {
  // From src/normalise or dist/normalise alike: the addon is built at the package's root.
  const addon = createRequire(import.meta.url)('../../build/Release/flat_scan.node') as Partial<Record<keyof Addon, unknown>>;
  for (const name of ['scanLines', 'emitRows', 'renumber', 'fillColumns', 'intColumn', 'newTable', 'tableIntern', 'tableReset', 'leanMalloc', 'carryCheck'] as const) {
    if (typeof addon[name] !== 'function') throw new Error(`build/Release/flat_scan.node has no ${name}`);
  }
  return addon as Addon;
}

/**
 * Keeps the C library's allocator from holding on to freed megabyte blocks, for this whole
 * process (native/flat-scan.c, leanMalloc): about 40 MB less at the peak of a 1M-span build. Only
 * with glibc and the compiled code, and not when the environment sets glibc's own
 * MALLOC_MMAP_THRESHOLD_ (the user's choice stands). Returns whether it was set. For the command
 * line: a library leaves the process's allocator as it is.
 */
export function leanMalloc(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.MALLOC_MMAP_THRESHOLD_ !== undefined) return false;
  try {
    return addonOrThrow().leanMalloc();
  } catch {
    return false;
  }
}
