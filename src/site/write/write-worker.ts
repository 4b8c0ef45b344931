import { parentPort } from 'node:worker_threads';
import { writeBatch } from './inline-writer.js';
import { STOP_WORKER } from '../../start-worker.js';

/** The writing thread: batches of files in, the count written (or the first failure) out. */
export interface WriteBatch {
  /** `old`: the previous build's file, linked instead when it holds the same bytes (reuse-file.ts). */
  files: { abs: string; content: string | Uint8Array; old: string | null }[];
}
/** `failed`: the OutputError's message for the file `abs`, the first that could not be written. */
export type WriteReply = { written: number; bytes: number } | { failed: string; abs: string };

let stopped = false;

parentPort!.on('message', (batch: WriteBatch | typeof STOP_WORKER) => {
  if (batch === STOP_WORKER) {
    parentPort!.close();
    return;
  }
  // After a failure nothing more is written: the build is failing and its folder will go.
  if (stopped) return;
  const reply = writeBatch(batch.files);
  if ('failed' in reply) stopped = true;
  parentPort!.postMessage(reply);
});
