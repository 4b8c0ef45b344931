import { closeSync, constants, copyFileSync, existsSync, fstatSync, ftruncateSync, lstatSync, openSync, readSync, writeFileSync, type Stats } from 'node:fs';
import { OutputError } from '../../errors.js';
import type { KeptContent, SiteFile } from './site-file.js';

/** Never write through a symbolic link planted where a page goes (POSIX only; Windows has no flag). */
const WRITE_FLAGS =
  constants.O_NOFOLLOW === undefined ? 'w' : constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW;

/** Never read through a symbolic link planted in a site either. */
export const READ_FLAGS = constants.O_NOFOLLOW === undefined ? 'r' : constants.O_RDONLY | constants.O_NOFOLLOW;

/**
 * `use(fd, st)` on `file` opened for reading when it is a regular file (never through a
 * symbolic link), closed after; null when it is not there, not one, or cannot be read.
 */
export function withRegularFile<T>(file: string, use: (fd: number, st: Stats) => T | null): T | null {
  try {
    const fd = openSync(file, READ_FLAGS);
    try {
      const st = fstatSync(fd);
      return st.isFile() ? use(fd, st) : null;
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
  }
}

/** Reads `size` bytes of `fd` from offset `from` into `buf`; false when the file ends before. */
export function readFully(fd: number, buf: Uint8Array, size: number, from = 0): boolean {
  for (let got = 0; got < size; ) {
    const n = readSync(fd, buf, got, size - got, from + got);
    if (n === 0) return false;
    got += n;
  }
  return true;
}

/** The bytes of `file` when it is a regular file (not through a symbolic link); null when it is not there or not one. */
export function readNoFollow(file: string): Buffer | null {
  return withRegularFile(file, (fd, { size }) => {
    const bytes = Buffer.alloc(size);
    return readFully(fd, bytes, size) ? bytes : null;
  });
}

/** The start of a file to begin another with: its first `bytes` bytes, when it has exactly `size` (else it changed). */
export interface FilePrefix {
  from: string;
  bytes: number;
  size: number;
  /**
   * The start is put before the file's bytes at the swap (append-over.ts), not here: the file
   * holds only what follows it, and its writer counts from `bytes`.
   */
  atSwap?: boolean;
}

/** A file of rows: its path, and where each row (or each run's rows) ends, the last at its size. */
export interface RowsFile {
  from: string;
  ends: Float64Array;
}

/** `k` up to the end of its first `rows` rows (`atSwap`: see FilePrefix). */
export function prefixOf(k: RowsFile, rows: number, atSwap = false): FilePrefix {
  return { from: k.from, bytes: k.ends[rows - 1]!, size: k.ends[k.ends.length - 1]!, ...(atSwap ? { atSwap } : {}) };
}

/** Where a process sees the files it has open (Linux): a path that names an open file, not what is at its path now. */
const OPEN_FILES = '/proc/self/fd';
const hasOpenFiles = existsSync(OPEN_FILES);

/**
 * Creates `abs` begun with the first `p.bytes` bytes of `p.from`, and opens it to write after them
 * (O_APPEND). The kernel copies the file (copy_file_range), then it is cut to those bytes: for the
 * 326 MB of kept rows of a 1M-span site's exports about 0.1 s, where a copy through a buffer took
 * 0.6–1.1 s. The file copied is `p.from` as opened here, never through a symbolic link, when it has
 * exactly `p.size` bytes. Null when the copy cannot be made so (no /proc, or `abs` is there
 * already): the caller copies through its buffer (PieceWriter.copy).
 */
function openBegunWith(abs: string, p: FilePrefix): number | null {
  if (!hasOpenFiles || constants.O_NOFOLLOW === undefined) return null;
  const from = openPrefix(p);
  let copied = true;
  try {
    // COPYFILE_EXCL: never over a file (or a link) already at `abs`.
    copyFileSync(`${OPEN_FILES}/${from}`, abs, constants.COPYFILE_EXCL);
  } catch {
    copied = false;
  } finally {
    closeSync(from);
  }
  if (!copied) return null;
  const fd = openSync(abs, constants.O_WRONLY | constants.O_APPEND | constants.O_NOFOLLOW);
  try {
    if (fstatSync(fd).size !== p.size) throw new OutputError(`${p.from} changed while the site was built`);
    ftruncateSync(fd, p.bytes);
    return fd;
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/** `p.from` opened to read (never through a symbolic link), when it is a regular file of `p.size` bytes; else an OutputError. */
function openPrefix(p: FilePrefix): number {
  let fd: number;
  try {
    fd = openSync(p.from, READ_FLAGS);
  } catch (e) {
    throw new OutputError(`cannot read ${p.from}: ${(e as Error).message}`, { cause: e });
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size !== p.size) throw new OutputError(`${p.from} changed while the site was built`);
    return fd;
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/** Opens `abs` to write, begun with the bytes of `prefix` when given: the file, and whether the writer must still copy them. */
function openToWrite(abs: string, prefix: FilePrefix | null): { fd: number; copied: boolean } {
  if (prefix?.atSwap === true) return { fd: openSync(abs, WRITE_FLAGS, 0o666), copied: true };
  const begun = prefix === null ? null : openBegunWith(abs, prefix);
  return begun === null ? { fd: openSync(abs, WRITE_FLAGS, 0o666), copied: false } : { fd: begun, copied: true };
}

/** Streamed content is gathered into a buffer this big (one kept a thread for `writePieces`) and written when it is full. */
const GATHER_BYTES = 1 << 20;
let gather: Buffer | null = null;

/**
 * Writes pieces of streamed content (each run's rows of an export) to a file, about a megabyte
 * at a time. Encoding each piece into one kept buffer, rather than joining pieces into larger
 * strings and encoding those, keeps every piece short-lived: joined strings and their buffers
 * outlived the young generation and kept about 100 MB of the peak memory of a 1M-span build
 * until the next full garbage collection.
 */
export class PieceWriter {
  private used = 0;
  /** Bytes written so far. */
  bytes = 0;

  /** `name`: the file's path, for the errors of writing it (else they are thrown as they come). */
  constructor(
    private readonly fd: number,
    private readonly buf: Buffer = Buffer.allocUnsafe(GATHER_BYTES),
    private readonly name?: string,
  ) {}

  /** Where the next piece goes in the file: the bytes written and gathered so far. */
  get position(): number {
    return this.bytes + this.used;
  }

  add(piece: string): void {
    const buf = this.buf;
    // A UTF-16 unit is at most three bytes of UTF-8 (a surrogate pair, four for two units).
    const most = piece.length * 3;
    if (this.used > 0 && this.used + most > buf.length) this.flush();
    if (most > buf.length) {
      const whole = Buffer.from(piece, 'utf8');
      this.write(whole);
      this.bytes += whole.length;
    } else this.used += buf.write(piece, this.used, 'utf8');
  }

  /** Writes what is gathered; returns the bytes written in all. */
  flush(): number {
    if (this.used > 0) {
      this.write(this.buf.subarray(0, this.used));
      this.bytes += this.used;
      this.used = 0;
    }
    return this.bytes;
  }

  /** Goes on after the first `p.bytes` bytes of `p.from`, already at the start of the file (openBegunWith) or to be put there at the swap (`atSwap`), or copies them there. */
  begin(p: FilePrefix, copied: boolean): void {
    if (!copied) this.copy(p);
    else if (this.position !== 0) throw new Error('a prefix is copied before the pieces');
    else this.bytes = p.bytes;
  }

  /** Writes the first `p.bytes` bytes of the file `p.from` (before any piece). */
  private copy(p: FilePrefix): void {
    if (this.position !== 0) throw new Error('a prefix is copied before the pieces');
    const fd = openPrefix(p);
    try {
      while (this.bytes < p.bytes) {
        const n = readSync(fd, this.buf, 0, Math.min(this.buf.length, p.bytes - this.bytes), this.bytes);
        if (n === 0) throw new OutputError(`${p.from} changed while the site was built`);
        this.write(this.buf.subarray(0, n));
        this.bytes += n;
      }
    } finally {
      closeSync(fd);
    }
  }

  private write(bytes: Uint8Array): void {
    try {
      writeFileSync(this.fd, bytes);
    } catch (e) {
      throw this.name === undefined ? e : writeError(this.name, e);
    }
  }
}

/** The size of `file` when it is a regular file (not a symbolic link); null when it is not there or not one. */
export function regularFileSize(file: string): number | null {
  try {
    const st = lstatSync(file);
    return st.isFile() ? st.size : null;
  } catch {
    return null;
  }
}

/** Writes `pieces` to `fd`, after the bytes of `prefix` when given (`copied`: they are there already). */
function writePieces(fd: number, pieces: Iterable<string>, prefix: FilePrefix | null = null, copied = false): number {
  const w = new PieceWriter(fd, (gather ??= Buffer.allocUnsafe(GATHER_BYTES)));
  if (prefix !== null) w.begin(prefix, copied);
  for (const piece of pieces) w.add(piece);
  return w.flush();
}

function writeError(abs: string, e: unknown): OutputError {
  const err = e as NodeJS.ErrnoException;
  const why = err.code === 'ELOOP' ? 'it is a symbolic link, and trace-report does not write through links' : err.message;
  return new OutputError(`cannot write ${abs}: ${why}`, { cause: e });
}

/**
 * Writes several files at once, each from pieces `fill` gives its writer (the exports of calls,
 * made in one pass over the runs), refusing to follow a symbolic link at any of their paths;
 * returns the bytes written. File-system failures become OutputError naming the file.
 */
export function writeStreams(paths: readonly string[], fill: (writers: PieceWriter[]) => void, prefixes: readonly (FilePrefix | null)[] = []): number {
  const fds: number[] = [];
  const copied: boolean[] = [];
  try {
    for (const [k, abs] of paths.entries()) {
      try {
        const opened = openToWrite(abs, prefixes[k] ?? null);
        fds.push(opened.fd);
        copied.push(opened.copied);
      } catch (e) {
        throw e instanceof OutputError ? e : writeError(abs, e);
      }
    }
    const writers = fds.map((fd, k) => new PieceWriter(fd, undefined, paths[k]));
    prefixes.forEach((p, k) => {
      if (p !== null) writers[k]!.begin(p, copied[k]!);
    });
    fill(writers);
    return writers.reduce((sum, w) => sum + w.flush(), 0);
  } finally {
    for (const fd of fds) closeSync(fd);
  }
}

/** Writes a file of `parts` (made as they are written), refusing to follow a symbolic link at its path; returns its size in bytes. */
export function writePartsNoFollow(abs: string, parts: Iterable<Uint8Array>): number {
  try {
    const fd = openSync(abs, WRITE_FLAGS, 0o666);
    try {
      let bytes = 0;
      for (const part of parts) {
        writeFileSync(fd, part);
        bytes += part.byteLength;
      }
      return bytes;
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    throw e instanceof OutputError ? e : writeError(abs, e);
  }
}

/**
 * Writes one file, refusing to follow a symbolic link at its path, and returns its size in bytes;
 * file-system failures become OutputError. The one way a site file is written, on any thread.
 * `old`: the previous build's file at the same path, for streamed content that may begin with its
 * bytes (StreamedContent's `head`; never the file at `abs` itself). `atSwap`: those bytes are put
 * before the rest at the swap (append-over.ts), and only the rest is written here.
 */
export function writeNoFollow(abs: string, content: Exclude<SiteFile['content'], KeptContent>, old: string | null = null, atSwap = false): number {
  try {
    const head = typeof content === 'object' && !(content instanceof Uint8Array) ? content.head : undefined;
    const prefix: FilePrefix | null =
      head !== undefined && old !== null && old !== abs && regularFileSize(old) === head.size ? { from: old, bytes: head.bytes, size: head.size, ...(atSwap ? { atSwap } : {}) } : null;
    if (atSwap && prefix === null) throw new Error(`${abs}: the first bytes of a file to be put before it at the swap are not there`);
    const { fd, copied } = openToWrite(abs, prefix);
    try {
      if (content instanceof Uint8Array) {
        writeFileSync(fd, content);
        return content.byteLength;
      }
      if (typeof content === 'string') {
        writeFileSync(fd, content);
        // The file is new or emptied (O_TRUNC): its size is what was written. Asking the file costs
        // a tenth of Buffer.byteLength, which walks the text again (12 µs for a 14 KB page that is
        // not all Latin-1, as most pages are not; 72k pages at 1M spans).
        return fstatSync(fd).size;
      }
      if (prefix !== null) return writePieces(fd, head!.rest(), prefix, copied);
      return writePieces(fd, content.chunks());
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    throw e instanceof OutputError ? e : writeError(abs, e);
  }
}
