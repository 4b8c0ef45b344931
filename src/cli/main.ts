#!/usr/bin/env node
import { leanMalloc } from '../normalise/native-scan.js';
import { tuneHeap } from './heap.js';
import { main } from './program.js';

// A batch tool: a heap held close to its live data, for the threads too (heap.ts), and an
// allocator that gives back the large blocks it frees (native-scan.ts).
tuneHeap();
leanMalloc();

// `trace-report … | head` closes the pipe early: that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

process.exitCode = await main(process.argv);
