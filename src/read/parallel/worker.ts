import { parentPort, workerData } from 'node:worker_threads';
import { transferables } from './event-batch.js';
import { assembleRuns, type AssembleJob } from './assemble.js';
import { readChunk } from './chunk-reader.js';
import type { WorkerOptions, WorkerRequest } from './pool.js';

/**
 * A worker: a chunk in, a batch of events out; or a job: summarise a range of runs, or build a
 * range of runs and write their pages (the site code is loaded only then).
 */
const options = workerData as WorkerOptions;

async function runJob(request: Extract<WorkerRequest, { kind: 'job' }>): Promise<unknown> {
  switch (request.name) {
    case 'summarise-runs':
      return assembleRuns(request.job as AssembleJob);
    case 'write-run-pages': {
      const { writeRunPages } = await import('../../site/run-pages-job.js');
      return writeRunPages(request.job as Parameters<typeof writeRunPages>[0]);
    }
  }
}

parentPort!.on('message', (request: WorkerRequest) => {
  if (request.kind === 'job') {
    // A failing job fails the worker, which the pool reports as the job's error.
    void runJob(request).then((result) => parentPort!.postMessage(result), (err: unknown) => {
      throw err;
    });
    return;
  }
  void readChunk(request.chunk, options.keepText, options.fast, options.shared).then((result) => {
    parentPort!.postMessage(result, transferables(result.batch));
  });
});
