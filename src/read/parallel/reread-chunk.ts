import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { InputError } from '../../errors.js';
import type { Obj } from '../../normalise/fields.js';
import { lineFields } from '../line-events.js';
import { LineCursor } from '../lines.js';
import type { Chunk } from './chunks.js';

// One buffer for chunk after chunk: this thread reads one chunk again at a time.
let buffer = Buffer.alloc(0);

/**
 * A chunk's lines read again from its file on this thread, for the original fields of the spans
 * a filter passed: the worker threads that read the chunk keep no lines (`query` in JSON and JSON
 * lines). The chunk's bytes are read once, when the first of its spans needs its fields, and its
 * lines are asked for in increasing order; the bytes are only valid until the next chunk is read.
 */
export class RereadChunk {
  private cursor: LineCursor | null = null;
  /** The fields of the events of the cursor's line. */
  private fields: Obj[] = [];

  constructor(private readonly chunk: Chunk) {}

  /** The fields of event `k` (0-based) of the chunk's line `line` (1-based, from the chunk's start), as the full path gives them. */
  fieldsOf(line: number, k: number): Obj {
    const cursor = (this.cursor ??= new LineCursor(this.bytes()));
    if (cursor.line !== line) {
      // Lines are asked for in increasing order; one that is not there is a file that changed.
      while (cursor.line < line) if (!cursor.next()) throw this.changed();
      if (cursor.line !== line) throw this.changed();
      this.fields = lineFields(cursor.bytes, cursor.start, cursor.end);
    }
    const fields = this.fields[k];
    if (fields === undefined) throw this.changed();
    return fields;
  }

  private bytes(): Buffer {
    const { chunk } = this;
    if (chunk.reread === null) throw new Error(`${chunk.file.name} cannot be read again (compressed, or a stream)`);
    let fd: number;
    try {
      fd = openSync(chunk.file.path, 'r');
    } catch (err) {
      throw new InputError(`${chunk.file.name}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    try {
      // A file read whole is read again to its end as it is now: one a writer appends to still
      // has every line where it was.
      const { start } = chunk.reread;
      const length = (chunk.reread.end ?? fstatSync(fd).size) - start;
      if (buffer.length < length) buffer = Buffer.allocUnsafe(length);
      let got = 0;
      while (got < length) {
        const n = readSync(fd, buffer, got, length - got, start + got);
        if (n === 0) break;
        got += n;
      }
      return buffer.subarray(0, got);
    } finally {
      closeSync(fd);
    }
  }

  private changed(): InputError {
    return new InputError(`${this.chunk.file.name}: changed while it was read (its lines are not where they were)`);
  }
}
