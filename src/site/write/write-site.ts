/**
 * Writing the site to disk, safely:
 *   1. Look at the output folder and decide: refuse, build beside it and swap it in, or (only
 *      where a swap is impossible or unsafe) write in place.
 *   2. Swap: write everything into `<out>.tmp-trace-report`, rename the old site aside to
 *      `<out>.old-trace-report`, rename the new one in, then delete from the aside folder only the
 *      files its manifest lists. A failed build removes its temporary folder and nothing else.
 *      A rebuild may carry a folder of the old site over whole instead (`carry`, the run pages):
 *      its unchanged files stay where they are, and at the swap the folder, with the new and
 *      changed files put in it, is moved into the new site (carry-over.ts). And a file written
 *      as only its end (a rebuild's exports of calls) is finished at the swap with the first bytes
 *      of the earlier site's file, which is then moved into the new site (append-over.ts).
 *      The old site is renamed, not deleted, before writing: on ext4 writing many files right
 *      after deleting many is about 20× slower (issue 4).
 *   3. In place (`--force` on a folder with other files, the current folder, a mount point):
 *      overwrite same-named files, then remove the files of the earlier build that this one did
 *      not write again; never anything else.
 * Leftovers of a build that crashed: a temporary folder carrying our marker is removed before
 * building (trace-report made it, exclusively, and marked it first); an aside folder carrying an
 * old manifest is cleaned like any old site. Anything else in the way is refused, not touched.
 */

import { linkSync, lstatSync, mkdirSync, readdirSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { OutputError } from '../../errors.js';
import { MANIFEST_NAME, manifestText, readManifest, toolVersion, type SiteManifest } from './manifest.js';
import { appendOver, type AppendedFile, type AppendedOver } from './append-over.js';
import { carryable, carryOver, type CarriedOver } from './carry-over.js';
import { lstatIsDir } from './real-dirs.js';
import { removeEmptyDirs, removeListed } from './remove-listed.js';
import { PreviousSite } from './reuse-file.js';
import type { SiteFile } from './site-file.js';
import { resolveInside } from './site-path.js';
import { writeNoFollow } from './write-file.js';
import { makeDirsFor, writeFiles, type Written } from './write-files.js';
import { WriterThread } from './writer-thread.js';

export const TEMP_SUFFIX = '.tmp-trace-report';
export const ASIDE_SUFFIX = '.old-trace-report';

export interface WriteSiteOptions {
  /** Write into a non-empty folder that is not a trace-report site, or into the current folder. */
  force?: boolean;
  /** Recorded in the manifest; package.json's version by default. */
  version?: string;
  /** The folder `outDir` is relative to and that must never be swapped away (process.cwd()). */
  cwd?: string;
  /** Called every 256 files with the count written so far. */
  onProgress?: (files: number) => void;
  /** Recorded in the final manifest as `build`, asked for once every file is written. */
  record?: (written: { files: number; bytes: number }) => unknown;
  /** Files written by someone else (other threads) into the folder, while `files` are written here. */
  external?: ExternalFiles;
  /**
   * A folder (relative, one level) of the external files whose unchanged files a rebuild by swap
   * may leave in the site being replaced, to carry the folder over at the swap (see
   * carry-over.ts). Done only when, at the swap, that folder holds nothing but files its build
   * wrote; otherwise the files left there are linked into the new site then.
   */
  carry?: string;
}

/**
 * Files another writer puts in the site folder: their paths (which may be made as they are
 * listed, and listed more than once), and the writing, which may link unchanged files from the
 * site being replaced (`previous`), or leave them there when `previous.carry` names their folder.
 * `ownWritten` settles once this thread's own files are written (true) or have failed (false):
 * the writer may then go on writing on this thread too.
 */
export interface ExternalFiles {
  paths: Iterable<string>;
  /**
   * Where its files go, when the writer knows without listing them: a file of each folder its
   * paths have (the folders are made before the writing). Else `paths` are listed for them.
   */
  folders?: readonly string[];
  write(root: string, previous: PreviousSite | undefined, ownWritten: Promise<boolean>): Promise<ExternalWritten>;
}

export interface ExternalWritten {
  /** Bytes of the files written or linked. */
  bytes: number;
  /** The files (site paths, listed in `paths` too) left in the site being replaced, in its `carry` folder, for the swap to carry over. */
  carried?: readonly string[];
  /** Files written as only their ends: the swap puts the first bytes of the same files of the site being replaced before them (append-over.ts). */
  appended?: readonly AppendedFile[];
}

/**
 * The files to write: a sequence, or the work that makes one, which is then done while the
 * external files are already being written.
 */
export type SiteFiles = Iterable<SiteFile> | (() => Promise<Iterable<SiteFile>>);

/**
 * Writes `files` here and the external files elsewhere at the same time, into `root`. Both are
 * finished (or failed) before this returns or throws: a caller may remove the folder next.
 * Returns the external files left in `previous` to be carried over (none unless `previous.carry`);
 * the files of either writer written as only their ends are in `written.appended`.
 */
async function writeAll(root: string, files: SiteFiles, fresh: boolean, opts: WriteSiteOptions, written: Written, previous?: PreviousSite): Promise<readonly string[]> {
  const external = opts.external;
  const how = { fresh, onProgress: opts.onProgress, previous };
  if (!external) {
    // The writing thread starts before the files are made (the charts, for a site's pages), so
    // that its start (about 0.1 s) is not waited for: in a profiled build of the fixtures, this
    // thread had waited 0.15 s for it at the end.
    const writer = new WriterThread();
    let list: Iterable<SiteFile>;
    try {
      list = typeof files === 'function' ? await files() : files;
    } catch (e) {
      await writer.close().catch(() => undefined);
      throw e;
    }
    await writeFiles(root, list, { ...how, writer }, written);
    return [];
  }
  makeDirsFor(root, external.folders ?? external.paths, fresh);
  let ownWritten!: (ok: boolean) => void;
  const own = new Promise<boolean>((resolve) => (ownWritten = resolve));
  // Its outcome is taken at once, so that a failure while this thread is still busy is never an
  // unhandled rejection (which ends the process); it is thrown once this thread's work is done.
  const elsewhere = external.write(root, previous, own).then(
    (done) => ({ done }),
    (error: unknown) => ({ error }),
  );
  try {
    // The external writers keep the cores busy: this thread writes its own files itself.
    await writeFiles(root, typeof files === 'function' ? await files() : files, { ...how, onThisThread: true }, written);
  } catch (e) {
    ownWritten(false);
    await elsewhere;
    throw e;
  }
  ownWritten(true);
  const outcome = await elsewhere;
  if ('error' in outcome) throw outcome.error;
  // Listed once written: after a failure, files that may not have been written are not claimed
  // (a later build overwrites them in place rather than deleting what it does not know).
  written.bytes += outcome.done.bytes;
  // One at a time: spread into arguments, a few hundred thousand paths overflow the stack.
  for (const p of external.paths) written.paths.push(p);
  if (outcome.done.appended?.length) (written.appended ??= []).push(...outcome.done.appended);
  return outcome.done.carried ?? [];
}

export interface WriteSiteResult {
  /** Files written (the manifest not counted) and their bytes. */
  files: number;
  bytes: number;
  /** The output folder, absolute. */
  dir: string;
  mode: 'swap' | 'in-place';
  /** The earlier site's folder, renamed aside and kept because it still holds files trace-report did not write. */
  kept?: string;
}

type Target =
  | { kind: 'missing' }
  | { kind: 'dir'; manifest: SiteManifest | null; empty: boolean; holdsCwd: boolean; link: boolean; mountPoint: boolean };

export async function writeSite(outDir: string, files: SiteFiles, opts: WriteSiteOptions = {}): Promise<WriteSiteResult> {
  const cwd = path.resolve(opts.cwd ?? process.cwd());
  const out = path.resolve(cwd, outDir);
  const version = opts.version ?? toolVersion();
  const target = inspect(out, cwd, opts.force === true);
  const swap = target.kind === 'missing' || (!target.link && !target.holdsCwd && !target.mountPoint && !target.manifest?.inPlace && (target.manifest !== null || target.empty));
  if (swap) {
    const result = await writeSwapped(out, target, files, version, opts);
    if (result) return result;
    // The parent folder cannot take a temporary folder; the output folder itself may still be writable.
    if (target.kind === 'missing') throw new OutputError(`cannot create ${out}: its parent folder is not writable`);
  }
  return writeInPlace(out, target as Extract<Target, { kind: 'dir' }>, files, version, opts);
}

function inspect(out: string, cwd: string, force: boolean): Target {
  let st;
  try {
    st = lstatSync(out);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw new OutputError(`cannot read ${out}: ${(e as Error).message}`, { cause: e });
  }
  const link = st.isSymbolicLink();
  if (!(link ? safeStat(out)?.isDirectory() : st.isDirectory())) throw new OutputError(`${out} is not a folder; choose a folder for the output`);
  const read = readManifest(out);
  const manifest = read === 'invalid' ? null : read;
  const empty = readdirSync(out).length === 0;
  const holdsCwd = contains(realpathSync.native(out), realpathSync.native(cwd));
  if (link && !force) throw new OutputError(`${out} is a symbolic link; give the folder it points to, or pass --force to write into it in place`);
  if (!empty && manifest === null && !force) {
    throw new OutputError(`${out} is not empty and is not a trace-report site; choose a new or empty folder, or pass --force to write into it (nothing in it is deleted)`);
  }
  if (holdsCwd && !force) throw new OutputError(`${out} is the current folder or holds it; choose a subfolder (for example -o report/), or pass --force to write into it in place`);
  const parent = path.dirname(out);
  const mountPoint = parent === out || statSync(out).dev !== statSync(parent).dev;
  return { kind: 'dir', manifest, empty, holdsCwd, link, mountPoint };
}

/** The swap; null when the temporary folder cannot be made beside `out` (permission), so the caller writes in place. */
async function writeSwapped(out: string, target: Target, files: SiteFiles, version: string, opts: WriteSiteOptions): Promise<WriteSiteResult | null> {
  const temp = out + TEMP_SUFFIX;
  const aside = out + ASIDE_SUFFIX;
  mkdirOrFail(path.dirname(out));
  clearLeftovers(temp, aside);
  try {
    mkdirSync(temp);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return null;
    throw new OutputError(`cannot create ${temp}: ${(e as Error).message}`, { cause: e });
  }
  const written: Written = { paths: [], bytes: 0 };
  const listed = new Set(target.kind === 'dir' ? (target.manifest?.files ?? []) : []);
  // The folder to carry over, when the site being replaced has it (a real folder, not a link).
  const carry = opts.carry !== undefined && listed.size > 0 && lstatIsDir(path.join(out, opts.carry)) ? opts.carry : null;
  let carried: readonly string[] = [];
  let others: Set<string> | null = null;
  try {
    writeManifest(temp, { tool: 'trace-report', version, inPlace: false, building: true, files: [] });
    // The site being replaced stays whole until the swap: its unchanged files are linked, not
    // copied, or (in the folder carried over) left where they are.
    const previous = target.kind === 'dir' && target.manifest ? new PreviousSite(out, listed, carry) : undefined;
    carried = await writeAll(temp, files, true, opts, written, previous);
    if ((written.appended?.length ?? 0) > 0 && previous === undefined) throw new Error('files were written to be finished from the earlier site, but there is none');
    if (carried.length > 0) {
      if (carry === null) throw new Error('files were left in the earlier site to carry over, but no folder of it is carried');
      others = carryable(out, carry, listed, carried);
      // The folder holds files its build did not write (or lost some meanwhile): the files left there are linked after all.
      if (others === null) linkCarried(out, temp, carried);
    }
    writeManifest(temp, { tool: 'trace-report', version, inPlace: false, files: written.paths, build: opts.record?.({ files: written.paths.length, bytes: written.bytes }) });
  } catch (e) {
    rmSync(temp, { recursive: true, force: true });
    throw e;
  }
  const result: WriteSiteResult = { files: written.paths.length, bytes: written.bytes, dir: out, mode: 'swap' };
  if (target.kind === 'missing') {
    renameOrUndo(temp, out, () => rmSync(temp, { recursive: true, force: true }));
    return result;
  }
  renameOrUndo(out, aside, () => rmSync(temp, { recursive: true, force: true }));
  const back = (): void => {
    try {
      renameSync(aside, out);
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
  };
  let over: CarriedOver | null = null;
  if (others !== null) {
    try {
      over = carryOver(aside, temp, carry!, others);
    } catch (e) {
      back();
      throw new OutputError(`cannot move ${path.join(aside, carry!)} into the new site: ${(e as Error).message}`, { cause: e });
    }
  }
  let appended: AppendedOver | null = null;
  const toAppend = written.appended ?? [];
  if (toAppend.length > 0) {
    try {
      appended = appendOver(aside, temp, toAppend);
    } catch (e) {
      over?.undo();
      back();
      throw e instanceof OutputError ? e : new OutputError(`cannot finish the new site's files from ${aside}: ${(e as Error).message}`, { cause: e });
    }
  }
  renameOrUndo(temp, out, () => {
    appended?.undo();
    over?.undo();
    back();
  });
  // The only deletion of a build, and it comes after the new site is in place. A carried folder's
  // files, and the files finished at the swap, are the new site's now: only those it no longer has
  // are removed, from where they were held.
  const moved = new Set(toAppend.map((f) => f.path));
  const old = over === null && moved.size === 0 ? listed : [...listed].filter((f) => !(over !== null && f.startsWith(`${carry}/`)) && !moved.has(f));
  const gone = removeListed(aside, [...old, ...(over?.held ?? []), MANIFEST_NAME], true);
  if (!gone) result.kept = aside;
  return result;
}

/**
 * Links the files `carried` (site paths) of the site being replaced into the new one, when their
 * folder can no longer be carried over whole: each must still be a regular file.
 */
function linkCarried(out: string, temp: string, carried: readonly string[]): void {
  for (const p of carried) {
    const abs = resolveInside(temp, p);
    try {
      linkSync(resolveInside(out, p), abs);
      if (!lstatSync(abs).isFile()) throw new Error('not a regular file');
    } catch (e) {
      throw new OutputError(`${path.join(out, p)} changed while the site was being built; build again (${(e as Error).message})`, { cause: e });
    }
  }
}

async function writeInPlace(out: string, target: Extract<Target, { kind: 'dir' }>, files: SiteFiles, version: string, opts: WriteSiteOptions): Promise<WriteSiteResult> {
  const old = target.manifest;
  const inPlace = old ? old.inPlace : !target.empty;
  const written: Written = { paths: [], bytes: 0 };
  // A file of the earlier build that already holds what this build writes is left untouched.
  const previous = old ? new PreviousSite(out, new Set(old.files), null) : undefined;
  try {
    await writeAll(out, files, false, opts, written, previous);
    if ((written.appended?.length ?? 0) > 0) throw new Error('files were written to be finished at a swap, in a site written in place');
  } catch (e) {
    // Keep every file this build or the earlier one wrote listed, so that a later build still knows them as its own.
    const known = new Set([...(old?.files ?? []), ...written.paths]);
    if (written.paths.length > 0) writeManifest(out, { tool: 'trace-report', version, inPlace, files: [...known] });
    throw e;
  }
  const now = new Set(written.paths);
  const stale = (old?.files ?? []).filter((f) => !now.has(f));
  writeManifest(out, { tool: 'trace-report', version, inPlace, files: written.paths, build: opts.record?.({ files: written.paths.length, bytes: written.bytes }) });
  removeListed(out, stale, false);
  return { files: written.paths.length, bytes: written.bytes, dir: out, mode: 'in-place' };
}

/** Makes room for the temporary and aside folders, touching only what an earlier build left. */
function clearLeftovers(temp: string, aside: string): void {
  if (exists(temp)) {
    const m = isDir(temp) ? readManifest(temp) : null;
    if (m === null || m === 'invalid') throw new OutputError(`${temp} is in the way and was not made by trace-report; move or remove it, then build again`);
    rmSync(temp, { recursive: true, force: true });
  }
  if (exists(aside)) {
    const m = isDir(aside) ? readManifest(aside) : null;
    const gone = m !== null && m !== 'invalid' ? removeListed(aside, [...m.files, MANIFEST_NAME], true) : removeEmptyDirs(aside);
    if (gone) return;
    throw new OutputError(`${aside} holds files kept from an earlier build that trace-report did not write; move what you need and remove it, then build again`);
  }
}

function writeManifest(dir: string, m: SiteManifest): void {
  writeNoFollow(path.join(dir, MANIFEST_NAME), manifestText(m));
}

function renameOrUndo(from: string, to: string, undo: () => void): void {
  try {
    renameSync(from, to);
  } catch (e) {
    undo();
    throw new OutputError(`cannot rename ${from} to ${to}: ${(e as Error).message}; is a program holding a file in it open?`, { cause: e });
  }
}

function mkdirOrFail(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new OutputError(`cannot create the folder ${dir}: ${(e as Error).message}`, { cause: e });
  }
}

function contains(outer: string, inner: string): boolean {
  const rel = path.relative(outer, inner);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

function exists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

function isDir(p: string): boolean {
  return lstatSync(p).isDirectory();
}

function safeStat(p: string) {
  try {
    return statSync(p);
  } catch {
    return undefined;
  }
}
