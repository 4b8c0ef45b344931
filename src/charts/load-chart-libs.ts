/**
 * Loads vega and vega-lite for the charts. `npm run build` (scripts/bundle-chart-libs.mjs) makes
 * two files beside this module:
 *
 * - `chart-libs.bundle.cjs`: both packages and their dependencies in one script, so that Node
 *   reads one file instead of a hundred-odd modules;
 * - `chart-libs.bundle.cache`: V8's code cache of that script, made after rendering a chart of each
 *   kind, so that the functions the charts use are not compiled again in every build (about 0.1 s
 *   of the first charts' time).
 *
 * The cache is used only when it was made from the very source compiled here (its first 32 bytes
 * are that source's SHA-256); V8 itself refuses one made by another version of V8 or under other
 * flags. Without the cache the script is compiled as usual; without the bundle (a `dist/` built by
 * tsc alone) the packages are imported (chart-libs.ts). Each way gives the same charts, byte for
 * byte (test/charts.test.ts). The cache is part of the built code, never of a site: nothing a
 * build reads from its output folder is compiled.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

export type ChartLibs = typeof import('./chart-libs.js');

/** How the libraries were loaded: the bundle compiled with its code cache, the bundle alone, or the packages. */
export type ChartLibsSource = 'bundle+cache' | 'bundle' | 'packages';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const BUNDLE_FILE = path.join(HERE, 'chart-libs.bundle.cjs');
export const CACHE_FILE = path.join(HERE, 'chart-libs.bundle.cache');
const HASH_BYTES = 32;

interface Loaded {
  libs: ChartLibs;
  source: ChartLibsSource;
  /** The compiled bundle, whose code cache can be made once its functions have run. */
  script: vm.Script | null;
  /** The SHA-256 of the source the script was compiled from. */
  sourceHash: Buffer | null;
}

let loading: Promise<Loaded> | undefined;

function load(): Promise<Loaded> {
  loading ??= (async (): Promise<Loaded> => {
    const bundled = loadBundle();
    if (bundled !== null) return bundled;
    // Imported by its URL: in the program's bundle (scripts/bundle-app.mjs) import.meta.url is
    // still this module's URL in dist/, and the packages stay out of that bundle.
    const libs = (await import(new URL('./chart-libs.js', import.meta.url).href)) as ChartLibs;
    return { libs, source: 'packages', script: null, sourceHash: null };
  })();
  return loading;
}

/** Both libraries, loaded once per thread. */
export async function loadChartLibs(): Promise<ChartLibs> {
  return (await load()).libs;
}

/** How this thread loaded the libraries (diagnostics and tests); loads them when not yet loaded. */
export async function chartLibsSource(): Promise<ChartLibsSource> {
  return (await load()).source;
}

/**
 * V8's code cache of the bundle as compiled in this thread so far, with the source's SHA-256 in
 * front: what `npm run build` writes to CACHE_FILE after rendering a chart of each kind. Null when
 * the libraries did not come from the bundle.
 */
export async function chartLibsCodeCache(): Promise<Buffer | null> {
  const { script, sourceHash } = await load();
  if (script === null || sourceHash === null) return null;
  return Buffer.concat([sourceHash, script.createCachedData()]);
}

function loadBundle(): Loaded | null {
  let code: string;
  try {
    code = readFileSync(BUNDLE_FILE, 'utf8');
  } catch {
    return null;
  }
  // The bundle as a CommonJS module's body (esbuild's `cjs` format).
  const source = `(function (exports, require, module, __filename, __dirname) {${code}\n})`;
  const sourceHash = createHash('sha256').update(source).digest();
  const cachedData = cacheFor(sourceHash);
  const script = new vm.Script(source, { filename: BUNDLE_FILE, cachedData });
  const module = { exports: {} as Record<string, unknown> };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(BUNDLE_FILE), module, BUNDLE_FILE, HERE);
  const libs = module.exports as unknown as ChartLibs;
  const used = cachedData !== undefined && script.cachedDataRejected === false;
  return { libs, source: used ? 'bundle+cache' : 'bundle', script, sourceHash };
}

/** The code cache made for the source of this hash, when there is one. */
function cacheFor(sourceHash: Buffer): Buffer | undefined {
  let file: Buffer;
  try {
    file = readFileSync(CACHE_FILE);
  } catch {
    return undefined;
  }
  if (file.length <= HASH_BYTES || !file.subarray(0, HASH_BYTES).equals(sourceHash)) return undefined;
  return file.subarray(HASH_BYTES);
}
