// Preloaded with `node --import` into a measured process: reports its peak RSS and its CPU time
// (user and system, every thread of the process) on exit.
process.on('exit', () => {
  const { maxRSS, userCPUTime, systemCPUTime } = process.resourceUsage();
  process.stderr.write(`\n@@bench maxRssKb=${maxRSS} cpuUs=${userCPUTime + systemCPUTime} sysUs=${systemCPUTime}\n`);
});
