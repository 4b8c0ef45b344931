/**
 * Run ids become file names. Ids are untrusted trace text, so a name is built only from
 * [a-z0-9._-], lowercase (case-insensitive file systems would merge `A` and `a`), and always ends
 * with a hash of the whole id: the same id gets the same name in every build, whatever other runs
 * there are, and two ids that slug alike still get different names.
 */

import * as crypto from 'node:crypto';
import { sharedArray } from '../read/parallel/shared-array.js';
import { sharedTextAt, sharedTexts, type SharedTexts } from '../read/parallel/shared-texts.js';

const SLUG_MAX = 60;
const HASH_LENGTHS = [8, 16, 32, 64] as const;
// Windows refuses these as a file's base name, with or without an extension.
const WINDOWS_RESERVED = /^(?:con|prn|aux|nul|com[0-9]|lpt[0-9]|conin\$|conout\$)(?:\.|$)/;

/**
 * A readable, safe file-name segment: lowercase [a-z0-9._-], accents folded, other runs of
 * characters turned into one `-`, no leading or trailing `.`/`-`, no `..`, at most `max`
 * characters, never a Windows reserved name, never empty (`fallback`).
 */
export function safeSegment(s: string, max = SLUG_MAX, fallback = 'run'): string {
  // Most ids are already such a segment: taken as they are (the same result as below).
  if (s.length <= max && ALREADY_SAFE.test(s) && !s.includes('..') && !s.includes('--') && !WINDOWS_RESERVED.test(s)) return s;
  const folded = s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  let out = folded
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/-{2,}/g, '-')
    .replace(/^[.\-_]+/, '');
  out = trimEnd(out.slice(0, max));
  if (out === '') out = fallback;
  if (WINDOWS_RESERVED.test(out)) out = `_${out}`.slice(0, Math.max(max, 1));
  return trimEnd(out) || fallback;
}

/** Lowercase [a-z0-9._-], starting with a letter or digit and ending with one. */
const ALREADY_SAFE = /^[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?$/;

function trimEnd(s: string): string {
  return s.replace(/[.\-_]+$/, '');
}

/** SHA-256 in hex: the one-shot `crypto.hash` where there is one (Node 20.12+, about 4× faster a short id). */
const sha256Hex: (s: string) => string =
  typeof crypto.hash === 'function' ? (s) => crypto.hash('sha256', s, 'hex') : (s) => crypto.createHash('sha256').update(s, 'utf8').digest('hex');

/**
 * The page names of a site's runs in shared memory (see SharedTexts): every thread that writes
 * pages or links to them reads them without a copy of its own, and a name is made as a string
 * only while it is used (held as strings, the names of 5M spans' runs were about 25 MB on each
 * such thread).
 */
export type RunPageNameList = SharedTexts;

/** Name `i` of the list. */
export const nameAt: (list: RunPageNameList, i: number) => string = sharedTextAt;

/** Run id → its page, as every page that links to a run looks it up. */
export interface PageNames {
  get(runId: string): string | undefined;
  /** Whether the run has a page (without making its name). */
  has(runId: string): boolean;
}

/** The page names of runs, numbered as the ids were given: by id, or by number (`list`). */
export class RunPageNames implements PageNames {
  constructor(
    readonly list: RunPageNameList,
    private readonly numbers: ReadonlyMap<string, number>,
  ) {}

  get size(): number {
    return this.list.ends.length;
  }

  get(runId: string): string | undefined {
    const i = this.numbers.get(runId);
    return i === undefined ? undefined : nameAt(this.list, i);
  }

  has(runId: string): boolean {
    return this.numbers.has(runId);
  }

  /** The number of `runId`'s name in `list`. */
  numberOf(runId: string): number | undefined {
    return this.numbers.get(runId);
  }
}

/** The folder of the run pages (and of nothing else). */
export const RUN_PAGES_DIR = 'runs';

/**
 * `runs/<slug>-<hash>.html` for every id, numbered as the ids come (a repeated id keeps its first
 * number). The hash is the first 8 hex digits of the id's SHA-256; should two different ids ever
 * share a name, every id in that clash gets a longer hash (16, 32, 64 digits), which depends only
 * on the clashing ids, not on their order.
 */
export function runFileNames(runIds: readonly string[]): RunPageNames {
  // Each id once, numbered as it first comes.
  const numbers = new Map<string, number>();
  const ids: string[] = [];
  for (const id of runIds) {
    if (numbers.has(id)) continue;
    numbers.set(id, ids.length);
    ids.push(id);
  }
  const slugs = ids.map((id) => safeSegment(id));
  // The pages' paths, made once: a clash of paths is a clash of names. Only the ids of a clash
  // are hashed again, for a longer hash.
  const paths = ids.map((id, i) => pagePath(slugs[i]!, sha256Hex(id), 0));
  const levels = new Uint8Array(ids.length);
  for (;;) {
    const clashing = clashesOf(paths);
    if (clashing === null) return new RunPageNames(pageNameList(paths), numbers);
    for (const i of clashing) {
      if (levels[i] === HASH_LENGTHS.length - 1) {
        const group = [...clashing].filter((o) => paths[o] === paths[i]);
        throw new Error(`run ids ${JSON.stringify(group.map((o) => ids[o]))} share a SHA-256`);
      }
    }
    for (const i of clashing) paths[i] = pagePath(slugs[i]!, sha256Hex(ids[i]!), ++levels[i]!);
  }
}

/** The run ids and page names an earlier build gave its runs, in its plan's order (its reuse record). */
export interface EarlierNames {
  ids: SharedTexts;
  names: SharedTexts;
}

/**
 * runFileNames of `runIds`, given the names an earlier build gave its runs (a rebuild): when that
 * build's ids are the first of `ids` (`runIds` in shared memory), the same ids in the same order
 * (a rebuild that went on from the events that build read: its new runs come after), and each
 * earlier name is its id's first, shortest name, those names are taken as they are and only the
 * runs after them are named (at 72k runs, 0.1–0.13 s of hashes and slugs not made again). When a
 * new name shares its hash with an earlier one, or two new names are one, all are named again
 * (runFileNames): otherwise no two ids share a name, and every name is its id's first, as
 * runFileNames gives. Without an earlier build's names, runFileNames.
 */
export function runFileNamesAfter(runIds: readonly string[], ids: SharedTexts, earlier: EarlierNames | null): RunPageNames {
  const m = earlier?.ids.ends.length ?? 0;
  if (earlier === null || m === 0 || m !== earlier.names.ends.length || m > runIds.length || ids.ends.length !== runIds.length || !samePrefix(earlier.ids, ids, m)) return runFileNames(runIds);
  const numbers = new Map<string, number>();
  for (let i = 0; i < runIds.length; i++) numbers.set(runIds[i]!, i);
  const hashes = firstNameHashes(earlier.names);
  // Each id once (else runFileNames numbers them its own way), and a few earlier names made again as a check.
  if (numbers.size !== runIds.length || hashes === null || ![0, m >> 1, m - 1].every((i) => sharedTextAt(earlier.names, i) === firstName(runIds[i]!))) return runFileNames(runIds);
  const paths: string[] = [];
  const added = new Set<string>();
  for (let i = m; i < runIds.length; i++) {
    const id = runIds[i]!;
    const hash = sha256Hex(id);
    const path = pagePath(safeSegment(id), hash, 0);
    if (hashes.has(Number.parseInt(hash.slice(0, HASH_LENGTHS[0]), 16)) || added.has(path)) return runFileNames(runIds);
    added.add(path);
    paths.push(path);
  }
  return new RunPageNames(namesAfter(earlier.names, m, paths), numbers);
}

/** Whether the first `m` texts of `a` and `b` are the same. */
function samePrefix(a: SharedTexts, b: SharedTexts, m: number): boolean {
  for (let i = 0; i < m; i++) if (a.ends[i] !== b.ends[i] || a.wide[i] !== b.wide[i]) return false;
  const bytes = a.ends[m - 1]!;
  return a.bytes.length >= bytes && b.bytes.length >= bytes && Buffer.compare(a.bytes.subarray(0, bytes), b.bytes.subarray(0, bytes)) === 0;
}

/** An id's first (level 0) page name. */
function firstName(id: string): string {
  return pagePath(safeSegment(id), sha256Hex(id), 0);
}

const DOT_HTML = Buffer.from('.html', 'latin1');
/** From a first name's end back to the `-` before its hash. */
const DASH_BEFORE_END = HASH_LENGTHS[0] + 1 + DOT_HTML.length;

/**
 * The hashes (as numbers) of page names that are each their id's first name (`runs/<slug>-<8 hex
 * digits>.html`, one byte a character); null when one is not.
 */
function firstNameHashes(names: SharedTexts): Set<number> | null {
  const hashes = new Set<number>();
  const { bytes, ends, wide } = names;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0, start = 0; i < ends.length; start = ends[i++]!) {
    const end = ends[i]!;
    const dash = end - DASH_BEFORE_END;
    const dot = end - DOT_HTML.length;
    if (wide[i] !== 0 || dash <= start + RUN_PAGES_DIR.length + 1 || text[dash] !== 0x2d || text.compare(DOT_HTML, 0, DOT_HTML.length, dot, end) !== 0) return null;
    let hash = 0;
    for (let k = dash + 1; k < dot; k++) {
      const c = text[k]!;
      const digit = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1;
      if (digit < 0) return null;
      hash = hash * 16 + digit;
    }
    hashes.add(hash);
  }
  return hashes;
}

/** The first `m` names of `earlier` and then `paths` (plain ASCII page paths), as one list. */
function namesAfter(earlier: SharedTexts, m: number, paths: readonly string[]): RunPageNameList {
  const joined = plainJoined(paths);
  const kept = earlier.ends[m - 1]!;
  const bytes = sharedArray(Uint8Array, kept + joined.length);
  bytes.set(earlier.bytes.subarray(0, kept));
  Buffer.from(bytes.buffer).write(joined, kept, 'latin1');
  const ends = sharedArray(Int32Array, m + paths.length);
  ends.set(earlier.ends.subarray(0, m));
  let at = kept;
  for (let k = 0; k < paths.length; k++) ends[m + k] = at += paths[k]!.length;
  return { bytes, ends, wide: sharedArray(Uint8Array, m + paths.length) };
}

/** The indexes of the paths that some other path equals; null when all differ (the usual case, told by a set alone). */
function clashesOf(paths: readonly string[]): Set<number> | null {
  if (new Set(paths).size === paths.length) return null;
  const first = new Map<string, number>();
  const clashing = new Set<number>();
  for (let i = 0; i < paths.length; i++) {
    const seen = first.get(paths[i]!);
    if (seen === undefined) first.set(paths[i]!, i);
    else clashing.add(seen).add(i);
  }
  return clashing;
}

/** The pages' paths for names made by pagePath: a name is [a-z0-9._-] (safeSegment), one byte a character. */
function pageNameList(paths: readonly string[]): RunPageNameList {
  return sharedTexts(paths, plainJoined(paths));
}

/** The paths joined, checked to be names pagePath makes (one byte a character) as one string; the name at fault found only then. */
function plainJoined(paths: readonly string[]): string {
  const joined = paths.join('');
  if (!/^[a-z0-9._/-]*$/.test(joined)) {
    const bad = paths.find((p) => !/^[a-z0-9._/-]+$/.test(p));
    throw new Error(`page name ${JSON.stringify(bad)} is not plain ASCII`);
  }
  return joined;
}

/** `runs/<slug>-<hash>.html`, the hash cut to the length of its level. */
function pagePath(slug: string, hash: string, level: number): string {
  return `${RUN_PAGES_DIR}/${slug}-${hash.slice(0, HASH_LENGTHS[level])}.html`;
}
