import { closeSync, openSync, readSync } from 'node:fs';
import type { SkippedLine } from '../../model/types.js';
import { lineToEvents, type EventSink } from '../line-events.js';
import { eachLine, readLines, TruncatedInputError, type LineHandler, type NativeLines } from '../lines.js';
import { nativeBlock } from '../../normalise/native-scan.js';
import { BatchWriter, type EventBatch } from './event-batch.js';
import type { Chunk } from './chunks.js';

/** What a worker sends back for a chunk. Line numbers count from the chunk's first line. */
export interface ChunkResult {
  index: number;
  batch: EventBatch;
  /** How many lines the chunk held (so that the next chunk's lines can be numbered). */
  lineCount: number;
  spans: number;
  skipped: Omit<SkippedLine, 'file'>[];
  /** A read error to report as the loader would (missing file, unreadable). */
  error?: string;
}

// One writer and one read buffer, used for chunk after chunk (see `BatchWriter.reset`): a thread
// reads one chunk at a time.
let reused: { writer: BatchWriter; keepText: boolean; fast: boolean } | undefined;
let readBuffer = Buffer.alloc(0);

/**
 * Reads one chunk into a batch of events: the same per-line work as the sequential loader. A
 * thread reads one chunk at a time (the writer and the buffer are reused).
 */
export async function readChunk(chunk: Chunk, keepText: boolean, fast = true, shared = false): Promise<ChunkResult> {
  // The strings of a batch are numbered by the compiled scan's table where it is built.
  if (reused?.keepText !== keepText || reused.fast !== fast) reused = { writer: new BatchWriter(keepText, fast ? (nativeBlock()?.newTable() ?? null) : null), keepText, fast };
  const writer = reused.writer;
  writer.reset();
  const skipped: ChunkResult['skipped'] = [];
  let spans = 0;
  let current = 0;
  const sink: EventSink = {
    event: (e) => writer.push(e, current),
    skip: (reason) => void skipped.push({ line: current, reason }),
    spans: (n) => void (spans += n),
    fast,
    flatLine: (bytes) => writer.pushFlat(bytes, current),
  };
  let lineCount = 0;
  const onLine: LineHandler = (bytes, start, end, line) => {
    current = line;
    lineCount = line;
    lineToEvents(bytes, start, end, sink);
  };
  // The flat lines the compiled scan read, their texts looked up in the batch's table as it read them.
  const native: NativeLines = {
    table: writer.nativeTable,
    block: (bytes, block) => writer.takeAdded(bytes, block),
    line: (bytes, block, r, line) => {
      if (!writer.pushNative(bytes, block, r, line)) return false;
      current = line;
      lineCount = line;
      spans++;
      return true;
    },
    lines: (bytes, block, from, count, line) => {
      const taken = writer.pushNativeRows(bytes, block, from, count, line);
      if (taken > 0) {
        current = line + taken - 1;
        lineCount = current;
        spans += taken;
      }
      return taken;
    },
  };
  try {
    if (chunk.end === null) await readLines(chunk.file, onLine, fast ? native : null);
    else readRange(chunk.file.path, chunk.start, chunk.end, onLine, fast ? native : null);
  } catch (err) {
    if (err instanceof TruncatedInputError) skipped.push({ line: err.line, reason: 'compressed data ends early' });
    else return { index: chunk.index, batch: writer.finish(shared), lineCount, spans, skipped, error: (err as Error).message };
  }
  return { index: chunk.index, batch: writer.finish(shared), lineCount, spans, skipped };
}

/**
 * Reads a byte range that starts at a line start and ends after a line feed (or at the end), and
 * hands over its lines as positions in the range's bytes (see `eachLine`). The reads block: a
 * reading thread has nothing else to do meanwhile, and each call handed to libuv's threads and
 * back left it idle for about 5 ms a chunk (a third of its time at 1M spans).
 */
function readRange(path: string, start: number, end: number, onLine: LineHandler, native: NativeLines | null): void {
  const fd = openSync(path, 'r');
  if (readBuffer.length < end - start) readBuffer = Buffer.allocUnsafe(end - start);
  const buf = readBuffer.subarray(0, end - start);
  let got = 0;
  try {
    while (got < buf.length) {
      const bytesRead = readSync(fd, buf, got, buf.length - got, start + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
  } finally {
    closeSync(fd);
  }
  eachLine(got < buf.length ? buf.subarray(0, got) : buf, 0, onLine, native);
}
