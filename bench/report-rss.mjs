// Preloaded with `node --import` into a measured process: reports its peak RSS on exit.
process.on('exit', () => {
  const maxRssKb = process.resourceUsage().maxRSS;
  process.stderr.write(`\n@@bench maxRssKb=${maxRssKb}\n`);
});
