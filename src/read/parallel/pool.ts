import { Worker } from 'node:worker_threads';
import type { Chunk } from './chunks.js';
import type { ChunkResult } from './chunk-reader.js';

/** The compiled worker. Under the test runner (TypeScript sources) the compiled copy in dist/ is used. */
function workerUrl(): URL {
  const here = new URL(import.meta.url);
  return here.pathname.endsWith('.ts') ? new URL('../../../dist/read/parallel/worker.js', here) : new URL('./worker.js', here);
}

/**
 * Reads chunks on `workers` threads and hands the results to `consume` strictly in chunk order,
 * so that everything downstream sees the lines exactly as a single pass would. At most a few
 * chunks wait ahead of the consumer, which bounds memory when the main thread is the slower side.
 */
export async function readChunksInParallel(
  chunks: readonly Chunk[],
  options: { workers: number; keepText: boolean; fast: boolean },
  consume: (result: ChunkResult, chunk: Chunk) => void,
): Promise<void> {
  if (chunks.length === 0) return;
  const count = Math.max(1, Math.min(options.workers, chunks.length));
  const ahead = count * 2;
  // Workers take the parent's flags, except one that only applies to code given as a string.
  const execArgv = process.execArgv.filter((a) => !a.startsWith('--input-type') && a !== '--eval' && a !== '-e');
  const pool = Array.from({ length: count }, () => new Worker(workerUrl(), { workerData: { keepText: options.keepText, fast: options.fast }, execArgv }));
  const ready = new Map<number, ChunkResult>();
  let nextToSend = 0;
  let nextToConsume = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const idle: Worker[] = [];
      const dispatch = () => {
        while (idle.length > 0 && nextToSend < chunks.length && nextToSend - nextToConsume < ahead) {
          idle.pop()!.postMessage(chunks[nextToSend++]);
        }
      };
      for (const worker of pool) {
        worker.on('message', (result: ChunkResult) => {
          ready.set(result.index, result);
          idle.push(worker);
          try {
            for (let r = ready.get(nextToConsume); r; r = ready.get(nextToConsume)) {
              ready.delete(nextToConsume);
              consume(r, chunks[nextToConsume]!);
              nextToConsume++;
            }
          } catch (err) {
            reject(err);
            return;
          }
          if (nextToConsume === chunks.length) resolve();
          else dispatch();
        });
        worker.on('error', reject);
        idle.push(worker);
      }
      dispatch();
    });
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
}
