import { startWorker, stopWorker, workerScript } from '../../start-worker.js';
import type { BatchWriter } from './inline-writer.js';
import type { WriteBatch, WriteReply } from './write-worker.js';

/** Batches waiting to be written at most: bounds the memory held by pages not yet on disk. */
const MAX_WAITING = 8;

/**
 * Writes files on a thread of their own, so that creating files (kernel work, most of a large
 * build's time on ext4) overlaps with rendering the next pages on this thread. Batches are
 * written in the order they are given; a failure stops the writing and is thrown here.
 */
export class WriterThread implements BatchWriter {
  // The thread holds a few batches at a time (files larger than a batch are written by the caller),
  // so a small old generation keeps its heap, and the memory of the strings it was sent, small.
  private readonly worker = startWorker(workerScript(import.meta.url, 'site/write/write-worker.js'), {
    resourceLimits: { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 8 },
  });
  /** A message per batch, not per file: the thread is sent dozens of pages at a time. */
  readonly batchFiles = 64;
  private sent = 0;
  private replied = 0;
  private wake: (() => void) | null = null;
  private failure: Extract<WriteReply, { failed: string }> | null = null;
  private crash: Error | null = null;
  bytes = 0;

  constructor() {
    this.worker.on('message', (reply: WriteReply) => {
      this.replied++;
      if ('failed' in reply) this.failure ??= reply;
      else this.bytes += reply.bytes;
      this.wake?.();
    });
    this.worker.on('error', (err) => {
      this.crash ??= err;
      this.wake?.();
    });
  }

  /** The first failure so far, if any: the path that could not be written, and why. */
  get failed(): Extract<WriteReply, { failed: string }> | null {
    return this.failure;
  }

  /** Queues a batch; waits while too many are queued. */
  async write(files: WriteBatch['files']): Promise<void> {
    const batch: WriteBatch = { files };
    this.worker.postMessage(batch);
    this.sent++;
    while (this.sent - this.replied > MAX_WAITING && !this.failure && !this.crash) await this.next();
    if (this.crash) throw this.crash;
  }

  /** Waits until every batch is written (or one failed), then stops the thread; resolves to its exit code. */
  async close(): Promise<number> {
    while (this.replied < this.sent && !this.failure && !this.crash) await this.next();
    const code = await stopWorker(this.worker);
    if (this.crash) throw this.crash;
    return code;
  }

  private next(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = () => {
        this.wake = null;
        resolve();
      };
    });
  }
}
