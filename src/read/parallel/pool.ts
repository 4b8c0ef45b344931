import type { Worker } from 'node:worker_threads';
import { InputError, OutputError } from '../../errors.js';
import { startWorker, stopWorker, workerScript } from '../../start-worker.js';
import type { Chunk } from './chunks.js';
import type { ChunkResult } from './chunk-reader.js';


export interface WorkerOptions {
  keepText: boolean;
  /** Read flat lines the fast way (line-events.ts). */
  fast: boolean;
  /** Put event columns in shared memory (for building runs on the workers afterwards). */
  shared: boolean;
  /** The thread will write run pages: it loads that code as it starts, not when the job comes. */
  pages?: boolean;
  /** The young generation's size limit, in MB (8 when not given: see WorkerPool). */
  youngGenerationMb?: number;
}

/** The jobs a worker runs besides reading (see worker.ts). */
export type JobName = 'summarise-runs' | 'write-run-pages' | 'write-call-exports-then-pages' | 'run-keys';

/** What a worker sends back when a job throws. */
export interface JobFailure {
  jobFailed: { name: string; message: string; stack: string };
}

/** A job's error as thrown on this thread: the tool's own errors keep their kind (and exit code). */
function rethrown(f: JobFailure['jobFailed']): Error {
  const err = f.name === 'OutputError' ? new OutputError(f.message) : f.name === 'InputError' ? new InputError(f.message) : new Error(f.message);
  err.stack = f.stack;
  return err;
}

/** What a worker is asked: read a chunk, or run a job. */
export type WorkerRequest = { kind: 'read'; chunk: Chunk } | { kind: 'job'; name: JobName; job: unknown };

/** Reading and run-building threads, started once and used for both. */
export class WorkerPool {
  private readonly workers: Worker[];

  constructor(count: number, options: WorkerOptions) {
    // A small young generation by default: what a worker makes per line dies young, and a large
    // one only adds to the resident memory of every thread (measured: ~100 MB less at 1M spans,
    // same time). Threads that build runs ask for more (see summariseTraces).
    const resourceLimits = { maxYoungGenerationSizeMb: options.youngGenerationMb ?? 8 };
    this.workers = Array.from({ length: Math.max(1, count) }, () => startWorker(workerScript(import.meta.url, 'read/parallel/worker.js'), { workerData: options, resourceLimits }));
  }

  get size(): number {
    return this.workers.length;
  }

  /**
   * Reads chunks and hands the results to `consume` strictly in chunk order, so that everything
   * downstream sees the lines exactly as a single pass would. At most a few chunks wait ahead of
   * the consumer, which bounds memory when the main thread is the slower side. Each worker has
   * two chunks asked of it at a time, so that it never waits for this thread between chunks.
   * A kept chunk (events an earlier build read) is not read: `kept` is called for it in its place.
   */
  async readChunks(chunks: readonly Chunk[], consume: (result: ChunkResult, chunk: Chunk) => void, kept?: (chunk: Chunk) => void): Promise<void> {
    if (chunks.length === 0) return;
    const ahead = this.workers.length * 3;
    const ready = new Map<number, ChunkResult>();
    let nextToSend = 0;
    let nextToConsume = 0;
    const handlers = new Map<Worker, { message: (r: ChunkResult) => void; error: (e: Error) => void }>();
    try {
      await new Promise<void>((resolve, reject) => {
        // A worker once for each chunk it can take now.
        const idle: Worker[] = [];
        const dispatch = () => {
          while (idle.length > 0 && nextToSend < chunks.length && nextToSend - nextToConsume < ahead) {
            const chunk = chunks[nextToSend++]!;
            if (chunk.kept) continue;
            const request: WorkerRequest = { kind: 'read', chunk };
            idle.pop()!.postMessage(request);
          }
        };
        /** Hands over every chunk that is ready, in order; true once all are. */
        const drain = (): boolean => {
          for (;;) {
            const chunk = chunks[nextToConsume];
            if (chunk === undefined) return true;
            if (chunk.kept) {
              if (!kept) throw new Error('a kept chunk with nothing to take it');
              kept(chunk);
            } else {
              const r = ready.get(nextToConsume);
              if (r === undefined) return false;
              ready.delete(nextToConsume);
              consume(r, chunk);
            }
            nextToConsume++;
          }
        };
        const settle = (): void => {
          try {
            if (drain()) resolve();
            else dispatch();
          } catch (err) {
            reject(err);
          }
        };
        for (const worker of this.workers) {
          const message = (result: ChunkResult) => {
            ready.set(result.index, result);
            idle.push(worker);
            settle();
          };
          handlers.set(worker, { message, error: reject });
          worker.on('message', message);
          worker.on('error', reject);
          idle.push(worker, worker);
        }
        // The workers start on the first chunks to read while this thread takes the kept ones before them.
        dispatch();
        settle();
      });
    } finally {
      for (const [worker, h] of handlers) {
        worker.off('message', h.message);
        worker.off('error', h.error);
      }
    }
  }

  /**
   * Runs one job on each of the first `jobs.length` workers; results in the order of the jobs.
   * When one fails, the others are still waited for (they may be writing into a folder that the
   * caller removes next), then the first failure is thrown.
   */
  async runJobs<T>(name: JobName, jobs: readonly unknown[]): Promise<T[]> {
    // One job a worker: a worker's reply is matched to its job by the worker alone.
    if (jobs.length > this.workers.length) throw new Error(`${jobs.length} jobs for ${this.workers.length} workers`);
    const settled = await Promise.allSettled(
      jobs.map(
        (job, k) =>
          new Promise<T>((resolve, reject) => {
            const worker = this.workers[k]!;
            worker.once('message', (result: T | JobFailure) => {
              worker.off('error', reject);
              if (typeof result === 'object' && result !== null && 'jobFailed' in result) reject(rethrown(result.jobFailed));
              else resolve(result);
            });
            worker.once('error', reject);
            const request: WorkerRequest = { kind: 'job', name, job };
            worker.postMessage(request);
          }),
      ),
    );
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    return settled.map((r) => (r as PromiseFulfilledResult<T>).value);
  }

  /** Stops the threads (each ends on its own: see stopWorker); resolves to their exit codes. */
  close(): Promise<number[]> {
    return Promise.all(this.workers.map(stopWorker));
  }
}
