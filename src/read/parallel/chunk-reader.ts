import { open } from 'node:fs/promises';
import type { SkippedLine } from '../../model/types.js';
import { lineToEvents } from '../line-events.js';
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

const LF = 0x0a;
const CR = 0x0d;

/** Reads one chunk into a batch of events: the same per-line work as the sequential loader. */
export async function readChunk(chunk: Chunk, keepText: boolean): Promise<ChunkResult> {
  const writer = new BatchWriter(keepText);
  const skipped: ChunkResult['skipped'] = [];
  let spans = 0;
  let current = 0;
  const sink = {
    event: (e: Parameters<BatchWriter['push']>[0]) => writer.push(e, current),
    skip: (reason: string) => void skipped.push({ line: current, reason }),
    spans: (n: number) => void (spans += n),
  };
  const onLine = (text: string, line: number) => {
    current = line;
    lineToEvents(text, sink);
  };
  let lineCount = 0;
  try {
    if (chunk.end === null) {
      await readLines(chunk.file, (text, line) => {
        lineCount = line;
        onLine(text, line);
      });
    } else {
      lineCount = await readRange(chunk.file.path, chunk.start, chunk.end, onLine);
    }
  } catch (err) {
    if (err instanceof TruncatedInputError) skipped.push({ line: err.line, reason: 'compressed data ends early' });
    else return { index: chunk.index, batch: writer.finish(), lineCount, spans, skipped, error: (err as Error).message };
  }
  return { index: chunk.index, batch: writer.finish(), lineCount, spans, skipped };
}

/** Reads a byte range that starts at a line start and ends after a line feed (or at the end). */
async function readRange(path: string, start: number, end: number, onLine: (text: string, line: number) => void): Promise<number> {
  const handle = await open(path, 'r');
  const buf = Buffer.allocUnsafe(end - start);
  try {
    let got = 0;
    while (got < buf.length) {
      const { bytesRead } = await handle.read(buf, got, buf.length - got, start + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
  } finally {
    await handle.close();
  }
  let line = 0;
  let pos = 0;
  while (pos < buf.length) {
    let nl = buf.indexOf(LF, pos);
    const next = nl === -1 ? buf.length : nl + 1;
    if (nl === -1) nl = buf.length;
    let stop = nl;
    if (stop > pos && buf[stop - 1] === CR) stop--;
    line++;
    let text = buf.toString('utf8', pos, stop);
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    onLine(text, line);
    pos = next;
  }
  return line;
}
