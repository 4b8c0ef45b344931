/**
 * Writing the files of a site into one folder, one after another: synchronous writes beat many
 * writes in flight here (issue 4, and a check on 20k small files), and each folder is made once.
 */

import { closeSync, constants, lstatSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { OutputError } from '../../errors.js';
import { MANIFEST_NAME } from './manifest.js';
import type { SiteFile } from './site-file.js';
import { resolveInside } from './site-path.js';

// Never write through a symbolic link planted where a page goes (POSIX only; Windows has no flag).
const WRITE_FLAGS =
  constants.O_NOFOLLOW === undefined ? 'w' : constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW;

/** What has been written so far; kept up to date while writing, so a caller can clean up after a throw. */
export interface Written {
  paths: string[];
  bytes: number;
}

export interface WriteFilesOptions {
  /** The folder was just made and is empty: no folder in it can be a link, so none is checked. */
  fresh: boolean;
  onProgress?: (files: number) => void;
}

export function writeFiles(root: string, files: Iterable<SiteFile>, opts: WriteFilesOptions, written: Written): void {
  const seen = new Set<string>();
  const dirs = new Set<string>([root]);
  for (const file of files) {
    const abs = resolveInside(root, file.path);
    if (file.path === MANIFEST_NAME) throw new Error(`${MANIFEST_NAME} is written by writeSite itself`);
    // Two names that differ only in case are one file on macOS and Windows.
    const key = file.path.toLowerCase();
    if (seen.has(key)) throw new Error(`site file ${JSON.stringify(file.path)} is given twice (ignoring case)`);
    seen.add(key);
    const dir = path.dirname(abs);
    if (!dirs.has(dir)) makeDir(root, dir, opts.fresh, dirs);
    const bytes = writeNoFollow(abs, file.content);
    written.paths.push(file.path);
    written.bytes += bytes;
    if (opts.onProgress && written.paths.length % 256 === 0) opts.onProgress(written.paths.length);
  }
}

/**
 * Writes one file, refusing to follow a symbolic link at its path, and returns its size in bytes;
 * file-system failures become OutputError.
 */
export function writeNoFollow(abs: string, content: SiteFile['content']): number {
  try {
    const fd = openSync(abs, WRITE_FLAGS, 0o666);
    try {
      if (typeof content === 'string' || content instanceof Uint8Array) {
        writeFileSync(fd, content);
        return typeof content === 'string' ? Buffer.byteLength(content) : content.byteLength;
      }
      let bytes = 0;
      for (const piece of content.chunks()) {
        const buf = Buffer.from(piece, 'utf8');
        writeFileSync(fd, buf);
        bytes += buf.byteLength;
      }
      return bytes;
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ELOOP' ? 'it is a symbolic link, and trace-report does not write through links' : err.message;
    throw new OutputError(`cannot write ${abs}: ${why}`, { cause: e });
  }
}

function makeDir(root: string, dir: string, fresh: boolean, dirs: Set<string>): void {
  if (!dirs.has(path.dirname(dir))) makeDir(root, path.dirname(dir), fresh, dirs);
  try {
    if (fresh) mkdirSync(dir);
    else ensureRealDir(dir);
  } catch (e) {
    if (e instanceof OutputError) throw e;
    throw new OutputError(`cannot create the folder ${dir}: ${(e as Error).message}`, { cause: e });
  }
  dirs.add(dir);
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
