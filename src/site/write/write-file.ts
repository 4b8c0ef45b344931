import { closeSync, constants, openSync, writeFileSync } from 'node:fs';
import { OutputError } from '../../errors.js';
import type { SiteFile } from './site-file.js';

/** Never write through a symbolic link planted where a page goes (POSIX only; Windows has no flag). */
const WRITE_FLAGS =
  constants.O_NOFOLLOW === undefined ? 'w' : constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW;

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
