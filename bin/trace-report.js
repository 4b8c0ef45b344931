#!/usr/bin/env node
// The installed command: runs the compiled CLI (built by `npm run build`, or on `npm ci` by
// `prepare`), from its bundle when there is one made from the compiled modules as they are
// (src/bundle-choice.ts).
import { bundledOr } from '../dist/bundle-choice.js';

await import(bundledOr(new URL('../dist/bundle/cli/main.js', import.meta.url), new URL('../dist/cli/main.js', import.meta.url)).href);
