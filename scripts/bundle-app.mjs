#!/usr/bin/env node
/**
 * Part of `npm run build`, after tsc: bundles the command (dist/cli/main.js) and the worker
 * threads' scripts, with the packages they import (commander, eta, zod, fast-glob), into
 * `dist/bundle/`, keeping the same paths below it (`dist/bundle/cli/main.js`), with the code they
 * share in `dist/bundle/chunks/`. Node then loads a few files where it loaded about 270 modules:
 * each command, and each thread a build starts, begins about 50 ms sooner.
 *
 * The modules that find files beside them (the templates, the package's version, the compiled
 * scan, the charts' libraries, the code's hash, the workers' scripts) do so from
 * `import.meta.url`; in the bundle each such `import.meta.url` is replaced by the URL its module
 * has in dist/, so that they find the same files. vega and vega-lite stay out (they are loaded
 * from their own bundle, scripts/bundle-chart-libs.mjs), as does the compiled scan.
 *
 * bin/trace-report.js and the workers' starts (src/start-worker.ts) use the bundle when it is
 * there and not older than the modules it was made from (`npx tsc` alone leaves it behind);
 * TRACE_REPORT_BUNDLE=0 makes them load the modules. Where esbuild cannot run, the build goes on
 * without the bundle and says so: the same program, a little slower to start. The test suite
 * runs the bin, so this project's CI runs the bundle.
 */
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const dist = path.join(root, 'dist');
const out = path.join(dist, 'bundle');
/** The command and the workers' scripts (src/start-worker.ts names them by these paths). */
const entries = ['cli/main.js', 'read/parallel/worker.js', 'site/reuse/hash-inputs-worker.js', 'site/write/write-worker.js'];

// A bundle of an earlier build never outlives this one's modules.
await rm(out, { recursive: true, force: true });

/** Each `import.meta.url` of a module of dist/ becomes the URL of that module's file in dist/. */
const moduleUrls = {
  name: 'module-urls',
  setup(build) {
    build.onLoad({ filter: /\.js$/ }, async (args) => {
      if (!args.path.startsWith(dist + path.sep)) return undefined;
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const rel = path.relative(dist, args.path).split(path.sep).join('/');
      return { contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, __traceReportDist).href`), loader: 'js', resolveDir: path.dirname(args.path) };
    });
  },
};

try {
  const { build } = await import('esbuild');
  await build({
    entryPoints: entries.map((e) => path.join(dist, e)),
    outdir: out,
    outbase: dist,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    legalComments: 'eof',
    // Linked maps, through tsc's to src/ (node --enable-source-maps shows src/ in stack traces).
    sourcemap: true,
    logLevel: 'warning',
    plugins: [moduleUrls],
    banner: {
      js: [
        // The packages' CommonJS modules call require().
        "import { createRequire as __traceReportRequire } from 'node:module';",
        'const require = __traceReportRequire(import.meta.url);',
        // dist/, from any file of dist/bundle/ (the last "/bundle/" of its URL).
        "const __traceReportDist = import.meta.url.slice(0, import.meta.url.lastIndexOf('/bundle/') + 1);",
      ].join('\n'),
    },
  });
} catch (err) {
  await rm(out, { recursive: true, force: true });
  console.warn(`trace-report: the program not bundled (${err instanceof Error ? err.message.split('\n')[0] : String(err)}); it loads its modules instead`);
}
