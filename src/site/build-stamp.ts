import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { Summary } from '../aggregate/summary-types.js';
import type { SkippedLine } from '../model/types.js';
import type { PriceTable } from '../prices/price-table.js';
import { isStream, type InputFile } from '../read/inputs.js';
import { hashInputs, hashInputsOnThread, type HashedInput, type InputRecord } from './reuse/input-hashes.js';
import { toolVersion } from './pages/templates.js';
import { MANIFEST_NAME, readManifest } from './write/manifest.js';

/**
 * Skipping a build whose inputs have not changed. The stamp is a hash of everything the site is
 * made from: the content of every input file with its name (its hash, from the same read that
 * gives its segments, see reuse/input-hashes.ts), the price table, the options, and the code and
 * templates of this trace-report. A site whose manifest carries the same stamp, with every file it
 * lists still there, is what this build would write again, byte for byte.
 */
export async function buildStamp(
  files: readonly InputFile[],
  /** `thread`: the inputs are read on a thread of their own (hashInputsOnThread), as a large build's are. */
  opts: { inputs: readonly string[]; prices: PriceTable; singleFile: boolean; thread?: boolean },
  previousInputs: readonly InputRecord[] = [],
): Promise<{ stamp: string; inputs: HashedInput[] } | null> {
  // A pipe can be read only once: such a build is never known to be up to date.
  if (files.some(isStream)) return null;
  const reading = opts.thread ? hashInputsOnThread(files, previousInputs) : hashInputs(files, previousInputs);
  // Awaited below; a failure meanwhile must not be an unhandled rejection.
  reading.catch(() => undefined);
  // With the inputs read on a thread, the code's hash (16–30 ms) is made once this thread is
  // free, as the reading threads start, rather than after the stamp's read.
  const code = opts.thread ? await new Promise<string>((resolve) => setImmediate(() => resolve(codeHash()))) : codeHash();
  const inputs = await reading;
  const h = createHash('sha256');
  h.update(JSON.stringify({ inputs: opts.inputs, singleFile: opts.singleFile, code, prices: priceKey(opts.prices) }));
  for (const { record } of inputs) h.update(`\0${record.name}\0${record.sha256}`);
  return { stamp: h.digest('hex'), inputs };
}

/**
 * What every run page and export row is made with beside its run (reuse/run-keys.ts): the code
 * and templates, the price table and the version.
 */
export function reuseFrame(prices: PriceTable): string {
  return createHash('sha256').update(JSON.stringify({ code: codeHash(), prices: priceKey(prices), version: toolVersion() })).digest('hex');
}

function priceKey(prices: PriceTable): unknown {
  return [prices.date, ...prices.ids().map((id) => [id, prices.lookup(id)])];
}

let code: string | undefined;

/** A hash of the running code (src/ or dist/) and the templates, read once per process. */
function codeHash(): string {
  if (code === undefined) {
    const here = path.dirname(fileURLToPath(import.meta.url));
    const h = createHash('sha256');
    for (const dir of [path.resolve(here, '..'), path.resolve(here, '../../templates')]) {
      const names = readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
      for (const name of names) {
        const file = path.join(dir, name);
        // Source maps, and V8's code cache of the charts' libraries (load-chart-libs.ts), which
        // differs from one `npm run build` to the next and changes nothing the code does.
        if (!statSync(file).isFile() || name.endsWith('.map') || name.endsWith('.cache')) continue;
        h.update(`\0${name}\0`).update(readFileSync(file));
      }
    }
    code = h.digest('hex');
  }
  return code;
}

const recordSchema = z.object({
  stamp: z.string(),
  pages: z.number().int().nonnegative(),
  files: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  skippedLines: z.number().int().nonnegative(),
  skipped: z.array(z.object({ file: z.string(), line: z.number(), reason: z.string() })),
});

/** What a build records in the manifest of the site it wrote. */
export type BuildRecord = z.infer<typeof recordSchema>;

/** How many skipped lines a record keeps, for the report of a skipped build. */
export const RECORDED_SKIPPED = 100;

/** The site in `dir` as its manifest describes it: the files it lists and the record of the build that wrote it. */
export interface PreviousBuild {
  files: readonly string[];
  record: BuildRecord;
}

/** The build that wrote the site in `dir`, when its manifest says; null for anything else. */
export function previousBuild(dir: string): PreviousBuild | null {
  const manifest = readManifest(dir);
  if (manifest === null || manifest === 'invalid') return null;
  const parsed = recordSchema.safeParse(manifest.build);
  return parsed.success ? { files: manifest.files, record: parsed.data } : null;
}

/** The earlier build's record and summary, when the site in `dir` was built from the same stamp and is whole. */
export function upToDate(dir: string, previous: PreviousBuild | null, stamp: string): { record: BuildRecord; summary: Summary } | null {
  if (previous === null || previous.record.stamp !== stamp || !allFilesThere(dir, previous.files)) return null;
  try {
    const summary = JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8')) as Summary;
    return { record: previous.record, summary };
  } catch {
    return null;
  }
}

/**
 * Whether every file of `files` (relative POSIX paths) is in `dir`, as a file. Each folder is
 * listed once: a stat a file took about 0.4 s for the 72k files of a 1M-span site, the listings
 * of its four folders about 0.1 s. A symbolic link counts as missing (a build writes none).
 */
function allFilesThere(dir: string, files: readonly string[]): boolean {
  const folders = new Map<string, ReadonlySet<string> | null>();
  for (const f of files) {
    const slash = f.lastIndexOf('/');
    const folder = slash === -1 ? '' : f.slice(0, slash);
    let names = folders.get(folder);
    if (names === undefined) {
      try {
        names = new Set(readdirSync(path.join(dir, folder), { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name));
      } catch {
        names = null;
      }
      folders.set(folder, names);
    }
    if (names === null || !names.has(f.slice(slash + 1))) return false;
  }
  return true;
}

export function skippedForRecord(skipped: readonly SkippedLine[]): SkippedLine[] {
  return skipped.slice(0, RECORDED_SKIPPED);
}

export { MANIFEST_NAME };
