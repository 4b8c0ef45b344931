import { closeSync, openSync, writeFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { WRITE_FLAGS } from './write-flags.js';

/** The writing thread: batches of files in, the count written (or the first failure) out. */
export interface WriteBatch {
  files: { abs: string; content: string | Uint8Array }[];
}
export type WriteReply = { written: number; bytes: number } | { failed: string; code: string | undefined; abs: string };

let stopped = false;

parentPort!.on('message', (batch: WriteBatch) => {
  // After a failure nothing more is written: the build is failing and its folder will go.
  if (stopped) return;
  let bytes = 0;
  for (const file of batch.files) {
    try {
      const fd = openSync(file.abs, WRITE_FLAGS, 0o666);
      try {
        writeFileSync(fd, file.content);
      } finally {
        closeSync(fd);
      }
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      stopped = true;
      const reply: WriteReply = { failed: err.message, code: err.code, abs: file.abs };
      parentPort!.postMessage(reply);
      return;
    }
    bytes += typeof file.content === 'string' ? Buffer.byteLength(file.content) : file.content.byteLength;
  }
  const reply: WriteReply = { written: batch.files.length, bytes };
  parentPort!.postMessage(reply);
});
