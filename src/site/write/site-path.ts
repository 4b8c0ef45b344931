/**
 * The paths a site may contain. A page path comes from code, but parts of it come from trace text
 * (run ids), so every path is checked before anything is written: relative, POSIX, no `.`/`..`
 * segments, and no character that some file system reads specially (`\`, `:`, NUL, controls, and
 * the ones Windows refuses), so the site unzips the same everywhere.
 */

import path from 'node:path';

// eslint-disable-next-line no-control-regex
const BAD_CHARS = /[\u0000-\u001f\u007f\\:<>"|?*]/;

// A path with none of the segment faults below: no empty segment (a leading, trailing or double
// slash, or nothing at all), no segment ending in a dot or a space (`.` and `..` among them).
const SEGMENT_FAULT = /(?:^|\/)(?:\/|$)|[. ](?:\/|$)/;

/** Why `p` is not a safe relative site path, or null when it is. */
export function sitePathProblem(p: string): string | null {
  if (typeof p !== 'string' || p === '') return 'is empty';
  // The common case in one pass: a site holds tens of thousands of paths, checked more than once.
  if (!BAD_CHARS.test(p) && !SEGMENT_FAULT.test(p)) return null;
  if (p.startsWith('/')) return 'is absolute';
  if (BAD_CHARS.test(p)) return 'holds a backslash, colon, NUL, control or other reserved character';
  for (const seg of p.split('/')) {
    if (seg === '') return 'has an empty segment';
    if (seg === '.' || seg === '..') return `has a "${seg}" segment`;
    if (seg.endsWith('.') || seg.endsWith(' ')) return 'has a segment ending in a dot or space';
  }
  return null;
}

/** The last root seen by resolveInside, and whether it is absolute and normal already. */
let lastRoot = '';
let lastRootNormal = false;

/** The absolute path of `p` inside `root`; throws (a programming error) for an unsafe path. */
export function resolveInside(root: string, p: string): string {
  const problem = sitePathProblem(p);
  if (problem !== null) throw new Error(`unsafe site file path ${JSON.stringify(p)}: it ${problem}`);
  if (root !== lastRoot) {
    lastRoot = root;
    lastRootNormal = path.isAbsolute(root) && root.length > 1 && path.resolve(root) === root;
  }
  // A safe `p` (no empty, `.` or `..` segment, no backslash) below a normal absolute root: the
  // joined path is already what path.resolve would give, and inside the root.
  if (lastRootNormal && path.sep === '/') return `${root}/${p}`;
  const abs = path.resolve(root, p);
  const rel = path.relative(root, abs);
  if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) {
    throw new Error(`unsafe site file path ${JSON.stringify(p)}: it resolves outside the output folder`);
  }
  return abs;
}
