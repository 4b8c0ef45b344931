/**
 * Deleting an earlier site: only the files its manifest lists, never through a symbolic link
 * (a listed `runs/x.html` under a `runs` that is now a link elsewhere stays untouched), then the
 * folders those deletions left empty. Anything else stays where it is.
 */

import { readdirSync, rmdirSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { lstatIsDir, RealDirs } from './real-dirs.js';
import { sitePathProblem } from './site-path.js';

/**
 * Removes `files` (relative, already checked; the manifest last, if listed) from `root`, then every folder
 * that held them once it is empty, and `root` itself when `removeRoot` and it is empty.
 * Returns true when `root` is gone. Failures leave the file in place; they never throw.
 */
export function removeListed(root: string, files: readonly string[], removeRoot: boolean): boolean {
  const real = new RealDirs(root);
  for (const f of files) {
    if (sitePathProblem(f) !== null || !real.holds(f)) continue;
    try {
      unlinkSync(path.join(root, f));
    } catch {
      // Missing, a folder now, or not ours to remove: leave it.
    }
  }
  const dirs = real.seen();
  dirs.sort((a, b) => depth(b) - depth(a) || (a < b ? -1 : a > b ? 1 : 0));
  for (const d of dirs) tryRmdir(path.join(root, d));
  return removeRoot && tryRmdir(root);
}

function depth(rel: string): number {
  return rel.split('/').length;
}

function tryRmdir(p: string): boolean {
  try {
    rmdirSync(p);
    return true;
  } catch {
    return false;
  }
}

/** Removes `root` if it holds nothing but (nested) empty folders; never a file, never through a link. Returns true when it is gone. */
export function removeEmptyDirs(root: string): boolean {
  if (!lstatIsDir(root)) return false;
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    return false;
  }
  let empty = true;
  for (const name of entries) if (!removeEmptyDirs(path.join(root, name))) empty = false;
  return empty && tryRmdir(root);
}
