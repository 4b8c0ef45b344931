/**
 * Carrying a folder of the earlier site over whole at the swap (a rebuild's run pages): the
 * files of that folder a rebuild would write again byte for byte are neither written nor linked
 * into the new site. The build writes only the folder's new and changed files into the temporary
 * site; at the swap, those replace theirs in the earlier site's folder, the earlier files that
 * the new site no longer has are moved out of it, and the folder is renamed into the new site.
 * At 1M spans that saves a link for each of 72k run pages while building and the removal of
 * their names from the earlier site afterwards (issue 4).
 *
 * It is done only when the folder holds nothing but regular files the earlier build listed, every
 * file left there among them (`carryable`, just before the swap): a file trace-report did not
 * write is never moved into the new site. Otherwise the files left there are linked into the new
 * site instead, as other unchanged files are. Every move is undone when one fails.
 */

import { mkdirSync, readdirSync, renameSync, rmdirSync } from 'node:fs';
import path from 'node:path';
import { nativeCarryCheck, type CarryCheck } from '../../normalise/native-scan.js';
import { lstatIsDir } from './real-dirs.js';

/** The folder, in the earlier site renamed aside, that takes the files the carried folder no longer has until they are removed. */
export const HELD_DIR = 'replaced-by-trace-report';

/**
 * The names in the folder `dir` of `root` when it is a real folder (not a link) that holds only
 * regular files listed in `listed` (site paths, `dir/name`); else null.
 */
export function listedFolder(root: string, dir: string, listed: ReadonlySet<string>): Set<string> | null {
  const abs = path.join(root, dir);
  if (!lstatIsDir(abs)) return null;
  let entries;
  try {
    entries = readdirSync(abs, { withFileTypes: true });
  } catch {
    return null;
  }
  const names = new Set<string>();
  for (const e of entries) {
    if (!e.isFile() || !listed.has(`${dir}/${e.name}`)) return null;
    names.add(e.name);
  }
  return names;
}

/**
 * When `root`'s folder `dir` may be carried over with the files `carried` (site paths,
 * `dir/name`) in it: it holds only regular files `listed`, among them every carried one (their
 * sizes were checked when the build left them there). Returns the names of its other files
 * (those the new site replaces or no longer has), or null when it may not. `compiled`: the
 * compiled check, when built (null: JavaScript's).
 */
export function carryable(root: string, dir: string, listed: ReadonlySet<string>, carried: readonly string[], compiled: CarryCheck | null = nativeCarryCheck()): Set<string> | null {
  if (compiled !== null) {
    // The same check compiled (native/folder-check.c, from 0.12–0.2 s to about 0.07 s at 1M
    // spans, 1 s to 0.5 s at 5M): the paths go as bytes, each ended by \0. A path with a \0 of
    // its own (no file's) leaves the check to JavaScript.
    const listedBytes = zeroEnded(listed);
    const carriedBytes = zeroEnded(carried);
    if (listedBytes !== null && carriedBytes !== null) {
      const others = compiled(path.join(root, dir), Buffer.from(`${dir}/`), listedBytes, carriedBytes);
      return others === null ? null : new Set(others.toString('utf8').split('\0').slice(0, -1));
    }
  }
  const names = listedFolder(root, dir, listed);
  if (names === null) return null;
  const prefix = `${dir}/`;
  for (const p of carried) if (!p.startsWith(prefix) || !names.delete(p.slice(prefix.length))) return null;
  return names;
}

/** The paths as UTF-8, each ended by \0; null when one holds a \0. */
function zeroEnded(paths: Iterable<string>): Buffer | null {
  let joined = '';
  for (const p of paths) {
    if (p.includes('\0')) return null;
    joined += `${p}\0`;
  }
  return Buffer.from(joined, 'utf8');
}

export interface CarriedOver {
  /** Puts every file back where it was (the carried folder in `aside`, the new files in `temp`). */
  undo(): void;
  /** The files of the earlier folder the new site does not have, as paths in `aside`, to be removed. */
  held: string[];
}

/**
 * Moves the folder `dir` of `aside` (the earlier site, renamed aside) into `temp` (the new site,
 * not yet in place), where the folder holds the files written anew: each replaces the earlier
 * file of its name. The earlier folder's files that are not carried (`others`, as `carryable`
 * found them just before) go first to `aside`'s HELD_DIR. On a failure every move made is undone
 * and the error thrown.
 */
export function carryOver(aside: string, temp: string, dir: string, others: ReadonlySet<string>): CarriedOver {
  const from = path.join(aside, dir);
  const into = path.join(temp, dir);
  const held = path.join(aside, HELD_DIR);
  // Each step, and how it is undone, in order.
  const done: (() => void)[] = [];
  const undo = (): void => {
    for (let i = done.length - 1; i >= 0; i--) done[i]!();
    done.length = 0;
  };
  const move = (a: string, b: string): void => {
    renameSync(a, b);
    done.push(() => renameSync(b, a));
  };
  const heldPaths: string[] = [];
  try {
    mkdirSync(held);
    done.push(() => rmdirSync(held));
    for (const name of others) {
      move(path.join(from, name), path.join(held, name));
      heldPaths.push(`${HELD_DIR}/${name}`);
    }
    for (const name of readdirSync(into)) move(path.join(into, name), path.join(from, name));
    rmdirSync(into);
    done.push(() => mkdirSync(into));
    move(from, into);
  } catch (e) {
    undo();
    throw e;
  }
  return { undo, held: heldPaths };
}
