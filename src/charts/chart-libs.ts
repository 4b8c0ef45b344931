/**
 * vega and vega-lite, as the charts load them (load-chart-libs.ts): one module, which `npm run
 * build` bundles into a single script with its V8 code cache (scripts/bundle-chart-libs.mjs).
 * Node loads the two packages' hundred-odd modules in about 0.2 s; the bundle in about 0.08 s,
 * with 10 MB less memory. The code is the same: the installed versions of the packages. This
 * module itself is what a `dist/` built by tsc alone loads.
 */
export * as vega from 'vega';
export * as vl from 'vega-lite';
