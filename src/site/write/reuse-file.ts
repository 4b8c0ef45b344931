/**
 * Keeping a page of the previous build that a rebuild would write again byte for byte: the new
 * site gets a hard link to the old file instead of a new copy. Most pages of a rebuild after new
 * traces were appended are unchanged; a link costs half a new file, and deleting the old site
 * afterwards then only drops names, not files (on ext4, deleting a freshly written file costs
 * several times writing it: issue 4).
 *
 * The old file is reused only when its bytes equal the new page's, read through no symbolic link,
 * and when the link made is that same regular file; anything else (a changed page, a file system
 * without hard links, a file swapped meanwhile) writes the page as usual. So the result is always
 * the site a fresh build writes. A site rebuilt in place (writeSite's third way) keeps each file
 * that already holds the new bytes.
 */

import { linkSync, lstatSync, unlinkSync } from 'node:fs';
import { OutputError } from '../../errors.js';
import { RealDirs } from './real-dirs.js';
import { resolveInside } from './site-path.js';
import { readFully, regularFileSize, withRegularFile, writeNoFollow } from './write-file.js';


/** One buffer per thread for the old file's bytes, grown as needed up to a size worth keeping. */
let scratch = Buffer.alloc(64 * 1024);
const SCRATCH_MAX = 4 * 1024 * 1024;

/**
 * Writes `content` at `abs`, or links `old` there when `old` (a file of the previous build) holds
 * exactly these bytes. When `old` is `abs` itself (a site rebuilt in place), a file that already
 * holds these bytes is left as it is. Returns the size in bytes, as writeNoFollow does.
 */
export function writeOrReuse(abs: string, content: string | Uint8Array, old: string | null): number {
  if (old === null) return writeNoFollow(abs, content);
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  if (old === abs ? sameFile(abs, bytes) !== null : linkIfSame(old, abs, bytes)) return bytes.byteLength;
  return writeNoFollow(abs, bytes);
}

/** The inode of `file` when it is a regular file (not through a symbolic link) holding exactly `bytes`; else null. */
function sameFile(file: string, bytes: Uint8Array): number | null {
  // Gone, a link, or unreadable: not the same.
  return withRegularFile(file, (fd, { size, ino }) => {
    if (size !== bytes.byteLength) return null;
    if (scratch.length < size && size <= SCRATCH_MAX) scratch = Buffer.alloc(Math.min(Math.max(size, scratch.length * 2), SCRATCH_MAX));
    const buf = size <= scratch.length ? scratch : Buffer.allocUnsafe(size);
    return readFully(fd, buf, size) && Buffer.compare(buf.subarray(0, size), bytes) === 0 ? ino : null;
  });
}

function linkIfSame(old: string, abs: string, bytes: Uint8Array): boolean {
  const ino = sameFile(old, bytes);
  if (ino === null) return false;
  try {
    linkSync(old, abs);
  } catch {
    // Gone meanwhile, or no hard links on this file system: the page is written instead.
    return false;
  }
  // The name may have been swapped for another file (or a link) between the check and the link.
  try {
    const st = lstatSync(abs);
    if (st.isFile() && st.ino === ino) return true;
  } catch {
    return false;
  }
  // Never written through: the name could be another file's.
  unlinkMade(abs);
  return false;
}

/** Removes a name this build made in its site, to write a file there instead. */
function unlinkMade(abs: string): void {
  try {
    unlinkSync(abs);
  } catch (e) {
    throw new OutputError(`cannot replace ${abs}: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * The files of the previous build that pages may be linked from: those its manifest lists, in
 * folders that are real folders (never through a symbolic link planted in the old site).
 */
export class PreviousSite {
  private readonly real: RealDirs;

  constructor(
    readonly root: string,
    private readonly files: ReadonlySet<string>,
    /**
     * A folder (one level) whose unchanged files are left where they are rather than linked: the
     * swap carries it over whole (carry-over.ts). Null: every unchanged file is linked.
     */
    readonly carry: string | null = null,
  ) {
    this.real = new RealDirs(root);
  }

  /** Whether the previous build left a file at the site path `rel` that may be reused. */
  has(rel: string): boolean {
    return this.files.has(rel) && this.real.holds(rel);
  }

  /** The old file for the site path `rel`, or null when there is none to reuse. */
  fileFor(rel: string): string | null {
    return this.has(rel) ? resolveInside(this.root, rel) : null;
  }
}

/**
 * Whether the previous build's files `olds` may be left where they are for the swap to carry
 * over (PreviousSite's `carry`), when their pages are known to be the same (reuse/run-keys.ts):
 * regular files, not links, of `bytes` bytes in all (a page edited since is written again).
 */
export function carryFiles(olds: readonly string[], bytes: number): boolean {
  let sizes = 0;
  for (const old of olds) {
    const size = regularFileSize(old);
    if (size === null) return false;
    sizes += size;
  }
  return sizes === bytes;
}

/**
 * Puts the previous build's files `olds` at `abss` without reading them, when their pages are
 * known to be the same (reuse/run-keys.ts): hard links, or in a site rebuilt in place (`old` is
 * `abs`) the files left as they are. They must be regular files, not links, of `bytes` bytes in
 * all (a page edited since is written again). All or none: when one cannot be kept, those linked
 * are removed again and false is returned (the pages are then made and written as usual, never
 * through a link to the old site).
 */
export function keepFiles(olds: readonly string[], abss: readonly string[], bytes: number): boolean {
  const linked: string[] = [];
  const undo = (): false => {
    for (const abs of linked) unlinkMade(abs);
    return false;
  };
  let sizes = 0;
  for (let i = 0; i < olds.length; i++) {
    const old = olds[i]!;
    const abs = abss[i]!;
    if (old !== abs) {
      try {
        // A hard link to the name itself: a symbolic link is linked as one, and then refused below.
        linkSync(old, abs);
      } catch {
        // Gone, a folder, or no hard links on this file system.
        return undo();
      }
      linked.push(abs);
    }
    // What was linked (the old name may have been swapped meanwhile): a regular file, whose size counts.
    const size = regularFileSize(abs);
    if (size === null) return undo();
    sizes += size;
  }
  return sizes === bytes || undo();
}
