#!/usr/bin/env node
/**
 * Part of `npm run build`, after tsc: makes the two files src/charts/load-chart-libs.ts loads vega
 * and vega-lite from.
 *
 * 1. `dist/charts/chart-libs.bundle.cjs`: dist/charts/chart-libs.js (the two packages re-exported)
 *    bundled by esbuild with their dependencies, as installed, into one CommonJS script. Node then
 *    reads one file instead of a hundred-odd modules: the charts' first use costs about 0.1 s
 *    less. The packages' license comments are kept at the end of the file. vega-canvas is left
 *    out (replaced by a module that has no canvas): its Node build imports the optional `canvas`
 *    package with a top-level `await`, which a script cannot hold, and the charts never use a
 *    canvas (they are drawn as SVG, with text widths estimated: render.ts), so without `canvas`
 *    installed, as here, vega gets none either way.
 * 2. `dist/charts/chart-libs.bundle.cache`: V8's code cache of that script, made after rendering a
 *    chart of each kind from the summary of `fixtures/`, so that a build does not compile again
 *    the functions its charts use (about 0.1 s). It holds the script's SHA-256, and V8 checks its
 *    own version and flags: a cache that does not fit is not used.
 *
 * Where esbuild cannot run (its platform's package left out, say), or the cache cannot be made,
 * the build goes on without that file and says so: the charts are the same, a little slower to
 * start. The test suite checks that both files are made and used, so this project's CI does not
 * go on quietly.
 */
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(import.meta.dirname, '..');
const dist = path.join(root, 'dist');
const load = (file) => import(pathToFileURL(path.join(dist, file)).href);
const entry = path.join(dist, 'charts/chart-libs.js');
// Where the charts look for the two files (load-chart-libs.ts, compiled by tsc just before).
const { BUNDLE_FILE: bundle, CACHE_FILE: cache } = await load('charts/load-chart-libs.js');
const firstLine = (err) => (err instanceof Error ? err.message.split('\n')[0] : String(err));

// Files of an earlier build never outlive this one's code.
rmSync(bundle, { force: true });
rmSync(cache, { force: true });

/** vega-canvas without a canvas: what it gives where the optional `canvas` package is not installed. */
const noCanvas = {
  name: 'vega-canvas-none',
  setup(build) {
    build.onResolve({ filter: /^vega-canvas$/ }, () => ({ path: 'vega-canvas', namespace: 'no-canvas' }));
    build.onLoad({ filter: /.*/, namespace: 'no-canvas' }, () => ({
      contents: 'export function canvas() { return null; }\nexport function image() { return null; }\n',
      loader: 'js',
    }));
  },
};

let bundled = false;
try {
  const { build } = await import('esbuild');
  await build({
    entryPoints: [entry],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    legalComments: 'eof',
    logLevel: 'warning',
    plugins: [noCanvas],
  });
  bundled = true;
} catch (err) {
  rmSync(bundle, { force: true });
  console.warn(`trace-report: vega and vega-lite not bundled (${firstLine(err)}); the charts load the packages instead`);
}

if (bundled) {
  try {
    writeFileSync(cache, await warmCodeCache());
  } catch (err) {
    rmSync(cache, { force: true });
    console.warn(`trace-report: no code cache made for the charts' libraries (${firstLine(err)}); they are compiled in each build instead`);
  }
}

/** Renders a chart of each kind from the fixtures' summary, then takes the bundle's code cache. */
async function warmCodeCache() {
  const libs = await load('charts/load-chart-libs.js');
  const { renderChartSvg } = await load('charts/render.js');
  const S = await load('charts/specs.js');
  const { TraceService } = await load('index.js');
  if ((await libs.chartLibsSource()) === 'packages') throw new Error('the bundle did not load');
  const service = new TraceService();
  const spans = await service.load(path.join(root, 'fixtures'));
  const summary = service.summary();
  const durations = spans.map((s) => s.durationMs).filter((d) => d !== null);
  const specs = [
    S.runsPerDaySpec(S.countRunsByDay(service.runs())),
    S.costByModelSpec(summary.byModel),
    S.costByWorkflowSpec(summary.byWorkflow),
    S.costByAgentSpec(summary.byAgent),
    S.costByProviderSpec(summary.byProvider),
    S.dailySpendSpec(summary.byDay),
    S.latencyByModelSpec(summary.byModel),
    S.latencyByAgentSpec(summary.byAgent),
    S.latencyHistogramSpec(durations),
  ];
  for (const [i, spec] of specs.entries()) await renderChartSvg(spec, { id: `warm${i}`, title: S.specTitle(spec) });
  const data = await libs.chartLibsCodeCache();
  if (data === null) throw new Error('the bundle did not load');
  return data;
}
