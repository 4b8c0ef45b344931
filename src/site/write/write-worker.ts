import { parentPort } from 'node:worker_threads';
import { writeOrReuse } from './reuse-file.js';

/** The writing thread: batches of files in, the count written (or the first failure) out. */
export interface WriteBatch {
  /** `old`: the previous build's file, linked instead when it holds the same bytes (reuse-file.ts). */
  files: { abs: string; content: string | Uint8Array; old: string | null }[];
}
/** `failed`: the OutputError's message for the file `abs`, the first that could not be written. */
export type WriteReply = { written: number; bytes: number } | { failed: string; abs: string };

let stopped = false;

parentPort!.on('message', (batch: WriteBatch) => {
  // After a failure nothing more is written: the build is failing and its folder will go.
  if (stopped) return;
  let bytes = 0;
  for (const file of batch.files) {
    try {
      bytes += writeOrReuse(file.abs, file.content, file.old);
    } catch (e) {
      stopped = true;
      const reply: WriteReply = { failed: (e as Error).message, abs: file.abs };
      parentPort!.postMessage(reply);
      return;
    }
  }
  const reply: WriteReply = { written: batch.files.length, bytes };
  parentPort!.postMessage(reply);
});
