import v8 from 'node:v8';

/**
 * How far V8 lets a heap grow past what survived its last full collection before it collects
 * again, in percent. V8 picks a factor of its own, up to 4× and about 2.75× in a long `build`:
 * a build of 5M spans that holds 400 MB of live data let its heap grow to 1.1 GB of mostly
 * garbage before the next full collection. At 1.5× the collections come more often, but each
 * finds the same small live set: in the benchmarks, no slower and 100–600 MB less peak memory
 * (BENCHMARKS.md, tenth round). Set for the whole process, so the worker threads' heaps too.
 */
export const HEAP_GROWING_PERCENT = 50;

/** Sets the heap's growing factor for this process, unless node was started with one. */
export function tuneHeap(execArgv: readonly string[] = process.execArgv): void {
  if (execArgv.some((a) => /^--heap[-_]growing[-_]percent\b/.test(a))) return;
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
