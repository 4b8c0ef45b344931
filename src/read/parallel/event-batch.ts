import type { PromptMessage } from '../../model/types.js';
import { roleOf, type TraceEvent } from '../../normalise/event.js';
import { DECODED_TEXT, NATIVE_COLUMNS, NATIVE_NUMBERS, ROLE_CALL_ERROR, ROLE_ERROR, ROLE_OTHER, ROLE_PLAIN, nativeBlock, type ColumnCode, type NativeBlock, type NativeTable } from '../../normalise/native-scan.js';
import { hashOf, sameAscii, sameBytes, textOf } from '../../normalise/bytes.js';
import { ERROR_TEXT, flat, slotEnd, slotHash, slotStart, slotText, slotWide } from '../../normalise/flat-line.js';
import { bufferOf, numberAt, numberColumn, type NumberColumn } from './number-column.js';
import { columnOf, type SharedColumn, type SharedColumnKind } from './shared-array.js';

/**
 * Events in columns, as a worker sends them to the main thread: typed arrays that are handed over
 * (or shared) without copying, and each distinct string once. Objects per event would cost far
 * more to copy and to keep. The columns are compact, because the summary keeps every event of
 * the input until its runs are built: string ids take one byte in the columns with few values
 * (types, agents, models) and two in the others where the batch's table allows,
 * string columns that are null throughout a batch are left out, line numbers are kept only when
 * they are not simply one event a line, the amounts (tokens, duration, cost), which only some
 * events have, sit in a side table, and numbers take 32 bits where they can (NumberColumn).
 */
const NS = 12; // type, agentField, runId, workflow, pattern, provider, model, status, error, stepKind, callId, detail
/** The compiled scan's column of a line's message (after EventBatch's twelve). */
const MESSAGE = 12;
const NA = 5; // inputTokens, outputTokens, totalTokens, durationMs, costUsd
/** In `columns`, the places of wide columns start here. */
const WIDE = 64;

export interface EventBatch {
  count: number;
  /**
   * The line (1-based, counted from the start of the chunk) each event came from; null when
   * event i came from line i + 1, as is usual (see `lineOf`).
   */
  lines: Int32Array | null;
  /**
   * String ids (0 for null, else 1 + the index in `table`), in two tables of rows: count ×
   * `narrowStride` ids of one byte, count × `wideStride` of two (four for a table of 65,535
   * strings or more).
   * Only the columns some event of the batch has are kept: `columns[k]` is the place of column k
   * in a row of `narrow`, or WIDE + its place in a row of `wide`, or -1 when the column is null
   * throughout.
   */
  narrow: Uint8Array;
  narrowStride: number;
  wide: Uint16Array | Int32Array;
  wideStride: number;
  columns: Int8Array;
  /** The timestamp of each event, NaN for none. */
  times: NumberColumn;
  /**
   * Which events have amounts, a bit each (event i: bit i % 32 of word i / 32); their rows in
   * `amounts` come in event order, so an event's row is the count of such events before it:
   * `amountRanks` holds that count at the start of each word (see amountRowOf). A row number per
   * event took 4 bytes; these take a quarter of a byte.
   */
  amountBits: Uint32Array;
  amountRanks: Int32Array;
  /** Input, output and total tokens, duration and cost, a column each, by row; NaN for null. */
  amounts: NumberColumn[];
  table: string[];
  /** Prompts and responses, only for the events that have them; null when none has. */
  texts: BatchTexts | null;
}

/**
 * Prompts and responses as bytes, like the columns: each event's `[prompt, response]` as JSON in
 * UTF-8, one after another. Shared, they are read by every thread that builds the runs without
 * being copied to it (they are often most of an input's bytes); they are decoded as a run is
 * built (textAt) and let go with it.
 */
export interface BatchTexts {
  /** The event of each entry, in increasing order. */
  events: Int32Array;
  /** Where each entry's bytes end (entry k runs from `ends[k - 1]`, or 0, to `ends[k]`). */
  ends: Int32Array;
  bytes: Uint8Array;
}

export class BatchWriter {
  private count = 0;
  private rows = 0;
  private lines = new Int32Array(1024);
  private strings = new Int32Array(1024 * NS);
  private times = new Float64Array(1024);
  private amountRow = new Int32Array(1024);
  private amounts = new Float64Array(1024 * NA);
  private table: string[] = [];
  /** Open addressing over the table: slot → id (0 empty), with each string's hash beside it. */
  private slots = new Int32Array(1024);
  private slotHashes = new Int32Array(1024);
  private texts: [number, PromptMessage[] | null, string | null][] = [];
  /**
   * The bytes of the table's strings read from lines, one after another, and where each string's
   * are (-1: made from a string): a line's bytes are compared with them four at a time.
   */
  private arena = new Uint8Array(1 << 16);
  private arenaView = new DataView(this.arena.buffer);
  private arenaUsed = 0;
  private origins = new Int32Array(1024);

  /** With a table kept by the compiled scan: each string's id, as found there (see `intern`). */
  private known = new Map<string, number>();
  /** With a table: each type's role as the compiled code reads it (ROLE_*), by the type's id; 0: not seen yet in this batch. */
  private roleCodes = new Uint8Array(64);
  /** For `NativeBlock.emit`: the events and amount rows written, then the texts it added to the table. */
  private readonly counts = new Int32Array(3);

  /**
   * `native`: the strings are numbered by the compiled scan's table (see NativeTable), which looks
   * up the texts of the lines it reads itself (`pushNative`); without it, here.
   */
  constructor(
    private readonly keepText: boolean,
    private readonly native: NativeTable | null = null,
    /** The compiled loops that finish a batch (see `finish`); by default with a compiled table. */
    private readonly code: ColumnCode | null = native === null ? null : (nativeBlock()?.columnCode ?? null),
  ) {}

  /**
   * Empties the writer for the next batch, keeping the room it has grown: a worker writes one
   * batch after another, and columns made anew for each would leave the memory allocator with
   * freed blocks it does not give back (tens of MB of resident memory at 1M spans).
   */
  reset(): void {
    this.count = 0;
    this.rows = 0;
    this.table = [];
    this.slots.fill(0);
    this.texts = [];
    this.arenaUsed = 0;
    if (this.native) {
      this.native.reset();
      this.known.clear();
      this.roleCodes.fill(0);
    }
  }

  /** The table kept by the compiled scan, for its blocks (null when the strings are numbered here). */
  get nativeTable(): NativeTable | null {
    return this.native;
  }

  /** The strings of the texts the block just scanned (with this writer's table) added to the table, in their ids' order. */
  takeAdded(bytes: Buffer, block: NativeBlock): void {
    const fresh = block.fresh;
    for (let k = 0, n = block.added; k < n; k++) this.table.push(textOf(bytes, fresh[2 * k]!, fresh[2 * k + 1]!, false));
  }

  /**
   * Adds line `r` of a block scanned with this writer's table (`takeAdded` first): its texts' ids
   * as the table gave them, the error and detail its type's role picks, as `scanFlatLine` picks
   * them. Returns false, adding nothing, for a line the JavaScript reader must read.
   */
  pushNative(bytes: Buffer, block: NativeBlock, r: number, line: number): boolean {
    const at = r * NATIVE_COLUMNS;
    const starts = block.textStart;
    const ids = block.textHash;
    const flags = block.textWide;
    const type = ids[at]!;
    if (starts[at] === -1 || (flags[at]! & DECODED_TEXT) !== 0) return false;
    const role = (type < this.roleCodes.length ? this.roleCodes[type]! : 0) || this.learnRole(type);
    if (this.count === this.lines.length) this.grow();
    const i = this.count++;
    this.lines[i] = line;
    const S = this.strings;
    const s = i * NS;
    for (let k = 0; k < NS - 1; k++) {
      S[s + k] = starts[at + k] === -1 ? 0 : (flags[at + k]! & DECODED_TEXT) === 0 ? ids[at + k]! : this.textAt(bytes, block, at + k);
    }
    // Which text an error takes, and whether a line has a detail, follow its type's role.
    if (S[s + 8] === 0 && (role === ROLE_ERROR || role === ROLE_CALL_ERROR)) {
      S[s + 8] = starts[at + MESSAGE] !== -1 ? this.textAt(bytes, block, at + MESSAGE) : role === ROLE_ERROR ? this.intern('error') : 0;
    }
    S[s + 11] = role === ROLE_OTHER ? this.textAt(bytes, block, at + 11) : 0;
    const n = r * NATIVE_NUMBERS;
    const nums = block.numbers;
    this.times[i] = nums[n + 5]!;
    this.putAmounts(i, nums[n]!, nums[n + 1]!, nums[n + 2]!, nums[n + 3]!, nums[n + 4]!);
    return true;
  }

  /**
   * Adds lines `from`, `from + 1`, … of a block scanned with this writer's table (`takeAdded`
   * first), as `pushNative` would one by one, in the compiled code; returns how many it took
   * (0 when line `from` must be added by `pushNative`, or read by the JavaScript reader). Line
   * `from` is numbered `line`.
   */
  pushNativeRows(bytes: Buffer, block: NativeBlock, from: number, count: number, line: number): number {
    if (this.native === null) return 0;
    // Room for every line left, so that only a line the compiled code cannot take stops it.
    while (this.count + count - from > this.lines.length) this.grow();
    if ((this.rows + count - from) * NA > this.amounts.length) this.amounts = grown(this.amounts, Math.max(this.amounts.length * 2, (this.rows + count - from) * NA));
    const c = this.counts;
    c[0] = this.count;
    c[1] = this.rows;
    const { roleCodes: roles, strings, lines, times, amountRow, amounts } = this;
    const stop = block.emit(bytes, from, count, line, { roles, strings, lines, times, amountRow, amounts, counts: c }, this.native);
    this.count = c[0]!;
    this.rows = c[1]!;
    const fresh = block.fresh;
    for (let k = 0, n = c[2]!; k < n; k++) this.table.push(textOf(bytes, fresh[2 * k]!, fresh[2 * k + 1]!, false));
    return stop - from;
  }

  /** The role (ROLE_*) of the type with id `type` in this batch's table, kept for this batch (and the compiled code). */
  private learnRole(type: number): number {
    const role = roleOf(this.table[type - 1]!);
    if (type >= this.roleCodes.length) {
      const codes = new Uint8Array(Math.max(type + 1, this.roleCodes.length * 2));
      codes.set(this.roleCodes);
      this.roleCodes = codes;
    }
    const code = role === 'other' ? ROLE_OTHER : role === 'call_error' ? ROLE_CALL_ERROR : role === 'error' ? ROLE_ERROR : ROLE_PLAIN;
    this.roleCodes[type] = code;
    return code;
  }

  push(e: TraceEvent, line: number): void {
    if (this.count === this.lines.length) this.grow();
    const i = this.count++;
    this.lines[i] = line;
    const S = this.strings;
    const s = i * NS;
    S[s] = this.intern(e.type);
    S[s + 1] = this.intern(e.agentField);
    S[s + 2] = this.intern(e.runId);
    S[s + 3] = this.intern(e.workflow);
    S[s + 4] = this.intern(e.pattern);
    S[s + 5] = this.intern(e.provider);
    S[s + 6] = this.intern(e.model);
    S[s + 7] = this.intern(e.status);
    S[s + 8] = this.intern(e.error);
    S[s + 9] = this.intern(e.stepKind);
    S[s + 10] = this.intern(e.callId);
    S[s + 11] = this.intern(e.detail);
    this.times[i] = e.timestamp ?? Number.NaN;
    const nan = Number.NaN;
    this.putAmounts(i, e.inputTokens ?? nan, e.outputTokens ?? nan, e.totalTokens ?? nan, e.durationMs ?? nan, e.costUsd ?? nan);
    if (this.keepText && (e.prompt !== null || e.response !== null)) this.texts.push([i, e.prompt, e.response]);
  }

  /** Adds the line `scanFlatLine` just read from `bytes` (see `flat`), making strings only for values not seen before. */
  pushFlat(bytes: Buffer, line: number): void {
    if (this.count === this.lines.length) this.grow();
    const i = this.count++;
    this.lines[i] = line;
    const S = this.strings;
    const t = flat.text;
    const s = i * NS;
    for (let k = 0; k < NS; k++) {
      const slot = t[k]!;
      if (slot === -1) S[s + k] = 0;
      else if (slot === ERROR_TEXT) S[s + k] = this.intern('error');
      else if (slotWide(slot)) S[s + k] = this.intern(slotText(bytes, slot));
      else S[s + k] = this.internAt(bytes, slotStart(slot), slotEnd(slot), slotHash(slot));
    }
    this.times[i] = flat.timestamp;
    this.putAmounts(i, flat.inputTokens, flat.outputTokens, flat.totalTokens, flat.durationMs, flat.costUsd);
  }

  /** Event `i`'s amounts (NaN for none): a row of the side table, or none when all are NaN. */
  private putAmounts(i: number, inputTokens: number, outputTokens: number, totalTokens: number, durationMs: number, costUsd: number): void {
    if (Number.isNaN(inputTokens) && Number.isNaN(outputTokens) && Number.isNaN(totalTokens) && Number.isNaN(durationMs) && Number.isNaN(costUsd)) {
      this.amountRow[i] = -1;
      return;
    }
    if ((this.rows + 1) * NA > this.amounts.length) this.amounts = grown(this.amounts, this.amounts.length * 2);
    const a = this.rows * NA;
    this.amounts[a] = inputTokens;
    this.amounts[a + 1] = outputTokens;
    this.amounts[a + 2] = totalTokens;
    this.amounts[a + 3] = durationMs;
    this.amounts[a + 4] = costUsd;
    this.amountRow[i] = this.rows++;
  }

  /** The batch; `shared` puts its columns in shared memory, for several threads to read. */
  finish(shared = false): EventBatch {
    const n = this.count;
    const all = this.strings;
    const code = this.code;
    const { table, newIds, columns, narrowStride, wideStride } = code !== null ? this.renumberedBy(code, n) : this.renumbered(n);
    const narrow = columnOf(Uint8Array, n * narrowStride, shared);
    const wide = table.length < 0xffff ? columnOf(Uint16Array, n * wideStride, shared) : columnOf(Int32Array, n * wideStride, shared);
    if (code !== null) code.fillColumns(all, n, newIds, columns, narrow, narrowStride, wide, wideStride);
    else {
      // A column at a time: a loop V8 keeps tight.
      for (let k = 0; k < NS; k++) {
        const j = columns[k]!;
        if (j === -1) continue;
        if (j < WIDE) fillNarrow(narrow, narrowStride, j, all, k, n, newIds);
        else fillWide(wide, wideStride, j - WIDE, all, k, n, newIds);
      }
    }
    const consecutive = countsUp(this.lines, n);
    return {
      count: n,
      lines: consecutive ? null : copy(Int32Array, this.lines, n, shared),
      narrow,
      narrowStride,
      wide,
      wideStride,
      columns,
      times: numberColumn(this.times, n, 1, 0, true, shared, code),
      ...this.amountIndex(n, shared),
      amounts: Array.from({ length: NA }, (_, k) => numberColumn(this.amounts, this.rows, NA, k, false, shared, code)),
      table,
      texts: this.texts.length === 0 ? null : packTexts(this.texts, shared),
    };
  }

  /**
   * The table in a new order, and each old id's new one (0 stays 0): the strings of the columns
   * with fewest distinct values first, a column at a time while they fit in ids 1 to 255, then
   * the others as they came. So event types, agents, models and the like take one byte an event,
   * and only run and call ids two. With it, the place of each column some event has (often half
   * of them have none): in one byte a value where every id it holds fits, else in the wide ids.
   */
  private renumbered(n: number): { table: string[]; newIds: Int32Array; columns: Int8Array; narrowStride: number; wideStride: number } {
    const all = this.strings;
    const old = this.table;
    // The columns each id is found in (bit k for column k), and how many ids each column has.
    const inColumns = new Int16Array(old.length + 1);
    const distinct = new Int32Array(NS);
    markColumns(all, n, inColumns, distinct);
    const order = Array.from({ length: NS }, (_, k) => k)
      .filter((k) => distinct[k]! > 0)
      .sort((a, b) => distinct[a]! - distinct[b]! || a - b);
    const newIds = new Int32Array(old.length + 1);
    let next = 1;
    for (const k of order) {
      const bit = 1 << k;
      let needed = 0;
      for (let id = 1; id <= old.length; id++) if ((inColumns[id]! & bit) !== 0 && newIds[id] === 0) needed++;
      if (next - 1 + needed > 0xff) break;
      for (let id = 1; id <= old.length; id++) if ((inColumns[id]! & bit) !== 0 && newIds[id] === 0) newIds[id] = next++;
    }
    for (let id = 1; id <= old.length; id++) if (newIds[id] === 0) newIds[id] = next++;
    const table = reordered(old, newIds);
    // A column is narrow when its largest new id fits in a byte.
    const largest = new Int32Array(NS);
    for (let id = 1; id <= old.length; id++) {
      for (let k = 0, m = inColumns[id]!; m !== 0; k++, m >>= 1) if ((m & 1) !== 0 && newIds[id]! > largest[k]!) largest[k] = newIds[id]!;
    }
    const columns = new Int8Array(NS).fill(-1);
    let narrowStride = 0;
    let wideStride = 0;
    for (let k = 0; k < NS; k++) {
      if (largest[k] === 0) continue;
      columns[k] = largest[k]! <= 0xff ? narrowStride++ : WIDE + wideStride++;
    }
    return { table, newIds, columns, narrowStride, wideStride };
  }

  /** `renumbered`, by the compiled code. */
  private renumberedBy(code: ColumnCode, n: number): { table: string[]; newIds: Int32Array; columns: Int8Array; narrowStride: number; wideStride: number } {
    const old = this.table;
    const newIds = new Int32Array(old.length + 1);
    const columns = new Int8Array(NS);
    const strides = code.renumber(this.strings, n, old.length, newIds, columns);
    return { table: reordered(old, newIds), newIds, columns, narrowStride: strides & 0xff, wideStride: strides >>> 8 };
  }

  /** Which of the first `n` events have amounts, as bits and the counts before each word of them. */
  private amountIndex(n: number, shared: boolean): Pick<EventBatch, 'amountBits' | 'amountRanks'> {
    const words = (n + 31) >>> 5;
    const amountBits = columnOf(Uint32Array, words, shared);
    const amountRanks = columnOf(Int32Array, words, shared);
    markAmounts(this.amountRow, n, amountBits, amountRanks);
    return { amountBits, amountRanks };
  }

  private intern(s: string | null): number {
    if (s === null) return 0;
    if (this.native) return this.internNative(s);
    const hash = hashOf(s);
    const mask = this.slots.length - 1;
    let p = hash & mask;
    for (let id = this.slots[p]!; id !== 0; id = this.slots[p]!) {
      if (this.slotHashes[p] === hash && this.table[id - 1] === s) return id;
      p = (p + 1) & mask;
    }
    return this.add(p, hash, s);
  }

  /** The id of a block's text (entry `k` of its columns) the scan did not look up: above ASCII or with escapes, a detail or a message; 0 when not given. */
  private textAt(bytes: Buffer, block: NativeBlock, k: number): number {
    const start = block.textStart[k]!;
    return start === -1 ? 0 : this.intern(block.textAt(bytes, k));
  }

  /** A string's id in the compiled scan's table: one numbering for the texts it looks up and these. */
  private internNative(s: string): number {
    let id = this.known.get(s);
    if (id === undefined) {
      id = this.native!.intern(Buffer.from(s, 'utf8'));
      if (id === this.table.length + 1) this.table.push(s);
      else if (id > this.table.length) throw new Error(`the string table is out of step (${id} after ${this.table.length})`);
      this.known.set(s, id);
    }
    return id;
  }

  /** The id of the ASCII bytes `b[start, end)` (whose hash is `hash`), added to the table when new. */
  private internAt(b: Buffer, start: number, end: number, hash: number): number {
    if (this.native) return this.internNative(textOf(b, start, end, false));
    const mask = this.slots.length - 1;
    let p = hash & mask;
    const n = end - start;
    for (let id = this.slots[p]!; id !== 0; id = this.slots[p]!) {
      if (this.slotHashes[p] === hash) {
        const known = this.table[id - 1]!;
        const origin = this.origins[id - 1]!;
        if (origin >= 0 ? known.length === n && sameBytes(b, start, this.arena, this.arenaView, origin, n) : sameAscii(known, b, start, end)) return id;
      }
      p = (p + 1) & mask;
    }
    return this.add(p, hash, textOf(b, start, end, false), this.keep(b, start, n));
  }

  /** Keeps a copy of `b[start, start + n)`; where it is in the arena. */
  private keep(b: Buffer, start: number, n: number): number {
    if (this.arenaUsed + n > this.arena.length) {
      const arena = new Uint8Array(Math.max(this.arena.length * 2, this.arenaUsed + n));
      arena.set(this.arena.subarray(0, this.arenaUsed));
      this.arena = arena;
      this.arenaView = new DataView(arena.buffer);
    }
    const at = this.arenaUsed;
    b.copy(this.arena, at, start, start + n);
    this.arenaUsed += n;
    return at;
  }

  /** Adds `text` at slot `p` of the table; `origin`: where its bytes are in the arena, or -1. */
  private add(p: number, hash: number, text: string, origin = -1): number {
    this.table.push(text);
    const id = this.table.length;
    if (id > this.origins.length) this.origins = grown(this.origins, this.origins.length * 2);
    this.origins[id - 1] = origin;
    this.slots[p] = id;
    this.slotHashes[p] = hash;
    if (id * 2 > this.slots.length) this.rehash();
    return id;
  }

  private rehash(): void {
    const old = this.slots;
    const oldHashes = this.slotHashes;
    this.slots = new Int32Array(old.length * 2);
    this.slotHashes = new Int32Array(old.length * 2);
    const mask = this.slots.length - 1;
    for (let q = 0; q < old.length; q++) {
      const id = old[q]!;
      if (id === 0) continue;
      let p = oldHashes[q]! & mask;
      while (this.slots[p] !== 0) p = (p + 1) & mask;
      this.slots[p] = id;
      this.slotHashes[p] = oldHashes[q]!;
    }
  }

  private grow(): void {
    const size = this.lines.length * 2;
    this.lines = grown(this.lines, size);
    this.strings = grown(this.strings, size * NS);
    this.times = grown(this.times, size);
    this.amountRow = grown(this.amountRow, size);
  }
}

/*
 * The loops over every event of a batch, each a function of its own. A batch is finished once
 * per chunk, a few dozen times a thread: V8 would optimise a long loop inside `finish` while it
 * runs (on-stack replacement), without feedback yet for the code after the loop, then drop that
 * code at its end, and compile again on the next batch (BENCHMARKS.md, eighteenth round).
 */

/** Sets bit k of `inColumns[id]` for each id in column k of the first `n` rows, and counts each column's distinct ids. */
function markColumns(all: Int32Array, n: number, inColumns: Int16Array, distinct: Int32Array): void {
  for (let i = 0; i < n * NS; i += NS) {
    for (let k = 0; k < NS; k++) {
      const id = all[i + k]!;
      const bit = 1 << k;
      if (id !== 0 && (inColumns[id]! & bit) === 0) {
        inColumns[id] = inColumns[id]! | bit;
        distinct[k]!++;
      }
    }
  }
}

/** The strings of `old` (id k at k - 1) in their new ids' order. */
function reordered(old: readonly string[], newIds: Int32Array): string[] {
  const table = new Array<string>(old.length);
  for (let id = 1; id <= old.length; id++) table[newIds[id]! - 1] = old[id - 1]!;
  return table;
}

/** Which of the first `n` events have a row of amounts (`amountRow` not -1), a bit each, and the count before each word of bits. */
function markAmounts(amountRow: Int32Array, n: number, bits: Uint32Array, ranks: Int32Array): void {
  let rank = 0;
  for (let w = 0; w < bits.length; w++) {
    ranks[w] = rank;
    let word = 0;
    const end = Math.min(n, (w + 1) << 5);
    for (let i = w << 5; i < end; i++) {
      if (amountRow[i] !== -1) {
        word |= 1 << (i & 31);
        rank++;
      }
    }
    bits[w] = word;
  }
}

/** Column k of the first `n` rows, renumbered, into place `j` of rows of `stride` one-byte ids. */
function fillNarrow(to: Uint8Array, stride: number, j: number, all: Int32Array, k: number, n: number, newIds: Int32Array): void {
  for (let i = 0; i < n; i++) to[i * stride + j] = newIds[all[i * NS + k]!]!;
}

/** As fillNarrow, into ids of two or four bytes. */
function fillWide(to: Uint16Array | Int32Array, stride: number, j: number, all: Int32Array, k: number, n: number, newIds: Int32Array): void {
  for (let i = 0; i < n; i++) to[i * stride + j] = newIds[all[i * NS + k]!]!;
}

/** Whether the first `n` events came from lines 1 to n, in order. */
function countsUp(lines: Int32Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (lines[i] !== i + 1) return false;
  return true;
}

function grown<T extends Int32Array | Float64Array>(from: T, size: number): T {
  const to = new (from.constructor as new (n: number) => T)(size);
  to.set(from);
  return to;
}

/** The first `n` values of `from` in a column of their own (in shared memory when asked). */
function copy<T extends SharedColumn>(Kind: SharedColumnKind<T>, from: Int32Array | Float64Array, n: number, shared: boolean): T {
  const to = columnOf(Kind, n, shared);
  to.set(from.subarray(0, n));
  return to;
}

function packTexts(texts: readonly [number, PromptMessage[] | null, string | null][], shared: boolean): BatchTexts {
  const n = texts.length;
  const json = texts.map(([, prompt, response]) => JSON.stringify([prompt, response]));
  const events = columnOf(Int32Array, n, shared);
  const ends = columnOf(Int32Array, n, shared);
  let total = 0;
  json.forEach((j, k) => {
    events[k] = texts[k]![0];
    total += Buffer.byteLength(j, 'utf8');
    ends[k] = total;
  });
  const bytes = columnOf(Uint8Array, total, shared);
  const out = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  json.forEach((j, k) => out.write(j, k === 0 ? 0 : ends[k - 1]!, 'utf8'));
  return { events, ends, bytes };
}

/**
 * The entry of event `i` in a batch's texts, or -1 when it has none: found by halving, as the
 * entries are in event order (a map per batch, kept while the runs were built, took 23 MB per
 * 500k calls with prompts in each thread that builds them).
 */
export function textEntryOf(t: BatchTexts, i: number): number {
  const events = t.events;
  let lo = 0;
  let hi = events.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const e = events[mid]!;
    if (e === i) return mid;
    if (e < i) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Entry k of a batch's texts: the event's prompt and response. */
export function textAt(t: BatchTexts, k: number): [PromptMessage[] | null, string | null] {
  const from = k === 0 ? 0 : t.ends[k - 1]!;
  const json = Buffer.from(t.bytes.buffer, t.bytes.byteOffset, t.bytes.byteLength).toString('utf8', from, t.ends[k]!);
  return JSON.parse(json) as [PromptMessage[] | null, string | null];
}

/** The buffers to hand over (transfer) with a batch; shared ones are not handed over but shared. */
export function transferables(b: EventBatch): ArrayBuffer[] {
  const t = b.texts;
  return [b.lines?.buffer, b.narrow.buffer, b.wide.buffer, bufferOf(b.times), b.amountBits.buffer, b.amountRanks.buffer, ...b.amounts.map(bufferOf), t?.events.buffer, t?.ends.buffer, t?.bytes.buffer].filter(
    (x): x is ArrayBuffer => x instanceof ArrayBuffer,
  );
}

/** The line (counted from the start of the batch's chunk) that event `i` came from. */
export function lineOf(b: EventBatch, i: number): number {
  return b.lines === null ? i + 1 : b.lines[i]!;
}

/** The id of event `i`'s run id in the batch's table (0: none), without decoding the rest (for routing). */
export function runIdIdOf(b: EventBatch, i: number): number {
  return stringId(b, i, 2);
}

/** The id of event `i`'s type in the batch's table (what gives its role); every event has one. */
export function typeIdOf(b: EventBatch, i: number): number {
  return stringId(b, i, 0);
}

/** String column `k` of event `i`: its id in the table (0 for null). */
function stringId(b: EventBatch, i: number, k: number): number {
  return idAt(b.narrow, i * b.narrowStride, b.wide, i * b.wideStride, b.columns[k]!);
}

/** The id at place `j` (see `columns`) of the event whose rows start at `n` in `narrow` and `w` in `wide`. */
function idAt(narrow: Uint8Array, n: number, wide: Uint16Array | Int32Array, w: number, j: number): number {
  if (j === -1) return 0;
  return j < WIDE ? narrow[n + j]! : wide[w + j - WIDE]!;
}

/** Event `i`'s row in the amounts, or -1 when it has none. */
export function amountRowOf(b: EventBatch, i: number): number {
  const w = i >>> 5;
  const bits = b.amountBits[w]!;
  const bit = i & 31;
  if (((bits >>> bit) & 1) === 0) return -1;
  // The events with amounts before i in its word: the bits below bit i, counted.
  let x = bit === 0 ? 0 : bits & (0xffffffff >>> (32 - bit));
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return b.amountRanks[w]! + (Math.imul(x, 0x01010101) >>> 24);
}

/** An event object to decode into. */
export function emptyEvent(): TraceEvent {
  return {
    type: '', role: 'other', agentField: null, runId: null, workflow: null, pattern: null, provider: null, model: null,
    inputTokens: null, outputTokens: null, totalTokens: null, durationMs: null, costUsd: null, timestamp: null,
    status: null, error: null, stepKind: null, callId: null, prompt: null, response: null, detail: null,
  };
}

const num = (v: number): number | null => (Number.isNaN(v) ? null : v);

function str(table: readonly string[], id: number): string | null {
  return id === 0 ? null : table[id - 1]!;
}

/** Decodes event `i` of a batch into `e` (prompt and response left null). */
export function decodeEvent(b: EventBatch, i: number, e: TraceEvent): void {
  const T = b.table;
  const N = b.narrow;
  const W = b.wide;
  const n = i * b.narrowStride;
  const w = i * b.wideStride;
  const c = b.columns;
  // Written out field by field: a loop over names here costs more than everything else the
  // main thread does with the event.
  e.type = T[idAt(N, n, W, w, c[0]!) - 1]!;
  e.agentField = str(T, idAt(N, n, W, w, c[1]!));
  e.runId = str(T, idAt(N, n, W, w, c[2]!));
  e.workflow = str(T, idAt(N, n, W, w, c[3]!));
  e.pattern = str(T, idAt(N, n, W, w, c[4]!));
  e.provider = str(T, idAt(N, n, W, w, c[5]!));
  e.model = str(T, idAt(N, n, W, w, c[6]!));
  e.status = str(T, idAt(N, n, W, w, c[7]!));
  e.error = str(T, idAt(N, n, W, w, c[8]!));
  e.stepKind = str(T, idAt(N, n, W, w, c[9]!));
  e.callId = str(T, idAt(N, n, W, w, c[10]!));
  e.detail = str(T, idAt(N, n, W, w, c[11]!));
  e.timestamp = num(numberAt(b.times, i));
  const row = amountRowOf(b, i);
  if (row === -1) {
    e.inputTokens = null;
    e.outputTokens = null;
    e.totalTokens = null;
    e.durationMs = null;
    e.costUsd = null;
  } else {
    const A = b.amounts;
    e.inputTokens = num(numberAt(A[0]!, row));
    e.outputTokens = num(numberAt(A[1]!, row));
    e.totalTokens = num(numberAt(A[2]!, row));
    e.durationMs = num(numberAt(A[3]!, row));
    e.costUsd = num(numberAt(A[4]!, row));
  }
  e.role = roleOf(e.type);
  e.prompt = null;
  e.response = null;
}
