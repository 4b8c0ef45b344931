import { open } from 'node:fs/promises';
import type { InputFile } from '../inputs.js';
import { isStream } from '../inputs.js';

/** A piece of work for a worker: a whole file, or a byte range of a plain file that starts a line. */
export interface Chunk {
  index: number;
  fileIndex: number;
  file: InputFile;
  /** Byte range; `end` null for a whole (possibly gzipped) file. */
  start: number;
  end: number | null;
  /** True for the first chunk of its file: positional runs start afresh there. */
  first: boolean;
  /** True for the last chunk of its file. */
  last: boolean;
  /**
   * Where the chunk's lines lie in its file as stored, to be read again there (the original
   * fields of the spans `query` shows): the byte range of a plain file, to its end as it is then
   * (`end` null) for a file read whole, which may have grown since; null for a gzipped file or a
   * stream, whose lines cannot be read again.
   */
  reread: { start: number; end: number | null } | null;
  /**
   * The file's lines up to `end`, as an earlier build read them (load.ts: LoadOptions.kept): not
   * read again, and taken from there. The chunks after it read the rest of the file.
   */
  kept?: true;
}

const PROBE = 64 * 1024;

/** The offset just after the first line feed at or after `from`, or the file size. */
async function nextLineStart(handle: import('node:fs/promises').FileHandle, from: number, size: number): Promise<number> {
  const buf = Buffer.alloc(PROBE);
  for (let pos = from; pos < size; pos += PROBE) {
    const { bytesRead } = await handle.read(buf, 0, PROBE, pos);
    const nl = buf.subarray(0, bytesRead).indexOf(0x0a);
    if (nl !== -1) return pos + nl + 1;
    if (bytesRead === 0) break;
  }
  return size;
}

async function isGzip(handle: import('node:fs/promises').FileHandle): Promise<boolean> {
  const head = Buffer.alloc(2);
  const { bytesRead } = await handle.read(head, 0, 2, 0);
  return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/**
 * The bytes a file gives to read: its size, or for a gzipped file what it holds uncompressed, as
 * its last member's trailer tells (modulo 4 GiB: never less than the compressed size is taken). A
 * 265 MB trace gzips to about 27 MB; it is read as the 265 MB it is.
 */
export async function readableBytes(path: string): Promise<number> {
  const handle = await open(path, 'r');
  try {
    const size = (await handle.stat()).size;
    if (size < 18 || !(await isGzip(handle))) return size;
    const tail = Buffer.alloc(4);
    await handle.read(tail, 0, 4, size - 4);
    return Math.max(size, tail.readUInt32LE(0));
  } finally {
    await handle.close();
  }
}

/**
 * Splits the inputs into chunks of about `chunkBytes`, in input order. Gzipped files cannot be
 * split and stay whole; plain files are cut just after a line feed, so no line is ever split.
 * `keptUpTo`: for an input an earlier build read, the bytes of it that build read (a line ends
 * there): one kept chunk stands for them, and the chunks after it read the rest.
 */
export async function planChunks(files: readonly InputFile[], chunkBytes: number, keptUpTo: ((name: string) => number | null) | null = null): Promise<Chunk[]> {
  const chunks: Chunk[] = [];
  for (const [fileIndex, file] of files.entries()) {
    const whole = (reread: Chunk['reread']): void => void chunks.push({ index: chunks.length, fileIndex, file, start: 0, end: null, first: true, last: true, reread });
    if (isStream(file)) {
      whole(null);
      continue;
    }
    const handle = await open(file.path, 'r');
    try {
      const size = (await handle.stat()).size;
      const kept = keptUpTo?.(file.name) ?? null;
      // The bytes left to cut: all of them, or those after the kept chunk.
      let start = 0;
      let keeps = false;
      if (kept !== null && kept <= size) {
        keeps = true;
        chunks.push({ index: chunks.length, fileIndex, file, start: 0, end: kept, first: true, last: kept === size, reread: null, kept: true });
        start = kept;
      } else if (await isGzip(handle)) {
        whole(null);
        continue;
      } else if (size <= chunkBytes) {
        whole({ start: 0, end: null });
        continue;
      }
      while (start < size) {
        const end = start + chunkBytes >= size ? size : await nextLineStart(handle, start + chunkBytes, size);
        chunks.push({ index: chunks.length, fileIndex, file, start, end, first: start === 0 && !keeps, last: end === size, reread: { start, end } });
        start = end;
      }
    } finally {
      await handle.close();
    }
  }
  return chunks;
}
