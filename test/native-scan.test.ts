import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { summarise } from '../src/aggregate/summarise.js';
import { flat, scanFlatLine, slotEnd, slotEscaped, slotHash, slotStart, slotWide, takeNativeLine } from '../src/normalise/flat-line.js';
import { BLOCK_LINES, nativeBlock, type NativeBlock } from '../src/normalise/native-scan.js';
import { lineToEvents, type EventSink } from '../src/read/line-events.js';
import { eachLine, LineCursor, type NativeLines } from '../src/read/lines.js';
import { BatchWriter, decodeEvent, emptyEvent, lineOf, type EventBatch } from '../src/read/parallel/event-batch.js';
import { numberAt, numberColumn } from '../src/read/parallel/number-column.js';
import { loadTraces } from '../src/read/load.js';
import { EDGE_CASES, ESCAPES, fixtureLines, mutatedLines, numberLines, SHAPE_CHANGES, splicedLines } from './line-corpus.js';

const ROOT = path.resolve(import.meta.dirname, '..');

/** The compiled scan: `npm ci` builds it (native/build.mjs); these tests need it built. */
function block(): NativeBlock {
  const b = nativeBlock();
  if (b === null) throw new Error('the compiled scan is not built: run `npm ci` (or `npm rebuild`) with a C compiler, python3 and make installed');
  return b;
}

/** What `flat` holds after a line was read: the texts with their hashes, the numbers exactly (-0 and NaN told apart). */
function snapshot(bytes: Buffer): string {
  const text = Array.from(flat.text, (k) => (k < 0 ? k : `${bytes.toString('latin1', slotStart(k), slotEnd(k))}#${slotHash(k)}${slotWide(k) ? '+wide' : ''}${slotEscaped(k) ? '+escaped' : ''}`));
  const numbers = [flat.inputTokens, flat.outputTokens, flat.totalTokens, flat.durationMs, flat.costUsd, flat.timestamp].map((n) => (Object.is(n, -0) ? '-0' : String(n)));
  return JSON.stringify({ type: flat.type, role: flat.role, text, numbers });
}

interface Compared {
  lines: number;
  /** Lines the compiled scan read. */
  native: number;
  /** Lines the JavaScript scan reads. */
  js: number;
  /** Lines the JavaScript scan reads that the compiled one left to it. */
  left: string[];
  /** Whether the compiled scan read each line. */
  read: boolean[];
}

/**
 * Reads `bytes` as a chunk, block after block, and holds every line to the JavaScript reading of
 * the same bytes: split where LineCursor splits, and each line the compiled scan read giving
 * exactly what `scanFlatLine` gives.
 */
function compare(bytes: Buffer): Compared {
  const b = block();
  const cursor = new LineCursor(bytes);
  const result: Compared = { lines: 0, native: 0, js: 0, left: [], read: [] };
  for (let pos = 0; pos < bytes.length; pos = b.next) {
    const count = b.scan(bytes, pos);
    expect(count).toBeGreaterThan(0);
    for (let r = 0; r < count; r++) {
      expect(cursor.next()).toBe(true);
      const start = b.lines[2 * r]!;
      const end = b.lines[2 * r + 1]!;
      expect([start, end]).toEqual([cursor.start, cursor.end]);
      result.lines++;
      const line = bytes.toString('utf8', start, end);
      const native = b.read[r] === 1 && takeNativeLine(bytes, b, r) ? snapshot(bytes) : null;
      const js = scanFlatLine(bytes, start, end) ? snapshot(bytes) : null;
      result.read.push(native !== null);
      if (native !== null) {
        result.native++;
        expect(native, line).toBe(js);
      }
      if (js !== null) {
        result.js++;
        if (native === null) result.left.push(line);
      }
    }
  }
  expect(cursor.next()).toBe(false);
  return result;
}

const joined = (lines: readonly (string | Buffer)[]) => Buffer.concat(lines.flatMap((l) => [Buffer.from(l), Buffer.from('\n')]));

describe('the compiled flat-line scan', () => {
  it('is built by npm ci', () => {
    expect(block().scan(Buffer.from('{"event_type":"llm_call"}\n'), 0)).toBe(1);
  });

  it('reads every fixture line as the JavaScript scan does, and leaves it almost none', () => {
    const r = compare(joined(fixtureLines()));
    expect(r.js).toBeGreaterThan(r.lines / 2);
    // Only numbers and times beyond its short forms (more than 15 digits) are left.
    expect(r.left.length).toBeLessThan(r.js / 100);
    for (const line of r.left) expect(line).toMatch(/\d{16}/);
  });

  it('agrees on the edge cases of every rule, and on cut, spliced and re-spaced lines', () => {
    const edges = compare(joined(EDGE_CASES));
    // Left to JavaScript: a timestamp that is not one (it reads as none), a number with a power of
    // ten beyond 22 (0.000…001), and numbers of 20 digits. Each of those lines is read by the
    // JavaScript scan, so they are the lines it reads that the compiled scan leaves.
    const left = EDGE_CASES.filter((l) => l.includes('"not a time"') || /\d{20}|0\.0{22}/.test(l));
    expect(left).toHaveLength(4);
    expect(edges.left).toEqual(left);
    expect(edges.native).toBe(edges.js - left.length);
    const mutated = compare(joined(mutatedLines(20000)));
    expect(mutated.native).toBeGreaterThan(1000);
    const spliced = compare(joined(splicedLines(20000)));
    expect(spliced.native).toBeGreaterThan(4000);
  });

  it('reads values with escapes as the JavaScript scan does, and leaves it only a timestamp with one', () => {
    const r = compare(joined(ESCAPES));
    expect(r.js).toBe(7);
    expect(r.left).toEqual([ESCAPES[5]]);
    expect(r.read).toEqual(ESCAPES.map((_, k) => k < 7 && k !== 5));
  });

  it('reads numbers as JSON.parse does, and leaves those of more than 15 digits', () => {
    const cases = numberLines(20000);
    const r = compare(joined(cases.map((c) => c.line)));
    expect(r.js).toBe(20000);
    // Its short form: at most 15 digits (a leading 0 counted), times a power of ten of at most 22.
    const short = cases.map(({ text }) => {
      const [mantissa, exp = '0'] = text.split('e');
      const digits = mantissa!.replace(/[-.]/g, '').length;
      const p = Number(exp) - (mantissa!.split('.')[1]?.length ?? 0);
      return digits <= 15 && p >= -22 && p <= 22;
    });
    expect(r.read).toEqual(short);
    expect(r.native).toBeGreaterThan(10000);
  });

  it('reads timestamps and durations as the JavaScript scan does', () => {
    let seed = 3;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return Math.floor((seed / 2 ** 32) * n);
    };
    const pad = (n: number, w: number) => String(n).padStart(w, '0');
    const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
    const lines: string[] = [];
    // Whether the compiled scan reads each line: an epoch number, or the short ISO shape
    // (`T`, `Z` or no zone, a day and a time that exist, at most 3 + 15 digits of fraction).
    const short: boolean[] = [];
    for (let i = 0; i < 20000; i++) {
      // Days and times at and past their limits (2026-02-29, day 31 of a 30-day month, hour 24,
      // second 60), fractions of 0 to 20 digits, with and without a zone, a space for the T.
      const [y, m, d] = [1900 + rand(300), rand(14), rand(33)];
      const [h, mi, sec] = [rand(26), rand(61), rand(62)];
      const digits = rand(21);
      const fraction = digits === 0 ? '' : `.${Array.from({ length: digits }, () => rand(10)).join('')}`;
      const sep = rand(20) === 0 ? ' ' : 'T';
      const zone = ['Z', '', '+02:00', 'z'][rand(4)]!;
      const epoch = rand(8) === 0;
      const stamp = epoch
        ? String(rand(2) === 0 ? 1767571200 + rand(1e6) / 1000 : 1767571200000 + rand(1e6))
        : `"${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}${sep}${pad(h, 2)}:${pad(mi, 2)}:${pad(sec, 2)}${fraction}${zone}"`;
      const seconds = rand(3) === 0 ? `,"duration_seconds":${rand(100000) / 10 ** rand(7)}` : '';
      lines.push(`{"event_type":"llm_call_end"${seconds},"timestamp":${stamp}}`);
      const validDay = m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m);
      short.push(epoch || (sep === 'T' && (zone === 'Z' || zone === '') && validDay && h < 24 && mi < 60 && sec < 61 && digits <= 18));
    }
    const r = compare(joined(lines));
    // Every one is read by the JavaScript scan (the long and odd shapes by its general reader).
    expect(r.js).toBe(20000);
    expect(r.read).toEqual(short);
    expect(r.native).toBeGreaterThan(5000);
  });

  it('reads keys that differ from those at the same place in the lines before (it guesses keys by place)', () => {
    const lines = SHAPE_CHANGES;
    // Three times over, the last in reverse, so that every line also comes after other shapes of line.
    const r = compare(joined([...lines, ...lines, ...[...lines].reverse()]));
    // All but a repeated key (twice), a container, an escape and the two cut lines.
    expect(r.native).toBe(3 * 10);
    expect(r.left).toEqual([]);
  });

  it('splits lines as LineCursor does: CRLF, byte-order marks, blank lines, a lone CR, no last line feed', () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const line = '{"event_type":"llm_call","model":"m"}';
    const bytes = Buffer.concat([bom, Buffer.from(`${line}\r\n\r\n\n${line}\n`), bom, Buffer.from(`${line}\r\n ${line}\r\r\n\r${line}\n${line}`)]);
    const r = compare(bytes);
    // The lines: the flat line, two blank ones, the flat line twice (the second after a mark),
    // ` line` with a CR left before its line end (white space to both scans), one starting with a
    // CR (not an object to either), and the last without a line feed.
    expect(r.lines).toBe(8);
    expect(r.read).toEqual([true, false, false, true, true, true, false, true]);
  });

  it('continues block after block, each where the last stopped', () => {
    const lines = Array.from({ length: 2 * BLOCK_LINES + 17 }, (_, i) => `{"event_type":"llm_call","run_id":"r-${i}","input_tokens":${i}}`);
    const b = block();
    const bytes = joined(lines);
    let seen = 0;
    for (let pos = 0; pos < bytes.length; pos = b.next) {
      const count = b.scan(bytes, pos);
      expect(count).toBe(Math.min(BLOCK_LINES, lines.length - seen));
      for (let r = 0; r < count; r++) {
        expect(takeNativeLine(bytes, b, r)).toBe(true);
        expect(flat.inputTokens).toBe(seen + r);
      }
      seen += count;
    }
    expect(seen).toBe(lines.length);
  });

  it('refuses arrays too small for a block and positions outside the bytes', () => {
    const b = block();
    const scanLines = (b as unknown as { addon: { scanLines: (...args: unknown[]) => number } }).addon.scanLines;
    const bytes = Buffer.from('{"event_type":"x"}\n');
    expect(() => scanLines(bytes, 0, b.state, new Int32Array(2), b.read, b.textStart, b.textEnd, b.textHash, b.textWide, b.numbers)).toThrow(RangeError);
    expect(() => scanLines(bytes, 99, b.state, b.lines, b.read, b.textStart, b.textEnd, b.textHash, b.textWide, b.numbers)).toThrow(RangeError);
    expect(() => scanLines(bytes, 0, b.state, b.lines, b.read)).toThrow(TypeError);
    expect(() => scanLines('text', 0, b.state, b.lines, b.read, b.textStart, b.textEnd, b.textHash, b.textWide, b.numbers)).toThrow(TypeError);
    // Arrays of another element type, whose lengths would count other units: never written.
    const bytesAsNumbers = new Uint8Array(b.textStart.length);
    expect(() => scanLines(bytes, 0, b.state, b.lines, b.read, bytesAsNumbers, b.textEnd, b.textHash, b.textWide, b.numbers)).toThrow(TypeError);
    expect(() => scanLines(bytes, 0, b.state, b.lines, b.read, b.textStart, b.textEnd, b.textHash, b.textWide, new Int32Array(b.numbers.length))).toThrow(TypeError);
    expect(bytesAsNumbers.every((x) => x === 0)).toBe(true);
  });
});

/**
 * A worker's batch of `bytes` read as one chunk (see chunk-reader.ts), with the compiled scan and
 * its table, or in JavaScript only; with the scan, `rows` has the compiled code write the rows of
 * the lines it can (as chunk-reader.ts does), else every line goes through `pushNative`.
 */
function batchOf(bytes: Buffer, native: boolean, rows = true, compiledFinish = true): { batch: EventBatch; spans: number; skipped: number[] } {
  const b = block();
  const table = native ? b.newTable() : null;
  const writer = new BatchWriter(true, table, table !== null && compiledFinish ? b.columnCode : null);
  let current = 0;
  let spans = 0;
  const skipped: number[] = [];
  const sink: EventSink = {
    event: (e) => writer.push(e, current),
    skip: () => void skipped.push(current),
    spans: (n) => void (spans += n),
    fast: true,
    flatLine: (bytes) => writer.pushFlat(bytes, current),
  };
  const lines: NativeLines = {
    table: writer.nativeTable,
    block: (bytes, blk) => writer.takeAdded(bytes, blk),
    line: (bytes, blk, r, line) => {
      if (!writer.pushNative(bytes, blk, r, line)) return false;
      spans++;
      return true;
    },
    lines: rows
      ? (bytes, blk, from, count, line) => {
          const taken = writer.pushNativeRows(bytes, blk, from, count, line);
          spans += taken;
          return taken;
        }
      : undefined,
  };
  eachLine(
    bytes,
    0,
    (bytes, start, end, line) => {
      current = line;
      lineToEvents(bytes, start, end, sink);
    },
    native ? lines : null,
  );
  return { batch: writer.finish(), spans, skipped };
}

/** A batch's events, decoded, each with its line. */
function eventsOf(batch: EventBatch): unknown[] {
  return Array.from({ length: batch.count }, (_, i) => {
    const e = emptyEvent();
    decodeEvent(batch, i, e);
    return { ...e, line: lineOf(batch, i) };
  });
}

describe('a batch read with the compiled scan', () => {
  it('holds the events of the batch read in JavaScript, and the same strings, on every corpus', () => {
    block();
    // Lines whose texts repeat from one line to the next (a string is then taken from the line
    // before), also across lines of other types, errors and routing decisions whose error and
    // detail texts come from different fields by type, and lines left to JavaScript in between.
    const repeats = [
      '{"event_type":"llm_call_start","agent_name":"a","model":"m","run_id":"r1","call_id":"c1","status":"ok"}',
      '{"event_type":"llm_call_end","agent_name":"a","model":"m","run_id":"r1","call_id":"c1","status":"ok","input_tokens":3}',
      '{"event_type":"error","agent_name":"a","message":"boom","run_id":"r1"}',
      '{"event_type":"error","agent_name":"a","error":"boom","run_id":"r1"}',
      '{"event_type":"routing_decision","agent_name":"a","error":"boom","target":"b","run_id":"r1"}',
      '{"event_type":"routing_decision","agent_name":"a","message":"boom","target":"b","run_id":"r1"}',
      '{"event_type":"llm_call_error","agent_name":"a","message":"boom","target":"b","run_id":"r1"}',
      '{"event_type":"llm_call_error","agent_name":"a","message":"boom","target":"b","run_id":"r1"}',
      '{"event_type":"llm_call_end","agent_name":"é-a","model":"m","run_id":"r1"}',
      '{"event_type":"llm_call_end","agent_name":"é-a","model":"m","run_id":"r1"}',
      '{"event_type":"llm_call_end","agent":"a","model_name":"m","trace_id":"r1","payload":{}}',
      '{"event_type":"llm_call_end","agent":"a","model_name":"m","trace_id":"r1"}',
      '',
      '{"event_type":"llm_call_end","agent":"a","model_name":"m","trace_id":"r1"}',
      '{"event_type":"LLM_CALL_END","agent":"a","model_name":"m","trace_id":"r1"}',
      '{"event_type":"llm_call_end","agent":"a","model_name":"m","trace_id":"r1"}',
      '{"event_type":"llm_call_end","agent":"a","model":"x","model_name":"m","run_id":"r2"}',
      // Texts with the same hash and length ("Aa" and "BB": 65 × 31 + 97 = 66 × 31 + 66).
      '{"event_type":"llm_call","agent_name":"Aa","run_id":"BB","model":"AaBB"}',
      '{"event_type":"llm_call","agent_name":"BB","run_id":"Aa","model":"BBAa"}',
      // A message and a detail that this type does not take: in no string of the table.
      '{"event_type":"llm_call_end","agent_name":"a","message":"only-a-message","target":"only-a-target"}',
    ];
    // More strings, and more of their bytes, than the table first has room for (512 strings, 64 KB).
    const many = Array.from({ length: 3000 }, (_, i) => `{"event_type":"llm_call","run_id":"run-${String(i).padStart(40, '0')}","model":"m-${i % 700}"}`);
    for (const bytes of [joined([...repeats, ...repeats]), joined(many), joined(fixtureLines()), joined(mutatedLines(5000)), joined(splicedLines(5000)), joined(EDGE_CASES), joined([...ESCAPES, ...ESCAPES])]) {
      const native = batchOf(bytes, true);
      const js = batchOf(bytes, false);
      expect(native.spans).toBe(js.spans);
      expect(native.skipped).toEqual(js.skipped);
      expect(native.batch.count).toBe(js.batch.count);
      // The same events; the table may number the strings in another order (the scan looks up a block's texts before JavaScript reads its other lines).
      expect(eventsOf(native.batch)).toEqual(eventsOf(js.batch));
      expect(new Set(native.batch.table)).toEqual(new Set(js.batch.table));
      expect(native.batch.table).toHaveLength(new Set(native.batch.table).size);
      // The rows the compiled code writes are those `pushNative` writes line by line: the same
      // batch, its table in the same order.
      const lineByLine = batchOf(bytes, true, false);
      expect(native.batch).toEqual(lineByLine.batch);
      expect(native.spans).toBe(lineByLine.spans);
      // The compiled loops that finish the batch lay it out as the JavaScript ones do.
      expect(native.batch).toEqual(batchOf(bytes, true, true, false).batch);
    }
  });

  it('writes rows until a line it must leave to JavaScript: a new type, an error without a text, a text with escapes', () => {
    const b = block();
    const writer = new BatchWriter(false, b.newTable());
    const bytes = joined([
      '{"event_type":"llm_call","run_id":"r","model":"m","input_tokens":1}',
      '{"event_type":"llm_call","run_id":"r","model":"m"}',
      '{"event_type":"error","run_id":"r","message":"boom"}',
      '{"event_type":"error","run_id":"r"}',
      '{"event_type":"llm_call","run_id":"r","model":"a\\"b"}',
      '{"event_type":"routing_decision","run_id":"r","target":"t"}',
      '{"event_type":"routing_decision","run_id":"r","target":"u"}',
      '{"event_type":"llm_call_error","run_id":"r","message":"late"}',
      '{"event_type":"llm_call_error","run_id":"r","message":"later"}',
    ]);
    const count = b.scan(bytes, 0, writer.nativeTable!);
    writer.takeAdded(bytes, b);
    expect(b.read.subarray(0, count).every((x) => x === 1)).toBe(true);
    // What the compiled code took at each try; each line it left, `pushNative` adds.
    const taken: number[] = [];
    for (let r = 0; r < count; r++) {
      const k = writer.pushNativeRows(bytes, b, r, count, r + 1);
      taken.push(k);
      r += k;
      if (r < count) expect(writer.pushNative(bytes, b, r, r + 1)).toBe(true);
    }
    // A type's first line (its role not known yet), an error without a text and a text with
    // escapes go to JavaScript; the lines after them to the compiled code again.
    expect(taken).toEqual([0, 1, 0, 0, 0, 1, 1]);
    const events = eventsOf(writer.finish()) as { error: string | null; detail: string | null; model: string | null; inputTokens: number | null; line: number }[];
    expect(events.map((e) => [e.line, e.error, e.detail, e.model, e.inputTokens])).toEqual([
      [1, null, null, 'm', 1],
      [2, null, null, 'm', null],
      [3, 'boom', null, null, null],
      [4, 'error', null, null, null],
      [5, null, null, 'a"b', null],
      [6, null, 't', null, null],
      [7, null, 'u', null, null],
      [8, 'late', null, null, null],
      [9, 'later', null, null, null],
    ]);
  });

  it('refuses bad arguments, and writes no row where there is no room', () => {
    const b = block();
    const table = b.newTable();
    const bytes = joined(['{"event_type":"llm_call","run_id":"r","input_tokens":1}']);
    const count = b.scan(bytes, 0, table);
    const emitRows = (b as unknown as { addon: { emitRows: (...args: unknown[]) => number } }).addon.emitRows;
    const roles = new Uint8Array(4).fill(1);
    const counts = new Int32Array(3);
    const args = (strings: Int32Array, amounts: Float64Array, from = 0, n = count) =>
      [bytes, b.read, b.textStart, b.textEnd, b.textHash, b.textWide, b.numbers, from, n, 1, roles, strings, new Int32Array(8), new Float64Array(8), new Int32Array(8), amounts, counts, table.handle, b.fresh] as unknown[];
    // No room for a row of strings, then none for a row of amounts: nothing written.
    expect(emitRows(...args(new Int32Array(11), new Float64Array(40)))).toBe(0);
    expect(emitRows(...args(new Int32Array(96), new Float64Array(4)))).toBe(0);
    expect([...counts]).toEqual([0, 0, 0]);
    expect(emitRows(...args(new Int32Array(96), new Float64Array(40)))).toBe(1);
    expect([...counts]).toEqual([1, 1, 0]);
    expect(() => emitRows(...args(new Int32Array(96), new Float64Array(40), 0, b.read.length + 1))).toThrow(RangeError);
    expect(() => emitRows(...args(new Int32Array(96), new Float64Array(40), 1, 0))).toThrow(RangeError);
    expect(() => emitRows(...args(new Int32Array(96), new Float64Array(40)).slice(0, 18))).toThrow(TypeError);
    // A text taken from other bytes than the block was scanned from: refused, never read.
    const other = joined(['{"event_type":"routing_decision","run_id":"r","target":"a-longer-target-text"}']);
    const scanned = b.scan(other, 0, table);
    const detailRoles = new Uint8Array(8).fill(2);
    expect(() => emitRows(Buffer.from('{}'), b.read, b.textStart, b.textEnd, b.textHash, b.textWide, b.numbers, 0, scanned, 1, detailRoles, new Int32Array(96), new Int32Array(8), new Float64Array(8), new Int32Array(8), new Float64Array(40), new Int32Array(3), table.handle, b.fresh)).toThrow(/outside the bytes/);
    b.scan(bytes, 0, table);
    const wrongKind = args(new Int32Array(96), new Float64Array(40));
    wrongKind[11] = new Float64Array(96);
    expect(() => emitRows(...wrongKind)).toThrow(TypeError);
  });
});

describe("the compiled loops that finish a batch", () => {
  it('write number columns as the JavaScript does: the same decimals, base, ints, and the values read back exactly', () => {
    const code = block().columnCode;
    // Awkward values: -0, halves, the ends of 32 bits, more decimals than nine, huge and tiny ones.
    const awkward = [0, -0, 0.5, -0.5, 1.5, 2.5, -2.5, 0.49999999999999994, 2147483647, -2147483647, -2147483648, 2147483648, 0.1, 0.2, 0.3, 1e-9, 1e-10, 123.456789, 1e15, 1e300, -1e-300, 5e-324, Number.MAX_SAFE_INTEGER, 0.000123456789, 1767225600000, 1767225600000.5];
    let seed = 7;
    const random = () => ((seed = (Math.imul(seed, 48271) >>> 0) % 2147483647) / 2147483647);
    const columns: number[][] = [
      awkward,
      ...awkward.map((v) => [v, Number.NaN, 1, v]),
      Array.from({ length: 5000 }, () => Math.round(random() * 1e6) / 100),
      Array.from({ length: 5000 }, () => Math.round(random() * 1e9) / 1e9),
      Array.from({ length: 5000 }, () => (random() < 0.1 ? Number.NaN : 1767225600000 + Math.round(random() * 864e5))),
      Array.from({ length: 5000 }, () => random() * 1000),
      Array.from({ length: 5000 }, (_, i) => (i === 4000 ? 0.123456789 : Math.round(random() * 1000))),
    ];
    for (const values of columns) {
      for (const stride of [1, 3]) {
        const laid = new Float64Array(values.length * stride).fill(Number.NaN);
        values.forEach((v, i) => (laid[i * stride + stride - 1] = v));
        for (const fromMin of [true, false]) {
          const compiled = numberColumn(laid, values.length, stride, stride - 1, fromMin, false, code);
          const js = numberColumn(laid, values.length, stride, stride - 1, fromMin, false, null);
          expect(compiled).toEqual(js);
          values.forEach((v, i) => expect(Object.is(numberAt(compiled, i), v), `${v}`).toBe(true));
        }
      }
    }
  });

  it('refuse arrays too small and ids past the table', () => {
    const code = block().columnCode;
    const strings = new Int32Array(24).fill(0);
    strings[0] = 3;
    expect(() => code.renumber(strings, 2, 2, new Int32Array(3), new Int8Array(12))).toThrow(RangeError);
    expect(() => code.renumber(strings, 3, 5, new Int32Array(6), new Int8Array(12))).toThrow(RangeError);
    expect(() => code.renumber(strings, 2, 5, new Int32Array(4), new Int8Array(12))).toThrow(RangeError);
    const newIds = new Int32Array(6);
    const columns = new Int8Array(12);
    expect(code.renumber(strings, 2, 5, newIds, columns)).toBe(1);
    expect([...newIds]).toEqual([0, 2, 3, 1, 4, 5]);
    expect(columns[0]).toBe(0);
    expect(() => code.fillColumns(strings, 2, newIds, columns, new Uint8Array(1), 1, new Uint16Array(0), 0)).toThrow(RangeError);
    expect(() => code.fillColumns(strings, 2, new Int32Array(2), columns, new Uint8Array(2), 1, new Uint16Array(0), 0)).toThrow(RangeError);
    expect(() => code.fillColumns(strings, 2, newIds, columns, new Uint8Array(2), 1, new Float64Array(0) as unknown as Uint16Array, 0)).toThrow(TypeError);
    expect(() => code.intColumn(new Float64Array(4), 5, 1, 0, 0, new Int32Array(5))).toThrow(RangeError);
    expect(() => code.intColumn(new Float64Array(4), 2, 2, 2, 0, new Int32Array(2))).toThrow(RangeError);
  });
});

describe('reading on threads with and without the compiled scan', () => {
  const saved = process.env.TRACE_REPORT_NATIVE;
  afterEach(() => {
    if (saved === undefined) delete process.env.TRACE_REPORT_NATIVE;
    else process.env.TRACE_REPORT_NATIVE = saved;
  });

  it('gives the same runs, skipped lines and summary on every fixture folder', async () => {
    for (const inputs of [['fixtures'], ['test/fixtures/dialects'], ['test/fixtures/otlp'], ['test/fixtures/hostile']]) {
      const options = { cwd: ROOT, workers: 2, parallelFrom: 0, chunkBytes: 4096 };
      // The threads take the setting as they start.
      process.env.TRACE_REPORT_NATIVE = '0';
      const plain = await loadTraces(inputs, options);
      delete process.env.TRACE_REPORT_NATIVE;
      const native = await loadTraces(inputs, options);
      expect(native.runs, inputs[0]).toEqual(plain.runs);
      expect(native.skipped, inputs[0]).toEqual(plain.skipped);
      const json = (r: typeof plain) => JSON.stringify(summarise({ ...r, priceTable: 'x' }));
      expect(json(native)).toBe(json(plain));
    }
  });
});

describe("the C library's allocator", () => {
  it('is kept from holding freed large blocks where it is glibc, unless the environment sets it', async () => {
    const { leanMalloc } = await import('../src/normalise/native-scan.js');
    const glibc = (process.report.getReport() as { header: { glibcVersionRuntime?: string } }).header.glibcVersionRuntime !== undefined;
    expect(leanMalloc({})).toBe(glibc);
    expect(leanMalloc({ MALLOC_MMAP_THRESHOLD_: '1048576' })).toBe(false);
  });
});
