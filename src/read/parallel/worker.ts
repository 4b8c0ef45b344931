import { parentPort, workerData } from 'node:worker_threads';
import { transferables } from './event-batch.js';
import type { Chunk } from './chunks.js';
import { readChunk } from './chunk-reader.js';

/** A reading worker: chunk in, batch of events out. */
const keepText = Boolean((workerData as { keepText?: boolean } | null)?.keepText);

parentPort!.on('message', (chunk: Chunk) => {
  void readChunk(chunk, keepText).then((result) => {
    parentPort!.postMessage(result, transferables(result.batch));
  });
});
