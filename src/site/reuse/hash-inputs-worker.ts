import { parentPort, workerData } from 'node:worker_threads';
import { hashInputs } from './input-hashes.js';
import type { HashJob } from './input-hashes.js';

/**
 * A thread that reads the inputs for a build's stamp (hashInputs) and sends back what it found;
 * its loop then empties and it ends on its own.
 */
const job = workerData as HashJob;
hashInputs(job.files, job.previous).then(
  (inputs) => parentPort!.postMessage({ inputs }),
  (e: unknown) => parentPort!.postMessage({ failed: { message: e instanceof Error ? e.message : String(e), code: (e as NodeJS.ErrnoException | null)?.code } }),
);
