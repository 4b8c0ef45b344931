#!/usr/bin/env node
import { tuneHeap } from './heap.js';
import { main } from './program.js';

// A batch tool: a heap held close to its live data, for the threads too (heap.ts).
tuneHeap();

// `trace-report … | head` closes the pipe early: that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

process.exitCode = await main(process.argv);
