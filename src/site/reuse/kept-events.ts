import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { z } from 'zod';
import { isStream, type InputFile } from '../../read/inputs.js';
import type { KeptReading, ReadPiece } from '../../read/load.js';
import { batchAt, batchParts, padded, storedBytes, type StoredBatch } from '../../read/parallel/batch-file.js';
import { sharedArray } from '../../read/parallel/shared-array.js';
import { mayAppendOver } from '../write/append-over.js';
import { readFully, withRegularFile, writePartsNoFollow } from '../write/write-file.js';
import type { InputRecord } from './input-hashes.js';

/**
 * The events a build read, kept in its site for the next build of the same folder: when an input
 * was only appended to since (a log that grows), the next build reads only the added bytes, and
 * takes the events of the rest from here instead of reading and parsing them again (at 1M spans,
 * 28 MB here against 265 MB of JSON, and about 0.7 s of a rebuild's reading). The file holds
 * every piece the reading threads made (a chunk's batch of events, its lines, spans and skipped
 * lines) in input order, as bytes a piece after another, described by a header in JSON. The last
 * piece of a grown input is read again with what follows it, so that the pieces are the ones a
 * fresh build cuts, and this file the one it writes, byte for byte.
 *
 * The layout: MAGIC and zeros to a multiple of 8 bytes, each piece's parts (batch-file.ts), then
 * the header in JSON, its length (4 bytes, little-endian) and its SHA-256 (32 bytes). The header
 * comes last so that a rebuild after an input was appended to writes only what follows the
 * pieces it kept: at the swap, the earlier site's file is cut after those and takes the rest
 * (append-over.ts), rather than 28 MB written again at 1M spans. Each piece carries the SHA-256
 * of its bytes, checked as it is read back (and kept, so that a build that keeps a piece writes
 * it again without hashing it). A file whose header or any piece needed does not check, of
 * another format, or of another frame (code, templates, price table, version), is not used:
 * every input is then read.
 */
export const EVENTS_FILE = '.trace-report-events.bin';

const MAGIC = Buffer.from('trace-report events 2\n', 'latin1');
const FORMAT = 2;
const HASH_BYTES = 32;
/** Where the pieces begin. */
const DATA_START = padded(MAGIC.length);
/** The header's length and SHA-256, at the end. */
const TAIL_BYTES = 4 + HASH_BYTES;

const storedNumbersSchema = z.object({ ints: z.boolean(), base: z.union([z.number(), z.string()]), divisor: z.number() });
const storedBatchSchema = z.object({
  count: z.number().int().nonnegative(),
  narrowStride: z.number().int().nonnegative(),
  wideStride: z.number().int().nonnegative(),
  wide32: z.boolean(),
  columns: z.array(z.number().int()),
  lines: z.boolean(),
  times: storedNumbersSchema,
  amounts: z.array(storedNumbersSchema),
  texts: z.boolean(),
  strings: z.enum(['latin1', 'utf16le']),
  sizes: z.array(z.number().int().nonnegative()),
}) satisfies z.ZodType<StoredBatch>;

const headerSchema = z.object({
  format: z.literal(FORMAT),
  frame: z.string(),
  /** The size the inputs were cut into for the reading threads: pieces are kept only for a reading that cuts them so. */
  chunkBytes: z.number().int().positive(),
  /** Each input: its name, and the lines its pieces hold. */
  files: z.array(z.object({ name: z.string(), lines: z.number().int().nonnegative() })),
  pieces: z.array(
    z.object({
      file: z.number().int().nonnegative(),
      start: z.number().int().nonnegative(),
      whole: z.boolean(),
      lineCount: z.number().int().nonnegative(),
      spans: z.number().int().nonnegative(),
      skippedLines: z.number().int().nonnegative(),
      skipped: z.array(z.tuple([z.number().int(), z.string()])),
      batch: storedBatchSchema,
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
    }),
  ),
});

type Header = z.infer<typeof headerSchema>;

function sha256(parts: readonly Uint8Array[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
}

const ZEROS = new Uint8Array(8);

/** What writeKeptEvents wrote: its bytes, and when it wrote only what follows the earlier file's first bytes, those (append-over.ts). */
export interface KeptEventsWritten {
  bytes: number;
  appended: { keep: number; size: number } | null;
}

/**
 * Writes the pieces read from `files` (each piece's `file` an index into them), in their order, to
 * `abs` (a new file, never through a link); returns the bytes of the file. A piece taken from the
 * previous build's file keeps its hash; the others are hashed here. The header, which comes last,
 * is made in a pass of its own, and each piece's parts are made again as they are written: the
 * text of every batch's strings at once was tens of MB at 5M spans.
 *
 * `earlier`: the previous build's file, in the site this one replaces. When the first pieces were
 * taken from it (read back and checked by their hashes), where it has them, and it may be
 * finished at the swap (mayAppendOver), only the pieces after those and the header are written:
 * `appended` says where the earlier file is cut to take them.
 */
export function writeKeptEvents(abs: string, frame: string, chunkBytes: number, files: readonly string[], pieces: readonly ReadPiece[], earlier: string | null = null): KeptEventsWritten {
  if (!littleEndian) throw new Error('kept events are written on little-endian machines only');
  const lines = new Array<number>(files.length).fill(0);
  const header: Header = { format: FORMAT, frame, chunkBytes, files: [], pieces: [] };
  for (const { batch, skipped, sha256: known, ...place } of pieces) {
    const s = batchParts(batch);
    lines[place.file]! += place.lineCount;
    header.pieces.push({ ...place, skipped: skipped.map((k) => [k.line, k.reason]), batch: s.stored, sha256: known ?? sha256(padParts(s.parts)) });
  }
  header.files = files.map((name, k) => ({ name, lines: lines[k]! }));
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const tail = Buffer.alloc(TAIL_BYTES);
  tail.writeUInt32LE(json.length);
  Buffer.from(sha256([json]), 'hex').copy(tail, 4);
  // Only pieces this build took from that file, their bytes checked as they were read, are left in it.
  let taken = 0;
  while (taken < pieces.length && pieces[taken]!.sha256 !== null) taken++;
  const begun = earlier === null || taken === 0 ? null : sameFirstPieces(earlier, header.pieces.slice(0, taken));
  const from = begun?.pieces ?? 0;
  const written = writePartsNoFollow(
    abs,
    (function* () {
      if (begun === null) {
        yield MAGIC;
        yield ZEROS.subarray(0, DATA_START - MAGIC.length);
      }
      for (let k = from; k < pieces.length; k++) yield* padParts(batchParts(pieces[k]!.batch).parts);
      yield json;
      yield tail;
    })(),
  );
  return begun === null ? { bytes: written, appended: null } : { bytes: begun.keep + written, appended: { keep: begun.keep, size: begun.size } };
}

/**
 * How many of `pieces` (taken from the kept-events file `earlier`) that file begins with, by
 * their hashes and sizes, when at least one and the file may be finished at the swap after them:
 * with where they end (`keep`) and the file's size. Else null.
 */
function sameFirstPieces(earlier: string, pieces: Header['pieces']): { pieces: number; keep: number; size: number } | null {
  const opened = readHeader(earlier);
  if (opened === null) return null;
  const before = opened.header.pieces;
  let k = 0;
  let keep = DATA_START;
  while (k < before.length && k < pieces.length && before[k]!.sha256 === pieces[k]!.sha256 && storedBytes(before[k]!.batch.sizes) === storedBytes(pieces[k]!.batch.sizes)) {
    keep += storedBytes(before[k]!.batch.sizes);
    k++;
  }
  return k > 0 && mayAppendOver(earlier, keep, opened.size) ? { pieces: k, keep, size: opened.size } : null;
}

/** The parts with the zeros that pad each to a multiple of 8 bytes. */
function padParts(parts: readonly Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const p of parts) {
    out.push(p);
    const pad = padded(p.byteLength) - p.byteLength;
    if (pad > 0) out.push(ZEROS.subarray(0, pad));
  }
  return out;
}

/**
 * What this build may take from the previous build's kept events (`abs`): for each input that has
 * a record there (`previous`, the inputs as that build read them for its stamp) whose lines the
 * file holds, and that is still that file, or that file with bytes appended (a plain file that
 * ended with a line feed): the place to read on from. Only the file's header is read here; the
 * pieces are read (and checked, with the frame, made by `frame` once asked) when the reading
 * takes them. Null when nothing can be kept.
 *
 * Whether each such input is indeed still the file it was (the same bytes up to the place) is
 * known only from the stamp's read of the inputs, made meanwhile: the build confirms it there
 * (`confirmed`), and reads everything again when it is not.
 */
export function keptReading(abs: string, inputs: readonly InputFile[], previous: readonly InputRecord[], frame: () => string, chunkBytes: number): KeptReading | null {
  const opened = readHeader(abs);
  if (opened === null || opened.header.chunkBytes !== chunkBytes) return null;
  const { header, dataEnd } = opened;
  const records = new Map(previous.map((r) => [r.name, r]));
  const fileIndex = new Map(header.files.map((f, k) => [f.name, k]));
  // Each file's pieces, in order.
  const piecesOf = header.files.map((): number[] => []);
  header.pieces.forEach((p, k) => piecesOf[p.file]?.push(k));
  const places = new Map<string, { bytes: number; lines: number; size: number; index: number; pieces: number }>();
  for (const file of inputs) {
    const record = records.get(file.name);
    const index = fileIndex.get(file.name);
    if (isStream(file) || record === undefined || index === undefined || places.has(file.name)) continue;
    const pieces = piecesOf[index]!;
    // The lines the pieces hold. A plain file's record counts the same lines (its line feeds); a
    // gzipped file's counts the line feeds of its compressed bytes, which the stamp does not
    // decompress: such a file is kept only whole, when the stamp finds the same bytes.
    const lines = header.files[index]!.lines;
    if (pieces.length === 0 || (!record.gzip && lines !== record.lines)) continue;
    let size: number;
    try {
      size = statSync(file.path).size;
    } catch {
      continue;
    }
    if (size === record.bytes) {
      places.set(file.name, { bytes: size, lines, size, index, pieces: pieces.length });
      continue;
    }
    // Appended to: its last piece is read again with what follows, as a fresh build would cut it.
    const last = header.pieces[pieces[pieces.length - 1]!]!;
    if (size > record.bytes && !record.gzip && record.endsWithNewline && pieces.length >= 2 && !last.whole) {
      places.set(file.name, { bytes: last.start, lines: lines - last.lineCount, size, index, pieces: pieces.length - 1 });
    }
  }
  if (places.size === 0) return null;
  return {
    from: (name) => places.get(name) ?? null,
    take: () => {
      if (header.frame !== frame()) return null;
      return readPieces(abs, header, dataEnd, [...places.values()].map((p) => ({ index: p.index, pieces: piecesOf[p.index]!.slice(0, p.pieces) })));
    },
    confirmed: (hashed) => {
      for (const [name, place] of places) {
        const h = hashed.find((x) => x.record.name === name);
        const record = records.get(name)!;
        if (h === undefined || h.kept === null || h.kept.sha256 !== record.sha256 || h.kept.lines !== record.lines || h.record.bytes !== place.size) return false;
      }
      return true;
    },
  };
}

/** The header of the file at `abs`, where its pieces end and its size; null when it is not a kept-events file this code reads. */
function readHeader(abs: string): { header: Header; dataEnd: number; size: number } | null {
  if (!littleEndian) return null;
  return withRegularFile(abs, (fd, { size }) => {
    if (size < DATA_START + TAIL_BYTES) return null;
    const start = Buffer.alloc(MAGIC.length);
    const tail = Buffer.alloc(TAIL_BYTES);
    if (!readFully(fd, start, start.length) || !start.equals(MAGIC) || !readFully(fd, tail, TAIL_BYTES, size - TAIL_BYTES)) return null;
    const length = tail.readUInt32LE(0);
    const dataEnd = size - TAIL_BYTES - length;
    if (dataEnd < DATA_START) return null;
    const json = Buffer.alloc(length);
    if (!readFully(fd, json, length, dataEnd)) return null;
    if (sha256([json]) !== tail.subarray(4).toString('hex')) return null;
    let parsed;
    try {
      parsed = headerSchema.safeParse(JSON.parse(json.toString('utf8')));
    } catch {
      return null;
    }
    return parsed.success ? { header: parsed.data, dataEnd, size } : null;
  });
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * The pieces asked for (by their numbers in the header), by their file's name: each file's pieces
 * (one run of bytes) read into one block of shared memory, which their batches are views of. Null
 * when the file is not the size its header says, or a piece's bytes do not check.
 */
function readPieces(abs: string, header: Header, dataEnd: number, wanted: readonly { index: number; pieces: readonly number[] }[]): Map<string, ReadPiece[]> | null {
  // Where each piece's bytes begin.
  const starts: number[] = [];
  let at = DATA_START;
  for (const p of header.pieces) {
    starts.push(at);
    at += storedBytes(p.batch.sizes);
  }
  return withRegularFile(abs, (fd, { size }) => {
    if (at !== dataEnd || size < dataEnd) return null;
    const out = new Map<string, ReadPiece[]>();
    for (const { index, pieces: ks } of wanted) {
      // A file's pieces lie one after another.
      if (ks.length === 0 || ks.some((k, j) => j > 0 && k !== ks[j - 1]! + 1)) return null;
      const first = starts[ks[0]!]!;
      const last = ks[ks.length - 1]!;
      const end = starts[last]! + storedBytes(header.pieces[last]!.batch.sizes);
      const block = sharedArray(Uint8Array, end - first);
      if (!readFully(fd, block, block.length, first)) return null;
      const pieces: ReadPiece[] = [];
      for (const k of ks) {
        const { batch, skipped, ...place } = header.pieces[k]!;
        const from = starts[k]! - first;
        const to = from + storedBytes(batch.sizes);
        if (sha256([block.subarray(from, to)]) !== place.sha256) return null;
        pieces.push({ ...place, skipped: skipped.map(([line, reason]) => ({ line, reason })), batch: batchAt(batch, block.buffer, from, to) });
      }
      out.set(header.files[index]!.name, pieces);
    }
    return out;
  });
}
