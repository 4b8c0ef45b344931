import { parentPort, workerData } from 'node:worker_threads';
import { transferables } from './event-batch.js';
import type { Chunk } from './chunks.js';
import { readChunk } from './chunk-reader.js';

/** A reading worker: chunk in, batch of events out. */
const data = workerData as { keepText?: boolean; fast?: boolean } | null;
const keepText = Boolean(data?.keepText);
const fast = Boolean(data?.fast);

parentPort!.on('message', (chunk: Chunk) => {
  void readChunk(chunk, keepText, fast).then((result) => {
    parentPort!.postMessage(result, transferables(result.batch));
  });
});
