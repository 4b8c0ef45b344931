import { closeSync, constants, openSync, writeFileSync } from 'node:fs';
import { OutputError } from '../../errors.js';
import type { SiteFile } from './site-file.js';

/** Never write through a symbolic link planted where a page goes (POSIX only; Windows has no flag). */
const WRITE_FLAGS =
  constants.O_NOFOLLOW === undefined ? 'w' : constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW;

/** Streamed content is gathered into this buffer (one a thread, kept for the next file) and written when it is full. */
const GATHER_BYTES = 1 << 20;
let gather: Buffer | null = null;

/**
 * Writes the pieces of streamed content (each run's rows of an export) to `fd`, about a megabyte
 * at a time, and returns the bytes written. Encoding each piece into one kept buffer, rather than
 * joining pieces into larger strings and encoding those, keeps every piece short-lived: joined
 * strings and their buffers outlived the young generation and kept about 100 MB of the peak
 * memory of a 1M-span build until the next full garbage collection.
 */
function writePieces(fd: number, pieces: Iterable<string>): number {
  const buf = (gather ??= Buffer.allocUnsafe(GATHER_BYTES));
  let used = 0;
  let bytes = 0;
  const flush = () => {
    writeFileSync(fd, buf.subarray(0, used));
    bytes += used;
    used = 0;
  };
  for (const piece of pieces) {
    // A UTF-16 unit is at most three bytes of UTF-8 (a surrogate pair, four for two units).
    const most = piece.length * 3;
    if (used > 0 && used + most > buf.length) flush();
    if (most > buf.length) {
      const whole = Buffer.from(piece, 'utf8');
      writeFileSync(fd, whole);
      bytes += whole.length;
    } else used += buf.write(piece, used, 'utf8');
  }
  if (used > 0) flush();
  return bytes;
}

/**
 * Writes one file, refusing to follow a symbolic link at its path, and returns its size in bytes;
 * file-system failures become OutputError. The one way a site file is written, on any thread.
 */
export function writeNoFollow(abs: string, content: SiteFile['content']): number {
  try {
    const fd = openSync(abs, WRITE_FLAGS, 0o666);
    try {
      if (typeof content === 'string' || content instanceof Uint8Array) {
        writeFileSync(fd, content);
        return typeof content === 'string' ? Buffer.byteLength(content) : content.byteLength;
      }
      return writePieces(fd, content.chunks());
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ELOOP' ? 'it is a symbolic link, and trace-report does not write through links' : err.message;
    throw new OutputError(`cannot write ${abs}: ${why}`, { cause: e });
  }
}
