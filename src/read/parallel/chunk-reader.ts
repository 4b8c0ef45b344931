import { open } from 'node:fs/promises';
import type { SkippedLine } from '../../model/types.js';
import { flatLineToEvents, lineToEvents, type EventSink } from '../line-events.js';
import { eachLine, readLines, TruncatedInputError, type LineHandler } from '../lines.js';
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
let reused: { writer: BatchWriter; keepText: boolean } | undefined;
let readBuffer = Buffer.alloc(0);

/**
 * Reads one chunk into a batch of events: the same per-line work as the sequential loader. A
 * thread reads one chunk at a time (the writer and the buffer are reused).
 */
export async function readChunk(chunk: Chunk, keepText: boolean, fast = true, shared = false): Promise<ChunkResult> {
  if (reused?.keepText !== keepText) reused = { writer: new BatchWriter(keepText), keepText };
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
  // A flat line the compiled scan read.
  const onFlat: LineHandler = (bytes, _start, _end, line) => {
    current = line;
    lineCount = line;
    flatLineToEvents(bytes, sink);
  };
  try {
    if (chunk.end === null) await readLines(chunk.file, onLine, fast ? onFlat : null);
    else await readRange(chunk.file.path, chunk.start, chunk.end, onLine, fast ? onFlat : null);
  } catch (err) {
    if (err instanceof TruncatedInputError) skipped.push({ line: err.line, reason: 'compressed data ends early' });
    else return { index: chunk.index, batch: writer.finish(shared), lineCount, spans, skipped, error: (err as Error).message };
  }
  return { index: chunk.index, batch: writer.finish(shared), lineCount, spans, skipped };
}

/**
 * Reads a byte range that starts at a line start and ends after a line feed (or at the end), and
 * hands over its lines as positions in the range's bytes (see `eachLine`).
 */
async function readRange(path: string, start: number, end: number, onLine: LineHandler, onFlat: LineHandler | null): Promise<void> {
  const handle = await open(path, 'r');
  if (readBuffer.length < end - start) readBuffer = Buffer.allocUnsafe(end - start);
  const buf = readBuffer.subarray(0, end - start);
  let got = 0;
  try {
    while (got < buf.length) {
      const { bytesRead } = await handle.read(buf, got, buf.length - got, start + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
  } finally {
    await handle.close();
  }
  eachLine(got < buf.length ? buf.subarray(0, got) : buf, 0, onLine, onFlat);
}
