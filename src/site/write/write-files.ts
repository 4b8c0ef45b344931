/**
 * Writing the files of a site into one folder. Pages go in batches to a writing thread
 * (writer-thread.ts), which writes them one after another with synchronous calls (those beat many
 * writes in flight: issue 4), while this thread renders the next pages. When other threads write
 * most of the site (the run pages of a large build), this thread writes its own few pages itself,
 * each as soon as it is rendered (InlineWriter). Each folder is made once, here, before any file
 * in it is sent.
 */

import { lstatSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { OutputError } from '../../errors.js';
import { MANIFEST_NAME } from './manifest.js';
import { isKept, type SiteFile } from './site-file.js';
import { resolveInside } from './site-path.js';
import { keepFiles, writeOrReuse, type PreviousSite } from './reuse-file.js';
import { writeNoFollow } from './write-file.js';
import { mayAppendOver, type AppendedFile } from './append-over.js';
import type { WriteBatch } from './write-worker.js';
import { InlineWriter, type BatchWriter } from './inline-writer.js';
import { WriterThread } from './writer-thread.js';

/**
 * A batch is handed over at the writer's count of files (`batchFiles`) or at this many characters
 * of text, whichever comes first.
 */
const BATCH_CHARS = 1 << 20;

/** What has been written so far; kept up to date while writing, so a caller can clean up after a throw. */
export interface Written {
  paths: string[];
  bytes: number;
  /** Files written as only their ends: the swap puts the first bytes of the same files of the earlier site before them (append-over.ts). */
  appended?: AppendedFile[];
}

export interface WriteFilesOptions {
  /** The folder was just made and is empty: no folder in it can be a link, so none is checked. */
  fresh: boolean;
  onProgress?: (files: number) => void;
  /** The site this build replaces: its unchanged files are linked rather than written again. */
  previous?: PreviousSite;
  /** Write on this thread rather than on a writing thread of its own (other threads are writing too). */
  onThisThread?: boolean;
  /** The writing thread, started already; closed here as one made here would be. */
  writer?: WriterThread;
}

export async function writeFiles(root: string, files: Iterable<SiteFile>, opts: WriteFilesOptions, written: Written): Promise<void> {
  const seen = new Set<string>();
  const dirs = new Set<string>([root]);
  const writer: BatchWriter = opts.writer ?? (opts.onThisThread ? new InlineWriter() : new WriterThread());
  // The files sent to the writing thread, in the order it writes them: when one fails, it and
  // those after it were not written, and come off the list of what this build wrote.
  const sent: { abs: string; path: string }[] = [];
  let batch: WriteBatch['files'] = [];
  let chars = 0;
  let mainBytes = 0;
  let count = 0;
  const send = async () => {
    if (batch.length === 0) return;
    const sending = batch;
    batch = [];
    chars = 0;
    await writer.write(sending);
  };
  try {
    for (const file of files) {
      if (writer.failed) break;
      const abs = resolveInside(root, file.path);
      if (file.path === MANIFEST_NAME) throw new Error(`${MANIFEST_NAME} is written by writeSite itself`);
      // Two names that differ only in case are one file on macOS and Windows.
      const key = file.path.toLowerCase();
      if (seen.has(key)) throw new Error(`site file ${JSON.stringify(file.path)} is given twice (ignoring case)`);
      seen.add(key);
      const dir = path.dirname(abs);
      if (!dirs.has(dir)) makeDir(root, dir, opts.fresh, dirs);
      const content = file.content;
      if ((typeof content === 'string' || content instanceof Uint8Array) && content.length <= BATCH_CHARS) {
        sent.push({ abs, path: file.path });
        batch.push({ abs, content, old: opts.previous?.fileFor(file.path) ?? null });
        chars += content.length;
        if (batch.length >= writer.batchFiles || chars >= BATCH_CHARS) await send();
      } else {
        // Streamed content (the large data exports), very large pages and pages the previous
        // build may hold already are written here.
        const old = opts.previous?.fileFor(file.path) ?? null;
        if (isKept(content)) mainBytes += old !== null && keepFiles([old], [abs], content.kept) ? content.kept : writeOrReuse(abs, content.render(), old);
        else if (typeof content === 'string' || content instanceof Uint8Array) mainBytes += writeOrReuse(abs, content, old);
        else {
          // A file begun with the earlier site's first bytes (rows a rebuild keeps): where that
          // file allows, they are put before the rest at the swap rather than copied now.
          const head = content.head;
          const atSwap = head !== undefined && old !== null && old !== abs && mayAppendOver(old, head.bytes, head.size);
          mainBytes += writeNoFollow(abs, content, old, atSwap);
          if (atSwap) (written.appended ??= []).push({ path: file.path, keep: head.bytes, size: head.size });
        }
        written.paths.push(file.path);
      }
      count++;
      if (opts.onProgress && count % 256 === 0) opts.onProgress(count);
    }
    await send();
  } finally {
    // Every write has finished (or stopped) before this returns or throws: the caller may be
    // about to remove the folder.
    await writer.close();
    const failed = writer.failed;
    const stop = failed ? sent.findIndex((f) => f.abs === failed.abs) : -1;
    for (const f of stop === -1 ? sent : sent.slice(0, stop)) written.paths.push(f.path);
  }
  const failed = writer.failed;
  if (failed) throw new OutputError(failed.failed);
  written.bytes += mainBytes + writer.bytes;
}

/** Makes the folders of `paths` (relative) under `root`, as `writeFiles` would before writing them. */
export function makeDirsFor(root: string, paths: Iterable<string>, fresh: boolean): void {
  const dirs = new Set<string>([root]);
  // Most paths share a few folders (runs/): each folder is checked and made once. The paths
  // themselves are checked when written.
  const relDirs = new Set<string>();
  for (const p of paths) {
    const relDir = p.slice(0, Math.max(0, p.lastIndexOf('/')));
    if (relDirs.has(relDir)) continue;
    relDirs.add(relDir);
    const dir = path.dirname(resolveInside(root, p));
    if (!dirs.has(dir)) makeDir(root, dir, fresh, dirs);
  }
}

function makeDir(root: string, dir: string, fresh: boolean, dirs: Set<string>): void {
  if (!dirs.has(path.dirname(dir))) makeDir(root, path.dirname(dir), fresh, dirs);
  try {
    if (fresh) mkdirFresh(dir);
    else ensureRealDir(dir);
  } catch (e) {
    if (e instanceof OutputError) throw e;
    throw new OutputError(`cannot create the folder ${dir}: ${(e as Error).message}`, { cause: e });
  }
  dirs.add(dir);
}

/** In a folder made for this build: a folder already there was made by this build (makeDirsFor). */
function mkdirFresh(dir: string): void {
  try {
    mkdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    ensureRealDir(dir);
  }
}

function ensureRealDir(dir: string): void {
  let isDir: boolean;
  try {
    isDir = lstatSync(dir).isDirectory();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    mkdirSync(dir);
    return;
  }
  if (!isDir) throw new OutputError(`${dir} is a file or a symbolic link where the site needs a folder; move it away or choose another output folder`);
}
