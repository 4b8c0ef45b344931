import { writeOrReuse } from './reuse-file.js';
import type { WriteBatch, WriteReply } from './write-worker.js';

/** What writeFiles hands its batches to: a thread of its own (WriterThread) or this thread (InlineWriter). */
export interface BatchWriter {
  /** The first failure so far, if any: the path that could not be written, and why. */
  readonly failed: Extract<WriteReply, { failed: string }> | null;
  /** The bytes written so far. */
  readonly bytes: number;
  /** How many files writeFiles gathers into a batch before handing it over. */
  readonly batchFiles: number;
  write(files: WriteBatch['files']): Promise<void>;
  /** Waits for the files handed over; a thread resolves to its exit code. */
  close(): Promise<number | void>;
}

/**
 * Writes each file at once, on this thread. For a build whose run pages other threads write:
 * those keep both cores busy creating files, so a writing thread of its own would only add an
 * isolate's memory (about 20 MB) to the build's peak.
 */
export class InlineWriter implements BatchWriter {
  failed: Extract<WriteReply, { failed: string }> | null = null;
  bytes = 0;
  /**
   * One: a page is written as soon as it is rendered. Pages gathered into batches (up to a
   * megabyte of text) outlived young-generation collections while the next pages were rendered,
   * and were moved to the old generation, where they stayed as garbage until the next full
   * collection: about 25 MB more memory by the end of this thread's own pages of a 1M-span build
   * (BENCHMARKS.md, thirteenth round).
   */
  readonly batchFiles = 1;

  async write(files: WriteBatch['files']): Promise<void> {
    if (this.failed) return;
    const reply = writeBatch(files);
    if ('failed' in reply) this.failed = reply;
    else this.bytes += reply.bytes;
  }

  async close(): Promise<void> {}
}

/**
 * Writes a batch's files in order, on the calling thread (the writing thread's work, and
 * InlineWriter's): the count and bytes written, or the first failure, after which no file of
 * the batch is written.
 */
export function writeBatch(files: WriteBatch['files']): WriteReply {
  let bytes = 0;
  for (const file of files) {
    try {
      bytes += writeOrReuse(file.abs, file.content, file.old);
    } catch (e) {
      return { failed: (e as Error).message, abs: file.abs };
    }
  }
  return { written: files.length, bytes };
}
