import os from 'node:os';
import { InputError } from '../errors.js';
import { RunAssembler } from '../model/assembler.js';
import { compareRuns, finaliseRun } from '../model/finalise.js';
import type { Run, SkippedLine, SourceRef, Span } from '../model/types.js';
import { PriceTable } from '../prices/price-table.js';
import { isStream, resolveInputs, STDIN, type InputFile } from './inputs.js';
import { flatLineToEvents, lineToEvents, type EventSink } from './line-events.js';
import { fieldsOf, toSpan } from './spans.js';
import { flatLines, readLines, TruncatedInputError, type LineHandler } from './lines.js';
import { planChunks, readableBytes, type Chunk } from './parallel/chunks.js';
import { forEachRun } from './parallel/build-runs.js';
import { RunIndex, type RunPlan } from './parallel/run-index.js';
import { WorkerPool } from './parallel/pool.js';
import { RereadChunk } from './parallel/reread-chunk.js';
import { decodeEvent, emptyEvent, lineOf, type EventBatch } from './parallel/event-batch.js';

export interface LoadOptions {
  prices?: PriceTable;
  /** Keep prompts and responses (the site shows them; summaries do not need them). */
  keepText?: boolean;
  /** Called for every event line with its normalised span (the library keeps them; `query` filters). */
  onSpan?: (span: Span) => void;
  /**
   * Which spans `onSpan` is called for (`query`'s filters): flat lines are then read the fast way,
   * and a span's original fields are parsed from its line only when it passes.
   */
  spanFilter?: (span: Span) => boolean;
  /** Whether spans carry their line's original fields (default); off for outputs that do not show them (`query`'s table and CSV), `fields` is then empty. */
  spanFields?: boolean;
  /** How many skipped lines to keep with their reasons (all are counted). */
  keepSkipped?: number;
  /** Called after each file, for progress lines. */
  onFile?: (file: InputFile, index: number, total: number) => void;
  cwd?: string;
  /** The inputs already resolved (resolveInputs), when the caller needed the list first. */
  files?: readonly InputFile[];
  /** Reading threads: 0 reads on the main thread only; default: one per core. */
  workers?: number;
  /** Inputs smaller than this (bytes, all files together) are read on the main thread. */
  parallelFrom?: number;
  /** Size of the pieces a large plain file is cut into for the workers. */
  chunkBytes?: number;
  /** Read flat lines without parsing them whole (default). Off only to check the fast path against the full one. */
  fastPath?: boolean;
  /**
   * When read on worker threads, keep the events grouped by run (`LoadResult.plan`, in shared
   * memory) instead of building the runs: the caller builds them from the plan when it needs
   * them, on any thread (`runs` is then empty). Read on this thread, the runs are built as usual.
   */
  keepPlan?: boolean;
  /** Finish and return the runs (default); `query`, which needs only the spans, leaves them (`runs` is then empty). */
  keepRuns?: boolean;
  /**
   * Called once the inputs were read on worker threads, before this thread builds the runs: a
   * build starts its page-writing threads then, while one core would otherwise wait.
   */
  onRead?: () => void;
  /**
   * Called once as the reading begins, with whether it is on worker threads (then once they were
   * started): a build loads the code it needs next meanwhile. Loading modules on this thread before
   * the threads start holds their start back (vega's held it back 0.6 s at 1M spans).
   */
  onReading?: (threads: boolean) => void;
  /**
   * Events of some inputs read before (a rebuild's, see site/reuse/kept-events.ts): those inputs
   * are read from where that reading ended, and their earlier events taken as they were. Used only
   * when the inputs are read on worker threads.
   */
  kept?: KeptReading | null;
}

/** A chunk's events as the reading threads made them, with what placing them needs (kept between builds: site/reuse/kept-events.ts). */
export interface ReadPiece {
  /** Index into the inputs. */
  file: number;
  /** Where its chunk began in the file, and whether it was the whole file (a small or gzipped one). */
  start: number;
  whole: boolean;
  /** Lines the chunk held, spans read, and its skipped lines: how many, and the first SKIPPED_KEPT of them (numbered from the chunk's start). */
  lineCount: number;
  spans: number;
  skippedLines: number;
  skipped: Omit<SkippedLine, 'file'>[];
  batch: EventBatch;
  /** The SHA-256 of its stored bytes, when it was read from a file of kept events. */
  sha256: string | null;
}

/** Where a rebuild's reading may go on from the events an earlier build read (see LoadOptions.kept). */
export interface KeptReading {
  /**
   * Where the reading of an input goes on from: the bytes and lines of it whose events are kept
   * (nothing more is read when that is its size); null when it is read whole. The chunks after it
   * are cut as a reading of the whole file would cut them (chunks.ts), so that a rebuild's pieces
   * are a fresh build's, and the next build's kept events with them.
   */
  from(name: string): { bytes: number; lines: number } | null;
  /** The earlier events of those inputs, by name, in order; null when they cannot be had after all (every input is then read whole). */
  take(): Map<string, ReadPiece[]> | null;
  /** Whether the inputs, as read for the build's stamp, are the files the earlier events were read from with at most lines appended (else read again, without `kept`). */
  confirmed(inputs: readonly { record: { name: string; bytes: number }; kept: { lines: number; sha256: string } | null }[]): boolean;
}

/** The skipped lines whose file, line and reason a load lists by default, and the most a kept piece holds (ReadPiece). */
export const SKIPPED_KEPT = 1000;

/** Below this much input, starting workers costs more than it saves. */
export const PARALLEL_FROM = 32 * 1024 * 1024;
export const CHUNK_BYTES = 4 * 1024 * 1024;

export function defaultWorkers(): number {
  return Math.max(1, Math.min(os.availableParallelism(), 4));
}

/**
 * Whether to read on worker threads: when asked to (`workers` not 0) and the inputs are large
 * enough to pay for the threads. Never with standard input, which only this thread can read; a
 * pipe counts for nothing, as its size is not known before it is read (a worker reads it whole).
 */
export async function readOnThreads(files: readonly InputFile[], workers: number | undefined, from: number): Promise<boolean> {
  if (workers === 0 || files.some((f) => f.path === STDIN)) return false;
  let total = 0;
  for (const f of files) {
    if (total >= from) break;
    // A gzipped file counts as what it holds: there is as much to read.
    if (!isStream(f)) total += await readableBytes(f.path);
  }
  return total >= from;
}

export interface LoadResult {
  inputs: string[];
  files: string[];
  spans: number;
  runs: Run[];
  skippedLines: number;
  skipped: SkippedLine[];
  prices: PriceTable;
  /** The events by run, when read on worker threads and asked for (`keepPlan`): `runs` is then empty. */
  plan?: RunPlan;
  /**
   * With a plan: the pieces it was read in, in input order (for the next build to keep), whether
   * some came from `kept`, and how many of the inputs were read (the others came whole from `kept`).
   */
  pieces?: { list: ReadPiece[]; kept: boolean; readFiles: number };
}

/**
 * Reads every input: line → event → run, in one streaming pass, or for large inputs on worker
 * threads and then run by run (the same runs either way; a test holds them equal). Good lines
 * are never lost to bad ones; each bad line is counted and (up to `keepSkipped`) kept with its
 * file, line and reason.
 */
export async function loadTraces(inputs: readonly string[], options: LoadOptions = {}): Promise<LoadResult> {
  const files = options.files ?? (await resolveInputs(inputs, options.cwd));
  const prices = options.prices ?? PriceTable.bundled();
  const keepText = options.keepText ?? true;
  const counts = new ReadCounts(options.keepSkipped ?? SKIPPED_KEPT);
  const onSpan = options.onSpan;
  const spanFilter = options.spanFilter;
  const spanFields = options.spanFields !== false;
  // A span carries its line's parsed fields: every line is parsed whole, unless only the spans a
  // filter passes need them (or none do).
  const fast = options.fastPath !== false && (!onSpan || spanFilter !== undefined || !spanFields);

  const threads = await readOnThreads(files, options.workers, options.parallelFrom ?? PARALLEL_FROM);
  const chunkBytes = options.chunkBytes ?? CHUNK_BYTES;
  // Events read before are taken only into a plan (the lines are not read again for spans).
  const kept = threads && options.keepPlan === true && !onSpan ? (options.kept ?? null) : null;
  let chunks = threads ? await planChunks(files, chunkBytes, kept ? (name) => kept.from(name)?.bytes ?? null : null) : [];
  // Spans (no runs kept) can be read on the workers too: their events come back in file order,
  // each routed to its run's context here. A span's original fields are read again from its line
  // in the file, which a compressed file or a stream does not allow.
  const spansOnThreads = threads && onSpan !== undefined && options.keepRuns === false && (!spanFields || chunks.every((c) => c.reread !== null));
  const useWorkers = threads && !onSpan;
  let plan: RunPlan | undefined;
  let pieces: LoadResult['pieces'];
  const runs: Run[] = [];
  if (spansOnThreads) {
    await readSpansOnThreads(chunks, files.length, options, counts, onSpan, spanFilter, spanFields);
  } else if (useWorkers) {
    // Read on the workers and route each line to its run here; then build the runs from their
    // events (the same code the summary's threads run, see build-runs.ts).
    const workerOptions = { keepText, fast, shared: options.keepPlan === true };
    // A thread a chunk to read, up to `workers`; going on from kept events, a thread per 4 chunks
    // (the few appended lines: a thread more would only take a core from the stamp's read).
    const threadsFor = (list: readonly Chunk[]) => {
      const toRead = list.filter((c) => !c.kept).length;
      return Math.min(options.workers ?? defaultWorkers(), Math.max(1, list.some((c) => c.kept) ? Math.ceil(toRead / 4) : toRead));
    };
    let pool = new WorkerPool(threadsFor(chunks), workerOptions);
    options.onReading?.(true);
    try {
      // The kept events are read (and checked) while the threads start.
      let given: Map<string, ReadPiece[]> | null = null;
      if (kept && chunks.some((c) => c.kept)) {
        given = kept.take();
        if (given === null) {
          // Not to be had after all: every input is read.
          chunks = await planChunks(files, chunkBytes);
          if (pool.size < threadsFor(chunks)) {
            await pool.close();
            pool = new WorkerPool(threadsFor(chunks), workerOptions);
          }
        }
      }
      const list: ReadPiece[] = [];
      plan = await readIntoPlan(pool, files.length, chunks, counts, options.onFile, given, list);
      pieces = { list, kept: given !== null, readFiles: new Set(chunks.filter((c) => !c.kept).map((c) => c.fileIndex)).size };
    } finally {
      await pool.close();
    }
    options.onRead?.();
    if (options.keepRuns !== false && !options.keepPlan) forEachRun(plan, 0, plan.ids.length, { prices, keepText, local: false }, (run) => runs.push(run));
  } else {
    // Runs not kept are only the context of their spans: their calls and step trees are not made.
    const assembler = new RunAssembler(keepText, options.keepRuns === false);
    options.onReading?.(false);
    for (const [index, file] of files.entries()) {
      assembler.beginFile();
      const name = file.name;
      let src: SourceRef = { file: name, line: 0 };
      // The line being read, for the fields of a span the fast path read (see `spanFilter`).
      let lineBytes: Buffer = Buffer.alloc(0);
      let lineStart = 0;
      let lineEnd = 0;
      const sink: EventSink = {
        event: (event, fields) => {
          const run = assembler.add(event, src);
          if (!onSpan) return;
          const span = toSpan(event, run, src, fields ?? {});
          if (spanFilter && !spanFilter(span)) return;
          if (!spanFields) span.fields = {};
          else if (fields === null) span.fields = fieldsOf(lineBytes, lineStart, lineEnd);
          onSpan(span);
        },
        skip: (reason) => counts.skip(name, src.line, reason),
        spans: (n) => void (counts.spans += n),
        fast,
      };
      const at: LineHandler = (bytes, start, end, line) => {
        src = { file: name, line };
        lineBytes = bytes;
        lineStart = start;
        lineEnd = end;
      };
      try {
        await readLines(
          file,
          (bytes, start, end, line) => {
            at(bytes, start, end, line);
            lineToEvents(bytes, start, end, sink);
          },
          // A flat line the compiled scan read.
          fast
            ? flatLines((bytes, start, end, line) => {
                at(bytes, start, end, line);
                flatLineToEvents(bytes, sink);
              })
            : null,
        );
      } catch (err) {
        if (err instanceof TruncatedInputError) counts.skip(err.file, err.line, 'compressed data ends early');
        else if (err instanceof InputError) throw err;
        else throw new InputError(`${name}: cannot read (${(err as Error).message})`);
      }
      options.onFile?.(file, index, files.length);
    }
    if (options.keepRuns !== false) for (const builder of assembler.builders()) runs.push(finaliseRun(builder, prices));
  }
  runs.sort(compareRuns);
  return {
    inputs: [...inputs],
    files: files.map((f) => f.name),
    spans: counts.spans,
    runs,
    skippedLines: counts.skippedLines,
    skipped: counts.skipped,
    prices,
    ...(plan && options.keepPlan ? { plan, pieces } : {}),
  };
}

/** What reading counts: spans, and skipped lines (the first `keep` of them with file, line and reason). */
export class ReadCounts {
  spans = 0;
  skippedLines = 0;
  readonly skipped: SkippedLine[] = [];

  constructor(private readonly keep: number) {}

  skip(file: string, line: number, reason: string): void {
    this.skippedLines++;
    if (this.skipped.length < this.keep) this.skipped.push({ file, line, reason });
  }

  /**
   * Counts `n` skipped lines whose reasons a kept piece does not hold (those after its first
   * SKIPPED_KEPT, which a build, listing SKIPPED_KEPT in all, never lists).
   */
  skipUnlisted(n: number): void {
    this.skippedLines += n;
  }
}

/**
 * Reads the chunks on the pool's workers and routes each line to its run on this thread, in
 * chunk order: lines are numbered from the start of their file, read errors and skipped lines
 * reported as the one-thread reader does. Returns the events grouped by run. `given`: the pieces
 * of the kept chunks, by file name; `pieces`: filled with every piece, in order.
 */
export async function readIntoPlan(
  pool: WorkerPool,
  fileCount: number,
  chunks: readonly Chunk[],
  counts: ReadCounts,
  onFile: LoadOptions['onFile'],
  given: ReadonlyMap<string, readonly ReadPiece[]> | null = null,
  pieces: ReadPiece[] | null = null,
): Promise<RunPlan> {
  const index = new RunIndex();
  await readInOrder(pool, fileCount, chunks, counts, onFile, (piece, first, lineOffset, chunk) => {
    if (first) index.beginFile(chunk.file.name);
    index.add(piece.batch, lineOffset);
    // Kept to the end of a build: the reasons of a piece's first skipped lines only (a build lists no more).
    pieces?.push(piece.skipped.length > SKIPPED_KEPT ? { ...piece, skipped: piece.skipped.slice(0, SKIPPED_KEPT) } : piece);
  }, given);
  return index.plan();
}

/**
 * Reads the chunks on the pool's workers and hands each chunk's events to `take` in file order,
 * with whether it is its file's first and the number of lines of its file before it; read errors,
 * skipped lines and spans are reported and counted as the one-thread reader does. A kept chunk's
 * pieces come from `given` (by its file's name), each taken as a chunk read would be.
 */
async function readInOrder(
  pool: WorkerPool,
  fileCount: number,
  chunks: readonly Chunk[],
  counts: ReadCounts,
  onFile: LoadOptions['onFile'],
  take: (piece: ReadPiece, first: boolean, lineOffset: number, chunk: Chunk) => void,
  given: ReadonlyMap<string, readonly ReadPiece[]> | null = null,
): Promise<void> {
  let lineOffset = 0;
  const placed = (piece: ReadPiece, chunk: Chunk, first: boolean): void => {
    const name = chunk.file.name;
    if (first) lineOffset = 0;
    take(piece, first, lineOffset, chunk);
    for (const s of piece.skipped) counts.skip(name, lineOffset + s.line, s.reason);
    counts.skipUnlisted(piece.skippedLines - piece.skipped.length);
    counts.spans += piece.spans;
    lineOffset += piece.lineCount;
  };
  await pool.readChunks(
    chunks,
    (result, chunk) => {
      if (result.error !== undefined) throw new InputError(`${chunk.file.name}: cannot read (${result.error})`);
      placed({ file: chunk.fileIndex, start: chunk.start, whole: chunk.end === null, lineCount: result.lineCount, spans: result.spans, skippedLines: result.skipped.length, skipped: result.skipped, batch: result.batch, sha256: null }, chunk, chunk.first);
      if (chunk.last) onFile?.(chunk.file, chunk.fileIndex, fileCount);
    },
    (chunk) => {
      const pieces = given?.get(chunk.file.name);
      if (pieces === undefined || pieces.length === 0) throw new Error(`no kept events for ${chunk.file.name}`);
      pieces.forEach((p, k) => placed({ ...p, file: chunk.fileIndex }, chunk, k === 0));
      if (chunk.last) onFile?.(chunk.file, chunk.fileIndex, fileCount);
    },
  );
}

/**
 * The spans of the inputs, read on the pool's workers: this thread takes each chunk's events in
 * file order, as the one-thread reader would meet them, and routes each to its run's context
 * (the runs keep nothing else). The workers keep no lines: a span's original fields, when asked
 * for, are parsed from its line read again from the file (only for the spans the filter passes).
 */
async function readSpansOnThreads(
  chunks: readonly Chunk[],
  fileCount: number,
  options: LoadOptions,
  counts: ReadCounts,
  onSpan: (span: Span) => void,
  spanFilter: ((span: Span) => boolean) | undefined,
  spanFields: boolean,
): Promise<void> {
  const pool = new WorkerPool(Math.min(options.workers ?? defaultWorkers(), chunks.length), { keepText: false, fast: options.fastPath !== false, shared: false });
  options.onReading?.(true);
  const assembler = new RunAssembler(false, true);
  // One event object decoded into again and again: a context-only run keeps none of it.
  const event = emptyEvent();
  try {
    await readInOrder(pool, fileCount, chunks, counts, options.onFile, ({ batch }, first, lineOffset, chunk) => {
      if (first) assembler.beginFile();
      const file = chunk.file.name;
      const lines = spanFields ? new RereadChunk(chunk) : null;
      // Event i's place among its line's events (an OpenTelemetry line gives many).
      let line = 0;
      let nth = 0;
      for (let i = 0; i < batch.count; i++) {
        decodeEvent(batch, i, event);
        const at = lineOf(batch, i);
        nth = at === line ? nth + 1 : 0;
        line = at;
        const src: SourceRef = { file, line: lineOffset + at };
        const span = toSpan(event, assembler.add(event, src), src, {});
        if (spanFilter && !spanFilter(span)) continue;
        if (lines) span.fields = lines.fieldsOf(at, nth);
        onSpan(span);
      }
    });
  } finally {
    await pool.close();
  }
}
