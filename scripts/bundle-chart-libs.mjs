#!/usr/bin/env node
/**
 * Part of `npm run build`, after tsc: replaces dist/charts/chart-libs.js (vega and vega-lite
 * re-exported, see src/charts/chart-libs.ts) with one file that holds both packages and their
 * dependencies, as installed. The same code, loaded by Node from one file instead of a hundred-odd
 * modules: the charts' first use costs about 0.1 s less. The packages' license comments are kept
 * at the end of the file.
 *
 * Where esbuild cannot run (its platform's package left out, say), the build goes on with tsc's
 * file, which loads the packages: the same charts, a little slower to start. The test suite
 * checks that the file is bundled, so this project's CI does not go on quietly.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const file = path.join(root, 'dist/charts/chart-libs.js');

try {
  const { build } = await import('esbuild');
  await build({
    entryPoints: [file],
    outfile: file,
    allowOverwrite: true,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    legalComments: 'eof',
    logLevel: 'warning',
  });
  // tsc's source map is of the file replaced.
  rmSync(`${file}.map`, { force: true });
} catch (err) {
  console.warn(`trace-report: vega and vega-lite not bundled (${err instanceof Error ? err.message.split('\n')[0] : String(err)}); the charts load the packages instead`);
}
