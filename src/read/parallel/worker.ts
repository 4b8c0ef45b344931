import { parentPort, workerData } from 'node:worker_threads';
import { transferables } from './event-batch.js';
import { assembleRuns, type AssembleJob } from './assemble.js';
import { readChunk } from './chunk-reader.js';
import type { JobFailure, WorkerOptions, WorkerRequest } from './pool.js';
import { STOP_WORKER } from '../../start-worker.js';

/**
 * A worker: a chunk in, a batch of events out; or a job: summarise a range of runs, build a
 * range of runs and write their pages, or write the exports of every call (the site code is
 * loaded only then).
 */
const options = workerData as WorkerOptions;

/** The site code, loaded once: as the thread starts when it will write run pages (`pages`). */
let pagesCode: Promise<typeof import('../../site/run-pages-job.js')> | null = null;
const loadPagesCode = () => (pagesCode ??= import('../../site/run-pages-job.js'));
// A failure to load is the job's to report; not an unhandled rejection meanwhile.
if (options.pages) loadPagesCode().catch(() => undefined);

async function runJob(request: Extract<WorkerRequest, { kind: 'job' }>): Promise<unknown> {
  switch (request.name) {
    case 'summarise-runs':
      return assembleRuns(request.job as AssembleJob);
    case 'write-run-pages': {
      const { writeRunPages } = await loadPagesCode();
      return writeRunPages(request.job as Parameters<typeof writeRunPages>[0]);
    }
    case 'run-keys': {
      const { runKeysJob } = await import('../../site/reuse/run-keys.js');
      return runKeysJob(request.job as Parameters<typeof runKeysJob>[0]);
    }
    case 'write-call-exports-then-pages': {
      const { writeCallExportsThenPages } = await import('../../site/exports-job.js');
      const { writeRunPages } = await loadPagesCode();
      return writeCallExportsThenPages(request.job as Parameters<typeof writeCallExportsThenPages>[0], writeRunPages);
    }
  }
}

// The chunk being read; the next waits for it (a thread reuses one buffer and writer for them).
let reading = Promise.resolve();

parentPort!.on('message', (request: WorkerRequest | typeof STOP_WORKER) => {
  // Asked to stop: once the chunks asked for are read, the port closes and the thread ends.
  if (request === STOP_WORKER) {
    const close = () => parentPort!.close();
    void reading.then(close, close);
    return;
  }
  if (request.kind === 'job') {
    // A job's failure goes back as its kind and message, for the pool to throw as the same error.
    void runJob(request).then(
      (result) => parentPort!.postMessage(result),
      (err: unknown) => {
        const e = err instanceof Error ? err : new Error(String(err));
        const failure: JobFailure = { jobFailed: { name: e.name, message: e.message, stack: e.stack ?? '' } };
        parentPort!.postMessage(failure);
      },
    );
    return;
  }
  reading = reading.then(async () => {
    const result = await readChunk(request.chunk, options.keepText, options.fast, options.shared);
    parentPort!.postMessage(result, transferables(result.batch));
  });
});
