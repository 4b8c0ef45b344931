// Preloaded with `node --import` into a measured process: reports its peak RSS and its CPU time
// (user and system, every thread of the process) on exit. Worker threads are started with the
// same flags and preload it too: only the main thread reports (a worker that ends on its own
// runs its 'exit' listeners, and its figures would be the process's so far).
import { isMainThread } from 'node:worker_threads';

if (isMainThread) {
  process.on('exit', () => {
    const { maxRSS, userCPUTime, systemCPUTime } = process.resourceUsage();
    process.stderr.write(`\n@@bench maxRssKb=${maxRSS} cpuUs=${userCPUTime + systemCPUTime} sysUs=${systemCPUTime}\n`);
  });
}
