import { open } from 'node:fs/promises';
import type { SkippedLine } from '../../model/types.js';
import { lineToEvents, lineToEventsAt, type EventSink } from '../line-events.js';
import { readLines, TruncatedInputError } from '../lines.js';
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

const CR = 0x0d;

/** Reads one chunk into a batch of events: the same per-line work as the sequential loader. */
export async function readChunk(chunk: Chunk, keepText: boolean, fast = true, shared = false): Promise<ChunkResult> {
  const writer = new BatchWriter(keepText);
  const skipped: ChunkResult['skipped'] = [];
  let spans = 0;
  let current = 0;
  const sink: EventSink = {
    event: (e) => writer.push(e, current),
    skip: (reason) => void skipped.push({ line: current, reason }),
    spans: (n) => void (spans += n),
    fast,
    flatLine: (text) => writer.pushFlat(text, current),
  };
  const onLine = (text: string, line: number) => {
    current = line;
    lineToEvents(text, sink);
  };
  const onLineAt = (text: string, start: number, end: number, line: number) => {
    current = line;
    lineToEventsAt(text, start, end, sink);
  };
  let lineCount = 0;
  try {
    if (chunk.end === null) {
      await readLines(chunk.file, (text, line) => {
        lineCount = line;
        onLine(text, line);
      });
    } else {
      lineCount = await readRange(chunk.file.path, chunk.start, chunk.end, onLineAt);
    }
  } catch (err) {
    if (err instanceof TruncatedInputError) skipped.push({ line: err.line, reason: 'compressed data ends early' });
    else return { index: chunk.index, batch: writer.finish(shared), lineCount, spans, skipped, error: (err as Error).message };
  }
  return { index: chunk.index, batch: writer.finish(shared), lineCount, spans, skipped };
}

/**
 * Reads a byte range that starts at a line start and ends after a line feed (or at the end). The
 * range is decoded once and its lines are handed over as positions in that text: a line feed
 * byte is never part of a multi-byte character, so this equals decoding line by line.
 */
async function readRange(path: string, start: number, end: number, onLine: (text: string, start: number, end: number, line: number) => void): Promise<number> {
  const handle = await open(path, 'r');
  const buf = Buffer.allocUnsafe(end - start);
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
  const text = buf.toString('utf8', 0, got);
  let line = 0;
  let pos = 0;
  while (pos < text.length) {
    let nl = text.indexOf('\n', pos);
    const next = nl === -1 ? text.length : nl + 1;
    if (nl === -1) nl = text.length;
    let stop = nl;
    if (stop > pos && text.charCodeAt(stop - 1) === CR) stop--;
    line++;
    // A byte-order mark starts a file, or, after `cat a.jsonl b.jsonl`, any line.
    onLine(text, text.charCodeAt(pos) === 0xfeff ? pos + 1 : pos, stop, line);
    pos = next;
  }
  return line;
}
