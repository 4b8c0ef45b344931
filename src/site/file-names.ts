/**
 * Run ids become file names. Ids are untrusted trace text, so a name is built only from
 * [a-z0-9._-], lowercase (case-insensitive file systems would merge `A` and `a`), and always ends
 * with a hash of the whole id: the same id gets the same name in every build, whatever other runs
 * there are, and two ids that slug alike still get different names.
 */

import * as crypto from 'node:crypto';
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
  // Checked as one string; the name at fault found only then.
  const joined = paths.join('');
  if (!/^[a-z0-9._/-]*$/.test(joined)) {
    const bad = paths.find((p) => !/^[a-z0-9._/-]+$/.test(p));
    throw new Error(`page name ${JSON.stringify(bad)} is not plain ASCII`);
  }
  return sharedTexts(paths, joined);
}

/** `runs/<slug>-<hash>.html`, the hash cut to the length of its level. */
function pagePath(slug: string, hash: string, level: number): string {
  return `${RUN_PAGES_DIR}/${slug}-${hash.slice(0, HASH_LENGTHS[level])}.html`;
}
