import { createHash } from 'node:crypto';
import { z } from 'zod';
import { lineOf } from '../../read/parallel/event-batch.js';
import type { RunPlan } from '../../read/parallel/run-index.js';
import type { FactsSnapshot, WindowSnapshot } from '../pages/facts-state.js';
import { readFully, withRegularFile, writePartsNoFollow } from '../write/write-file.js';
import { headLine } from './head-line.js';
import type { HashedInput } from './input-hashes.js';

/**
 * The facts of a build's first runs, for the next build of the same folder to go on from instead
 * of building those runs again (the facts' pass, site-facts.ts). A build takes the snapshot when
 * its pass has added every run but the last 1/64 (`checkpointOf`), in the order the runs first
 * appear in the input: a log appended to changes its last runs and adds new ones, after those.
 *
 * A later build goes on from it only when the runs it holds are surely the same runs, built from
 * the same lines (`resumableRuns`): the same frame (code, templates, price table, version), the
 * previous build's inputs still begin its own, in the same order, each with every line the
 * previous build read unchanged (input-hashes.ts), and every event of those runs, in both builds,
 * comes before the first event of a line the previous build did not read. A line's events, and
 * the run they go to, depend only on the lines before it (run-keys.ts), so those runs are built
 * the same, and come first in the same order.
 *
 * It holds the 7-day window's facts of the same runs too, when the build's window pass read runs
 * again (window.ts): a later build whose window begins the same day goes on from those as well.
 *
 * It is a file of the site, in binary: a line naming the format, a line of JSON (what it was taken
 * of, and the sizes of the rest), the JSON of the facts' plain values, then the number columns,
 * little-endian, from an offset that is a multiple of 8 (the facts', then the window's), then the
 * SHA-256 of all that. At 72k runs it is about 18 MB (the numbers of each run's facts, and every
 * call's duration, are most of it).
 */
export const FACTS_FILE = '.trace-report-facts.bin';

const MAGIC = 'trace-report facts 2\n';
const HASH_BYTES = 32;

/** The run a build takes its snapshot before: all but the last 1/64 of `runs` (at least one). */
export function checkpointOf(runs: number): number {
  return runs - Math.ceil(runs / 64);
}

/** What a snapshot was taken of: the build's frame, its inputs in the order it read them, and how far its runs reach. */
export interface SnapshotFrame {
  frame: string;
  /** The plan's files in its order, as the build read them. */
  files: { name: string; lines: number; sha256: string }[];
  /** The runs it holds (the first, in the plan's order). */
  runs: number;
  /** The last event (a number among all events of the plan) of any of those runs; -1: none. */
  lastEvent: number;
}

const frameSchema = z.object({
  frame: z.string(),
  files: z.array(z.object({ name: z.string(), lines: z.number().int().nonnegative(), sha256: z.string() })),
  runs: z.number().int().nonnegative(),
  lastEvent: z.number().int().min(-1),
  /** The bytes of the facts' JSON, which follows this line. */
  factsBytes: z.number().int().nonnegative(),
  /** The lengths of the number columns, in the order they follow. */
  f64: z.array(z.number().int().nonnegative()),
  i32: z.array(z.number().int().nonnegative()),
});

/** What a snapshot of `plan`'s first `runs` runs is taken of. */
export function snapshotFrame(plan: RunPlan, runs: number, inputs: readonly HashedInput[], frame: string): SnapshotFrame | null {
  const byName = new Map(inputs.map((i) => [i.record.name, i.record]));
  const files: SnapshotFrame['files'] = [];
  for (const name of plan.files) {
    const r = byName.get(name);
    if (r === undefined) return null;
    files.push({ name, lines: r.lines, sha256: r.sha256 });
  }
  return { frame, files, runs, lastEvent: lastEventOf(plan, runs) };
}

/** The largest event number among the first `runs` runs of `plan`; -1 when they have none. */
function lastEventOf(plan: RunPlan, runs: number): number {
  let last = -1;
  const end = plan.offsets[runs]!;
  for (let k = 0; k < end; k++) if (plan.order[k]! > last) last = plan.order[k]!;
  return last;
}

/** Whether `value` is given back by JSON as it is: every number finite, and never -0 (written as 0). */
export function jsonSafe(value: unknown): boolean {
  let safe = true;
  JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0))) safe = false;
    return v;
  });
  return safe;
}

/**
 * Writes the snapshot to `abs` (a file of the site being built), piece by piece from the facts
 * themselves: a buffer of the whole file (about 15 MB at 72k runs) made at the end of the facts'
 * pass outlived the young generation and added as much to the build's peak memory. Its plain
 * values must be jsonSafe (checked when the point was marked). Returns the bytes written.
 */
export function writeFactsSnapshot(abs: string, at: SnapshotFrame, snap: FactsSnapshot): number {
  if (!littleEndian) throw new Error('snapshots are written on little-endian machines only');
  return writePartsNoFollow(abs, snapshotParts(at, snap));
}

/** The plain values of a snapshot's window facts, as its JSON holds them: `durations`, the number of the columns of durations that are the window's. */
type PlainWindow = Omit<WindowSnapshot, 'numbers' | 'columns' | 'summary'> & { summary: WindowSnapshot['summary']['state']; durations: number };

/** The plain values of a snapshot, as its JSON holds them. */
type PlainFacts = Omit<FactsSnapshot, 'numbers' | 'columns' | 'stepParts' | 'summary' | 'window'> & { summary: FactsSnapshot['summary']['state']; window: PlainWindow | null };

function* snapshotParts(at: SnapshotFrame, snap: FactsSnapshot): Generator<Uint8Array> {
  const { numbers, columns, stepParts, summary, window, ...plain } = snap;
  // The window's columns follow the facts' own.
  const f64 = [numbers, ...summary.durations];
  const i32 = [columns, stepParts];
  let plainWindow: PlainWindow | null = null;
  if (window !== null) {
    const { numbers: wNumbers, columns: wColumns, summary: wSummary, ...rest } = window;
    f64.push(wNumbers, ...wSummary.durations);
    i32.push(wColumns);
    plainWindow = { ...rest, summary: wSummary.state, durations: wSummary.durations.length };
  }
  const json: PlainFacts = { ...plain, summary: summary.state, window: plainWindow };
  const facts = Buffer.from(JSON.stringify(json), 'utf8');
  const head = Buffer.from(`${MAGIC}${JSON.stringify({ ...at, factsBytes: facts.length, f64: f64.map((a) => a.length), i32: i32.map((a) => a.length) })}\n`, 'utf8');
  const hash = createHash('sha256');
  const hashed = (part: Uint8Array): Uint8Array => {
    hash.update(part);
    return part;
  };
  yield hashed(head);
  yield hashed(facts);
  yield hashed(Buffer.alloc(aligned(head.length + facts.length) - head.length - facts.length));
  for (const a of [...f64, ...i32]) if (a.length > 0) yield hashed(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  yield hash.digest();
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The number columns begin at a multiple of 8 bytes from the file's start. */
function aligned(bytes: number): number {
  return Math.ceil(bytes / 8) * 8;
}

/** A snapshot as read back: what it was taken of, and the facts. */
export interface ReadSnapshot {
  at: SnapshotFrame;
  /** Its number columns may be longer than their contents (room to go on): see readFactsSnapshot's `room`. */
  facts: FactsSnapshot;
}

/**
 * The snapshot in `file`, when `room` takes it: `room` is given what it was taken of, and returns
 * null to leave it (then nothing more is read), else the room to give each column of doubles
 * (by its number: the facts' numbers, then each group's durations) for what the build adds after
 * it. The columns are read straight into arrays of that size, never through a buffer of the
 * whole file. Null when there is none, it is left, or it is not whole (checked by its SHA-256):
 * then the facts are all gathered again.
 */
export function readFactsSnapshot(file: string, room: (at: SnapshotFrame) => ((column: number, length: number) => number) | null): ReadSnapshot | null {
  if (!littleEndian) return null;
  return withRegularFile(file, (fd, { size: fileSize }) => {
    const size = fileSize - HASH_BYTES;
    const hash = createHash('sha256');
    let pos = 0;
    /** The next `n` bytes of the file into `into` (a new buffer when not given), hashed. */
    const next = (n: number, into: Uint8Array = Buffer.allocUnsafe(n)): Uint8Array | null => {
      if (pos + n > size || !readFully(fd, into, n, pos)) return null;
      hash.update(into);
      pos += n;
      return into;
    };
    // The first line after the format's: what it was taken of, and the sizes of the rest (in the
    // first 64 KB, unless its inputs are very many).
    if (size < MAGIC.length) return null;
    let lines = Buffer.allocUnsafe(Math.min(size, 1 << 16));
    if (!readFully(fd, lines, lines.length, 0)) return null;
    let first = headLine(lines, MAGIC, frameSchema);
    if (first === null && size > lines.length) {
      lines = Buffer.allocUnsafe(size);
      if (!readFully(fd, lines, size, 0)) return null;
      first = headLine(lines, MAGIC, frameSchema);
    }
    if (first === null) return null;
    const { head, end } = first;
    const { f64, i32, factsBytes, ...at } = head;
    if (f64.length < 1 || i32.length < 2 || i32.length > 3) return null;
    if (aligned(end + 1 + factsBytes) + 8 * f64.reduce((n, k) => n + k, 0) + 4 * i32.reduce((n, k) => n + k, 0) !== size) return null;
    const roomOf = room(at);
    if (roomOf === null) return null;
    hash.update(lines.subarray(0, end + 1));
    pos = end + 1;
    const json = next(factsBytes);
    if (json === null || next(aligned(pos) - pos) === null) return null;
    let facts: PlainFacts;
    try {
      facts = JSON.parse(Buffer.from(json.buffer, json.byteOffset, json.length).toString('utf8')) as PlainFacts;
    } catch {
      return null;
    }
    if (typeof facts !== 'object' || facts === null) return null;
    // The window's columns, when it has any: its numbers and durations, the last of the doubles, and its columns, the last of the ints.
    const w = facts.window ?? null;
    const windowDoubles = w === null ? 0 : 1 + w.durations;
    if (i32.length !== (w === null ? 2 : 3) || !Number.isInteger(windowDoubles) || windowDoubles < 0 || windowDoubles >= f64.length) return null;
    const doubles: Float64Array[] = [];
    for (const [k, n] of f64.entries()) {
      const a = new Float64Array(Math.max(n, roomOf(k, n)));
      if (next(n * 8, new Uint8Array(a.buffer, 0, n * 8)) === null) return null;
      doubles.push(a);
    }
    const ints: Int32Array[] = [];
    for (const n of i32) {
      const a = new Int32Array(n);
      if (next(n * 4, new Uint8Array(a.buffer)) === null) return null;
      ints.push(a);
    }
    const digest = Buffer.allocUnsafe(HASH_BYTES);
    if (!readFully(fd, digest, HASH_BYTES, size) || !hash.digest().equals(digest)) return null;
    const own = f64.length - windowDoubles;
    let window: WindowSnapshot | null = null;
    if (w !== null) {
      const { durations: _count, summary: wState, ...rest } = w;
      window = { ...rest, numbers: doubles[own]!, columns: ints[2]!, summary: { state: wState, durations: doubles.slice(own + 1) } };
    }
    return { at, facts: { ...facts, numbers: doubles[0]!, columns: ints[0]!, stepParts: ints[1]!, summary: { state: facts.summary, durations: doubles.slice(1, own) }, window } };
  });
}

/**
 * How many of `plan`'s first runs are the runs the snapshot taken `at` holds (all of them, or 0
 * when it cannot tell): see the head of this file. `inputs`: this build's, as read for its stamp,
 * with what each shares with the same file as the previous build read it.
 */
export function resumableRuns(at: SnapshotFrame, plan: RunPlan, inputs: readonly HashedInput[], frame: string): number {
  if (at.frame !== frame || at.runs === 0 || at.runs > plan.offsets.length - 1 || at.files.length > plan.files.length) return 0;
  const byName = new Map(inputs.map((i) => [i.record.name, i]));
  // Every line the previous build read is there still, in the same place: per file, the lines it
  // read (all of a file that is the same whole, as a gzipped one must be to be kept at all).
  const read: number[] = [];
  for (let f = 0; f < at.files.length; f++) {
    const old = at.files[f]!;
    const input = byName.get(old.name);
    const now = input?.kept;
    if (plan.files[f] !== old.name || input === undefined || now === undefined || now === null || now.sha256 !== old.sha256 || now.lines !== old.lines) return 0;
    read.push(input.record.sha256 === old.sha256 ? Number.POSITIVE_INFINITY : old.lines);
  }
  // The first event of a line the previous build did not read.
  let fresh = Number.POSITIVE_INFINITY;
  for (const placed of plan.batches) {
    const lines = read[placed.file] ?? 0;
    for (let i = 0; i < placed.batch.count; i++) {
      if (placed.lineBase + lineOf(placed.batch, i) > lines) {
        fresh = Math.min(fresh, placed.first + i);
        break;
      }
    }
  }
  return at.lastEvent < fresh && lastEventOf(plan, at.runs) < fresh ? at.runs : 0;
}
