import { parentPort, workerData } from 'node:worker_threads';
import { transferables } from './event-batch.js';
import { assembleRuns, type AssembleJob } from './assemble.js';
import { readChunk } from './chunk-reader.js';
import type { WorkerOptions, WorkerRequest } from './pool.js';

/** A worker: a chunk in, a batch of events out; or a range of runs in, their aggregates out. */
const options = workerData as WorkerOptions;

parentPort!.on('message', (request: WorkerRequest) => {
  if (request.kind === 'assemble') {
    parentPort!.postMessage(assembleRuns(request.job as AssembleJob));
    return;
  }
  void readChunk(request.chunk, options.keepText, options.fast, options.shared).then((result) => {
    parentPort!.postMessage(result, transferables(result.batch));
  });
});
