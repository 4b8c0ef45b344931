#!/usr/bin/env node
// The installed command: runs the compiled CLI (built by `npm run build`, or on `npm ci` by `prepare`).
import '../dist/cli/main.js';
