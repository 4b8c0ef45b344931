import { z } from 'zod';
import type { InputRecord } from './input-hashes.js';
import { KEY_BYTES } from './run-keys.js';
import { readNoFollow } from '../write/write-file.js';
import { headLine } from './head-line.js';
import type { EarlierNames } from '../file-names.js';

/**
 * What a build records for the next one to keep of its site: its inputs, the frame every run page
 * and export row was made in, each run's key in list order, the bytes of each run's pages, where
 * each run's row ends in `runs.csv` and `assets/runs-data.js` and its rows in the exports of
 * calls, and the key and bytes of each list page of the static run list (list-page-keys.ts). It
 * is a file of the site (listed in its manifest like any other), in binary: a first line naming
 * the format, a line of JSON (the frame, the inputs and the counts), then the numbers,
 * little-endian. At 72k runs it is about 4 MB, read without parsing JSON of that size.
 */
export const REUSE_FILE = '.trace-report-reuse.bin';

const MAGIC = 'trace-report reuse 5\n';

const inputRecordSchema = z.object({
  name: z.string(),
  bytes: z.number().int().nonnegative(),
  lines: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  endsWithNewline: z.boolean(),
  gzip: z.boolean(),
}) satisfies z.ZodType<InputRecord>;

const headSchema = z.object({
  frame: z.string(),
  inputs: z.array(inputRecordSchema),
  /** Runs, and the runs with calls (the rows of the exports). */
  runs: z.number().int().nonnegative(),
  withCalls: z.number().int().nonnegative(),
  /** List pages of the static run list (list/page-N.html). */
  listPages: z.number().int().nonnegative(),
  /** The bytes of `assets/runs-data.js`. */
  dataBytes: z.number().int().nonnegative(),
  /** The runs of the plan whose ids and page names follow (none when not recorded), and the bytes of each list. */
  planRuns: z.number().int().nonnegative(),
  idBytes: z.number().int().nonnegative(),
  nameBytes: z.number().int().nonnegative(),
});

export interface ReuseRecord {
  frame: string;
  inputs: InputRecord[];
  /** KEY_BYTES per run, in list order. */
  keys: Buffer;
  /** Per run, in list order: the bytes of its page files. */
  pageBytes: Float64Array;
  /** Per run, in list order: the byte offset after its row in `runs.csv`. */
  runEnds: Float64Array;
  /** Per run, in list order: the byte offset after its row in `assets/runs-data.js`, and that file's bytes. */
  dataEnds: Float64Array;
  dataBytes: number;
  /** Per run with calls, in list order: the byte offset after its rows in `calls.csv` and `calls.jsonl`. */
  callEnds: { csv: Float64Array; jsonl: Float64Array };
  /** KEY_BYTES per list page of the static run list (page n at n − 1). */
  listKeys: Buffer;
  /** The bytes of each list page. */
  listBytes: Float64Array;
  /** Each run's id and page name, in the plan's order, for the next build to name the same runs the same without hashing their ids again (file-names.ts); null: not recorded. */
  names: EarlierNames | null;
}

/** The record as the file's bytes. */
export function reuseRecordBytes(r: ReuseRecord): Buffer {
  const runs = r.keys.length / KEY_BYTES;
  const listPages = r.listBytes.length;
  if (r.pageBytes.length !== runs || r.runEnds.length !== runs || r.dataEnds.length !== runs || r.callEnds.csv.length !== r.callEnds.jsonl.length || r.listKeys.length !== listPages * KEY_BYTES) {
    throw new Error('a reuse record whose parts do not match');
  }
  // The names are plain ASCII (one byte a character), as the next build expects them; else not recorded.
  const names = r.names !== null && r.names.ids.ends.length === r.names.names.ends.length && r.names.names.wide.every((w) => w === 0) ? r.names : null;
  const planRuns = names?.ids.ends.length ?? 0;
  const idBytes = planRuns > 0 ? names!.ids.ends[planRuns - 1]! : 0;
  const nameBytes = planRuns > 0 ? names!.names.ends[planRuns - 1]! : 0;
  const head = Buffer.from(`${MAGIC}${JSON.stringify({ frame: r.frame, inputs: r.inputs, runs, withCalls: r.callEnds.csv.length, listPages, dataBytes: r.dataBytes, planRuns, idBytes, nameBytes })}\n`, 'utf8');
  const numbers = [r.pageBytes, r.runEnds, r.dataEnds, r.callEnds.csv, r.callEnds.jsonl, r.listBytes];
  const out = Buffer.alloc(head.length + r.keys.length + r.listKeys.length + 8 * numbers.reduce((n, a) => n + a.length, 0) + idBytes + nameBytes + 9 * planRuns);
  head.copy(out);
  r.keys.copy(out, head.length);
  r.listKeys.copy(out, head.length + r.keys.length);
  let at = head.length + r.keys.length + r.listKeys.length;
  for (const a of numbers) for (let i = 0; i < a.length; i++, at += 8) out.writeDoubleLE(a[i]!, at);
  if (names !== null && planRuns > 0) {
    out.set(names.ids.bytes.subarray(0, idBytes), at);
    out.set(names.names.bytes.subarray(0, nameBytes), (at += idBytes));
    at += nameBytes;
    for (const ends of [names.ids.ends, names.names.ends]) for (let i = 0; i < planRuns; i++, at += 4) out.writeInt32LE(ends[i]!, at);
    out.set(names.ids.wide.subarray(0, planRuns), at);
  }
  return out;
}

/** The record in the file `file`, or null when there is none or it is not one a build wrote (then nothing is kept). */
export function readReuseRecord(file: string): ReuseRecord | null {
  const bytes = readNoFollow(file);
  return bytes === null ? null : reuseRecordOf(bytes);
}

/** The record in `bytes`, checked; null when they are not one. */
function reuseRecordOf(bytes: Buffer): ReuseRecord | null {
  const line = headLine(bytes, MAGIC, headSchema);
  if (line === null) return null;
  const { head, end } = line;
  const { runs, withCalls, listPages, planRuns, idBytes, nameBytes } = head;
  let at = end + 1;
  if (withCalls > runs || bytes.length !== at + runs * (KEY_BYTES + 24) + withCalls * 16 + listPages * (KEY_BYTES + 8) + idBytes + nameBytes + 9 * planRuns) return null;
  const keys = Buffer.from(bytes.subarray(at, (at += runs * KEY_BYTES)));
  const listKeys = Buffer.from(bytes.subarray(at, (at += listPages * KEY_BYTES)));
  const counts = (n: number, ascending: boolean): Float64Array | null => {
    const a = new Float64Array(n);
    for (let i = 0; i < n; i++, at += 8) {
      const v = bytes.readDoubleLE(at);
      if (!Number.isSafeInteger(v) || v < 0 || (ascending && i > 0 && v < a[i - 1]!)) return null;
      a[i] = v;
    }
    return a;
  };
  const pageBytes = counts(runs, false);
  const runEnds = pageBytes && counts(runs, true);
  const dataEnds = runEnds && counts(runs, true);
  const csv = dataEnds && counts(withCalls, true);
  const jsonl = csv && counts(withCalls, true);
  const listBytes = jsonl && counts(listPages, false);
  if (pageBytes === null || runEnds === null || dataEnds === null || csv === null || jsonl === null || listBytes === null) return null;
  if (runs > 0 && dataEnds[runs - 1]! > head.dataBytes) return null;
  const names = planRuns > 0 ? earlierNames(bytes, at, planRuns, idBytes, nameBytes) : null;
  return { frame: head.frame, inputs: head.inputs, keys, pageBytes, runEnds, dataEnds, dataBytes: head.dataBytes, callEnds: { csv, jsonl }, listKeys, listBytes, names };
}

/** The ids and names of `runs` runs at `at` (their bytes, then each list's ends, then which ids are UTF-16); null when they do not add up (then none are taken). */
function earlierNames(bytes: Buffer, at: number, runs: number, idBytes: number, nameBytes: number): EarlierNames | null {
  const text = (length: number): Uint8Array => Uint8Array.from(bytes.subarray(at, (at += length)));
  const idText = text(idBytes);
  const nameText = text(nameBytes);
  const endsOf = (last: number): Int32Array | null => {
    const ends = new Int32Array(runs);
    for (let i = 0; i < runs; i++, at += 4) {
      const e = bytes.readInt32LE(at);
      if (e < (i === 0 ? 0 : ends[i - 1]!) || e > last) return null;
      ends[i] = e;
    }
    return ends[runs - 1] === last ? ends : null;
  };
  const idEnds = endsOf(idBytes);
  const nameEnds = endsOf(nameBytes);
  if (idEnds === null || nameEnds === null) return null;
  const wide = Uint8Array.from(bytes.subarray(at, at + runs));
  return { ids: { bytes: idText, ends: idEnds, wide }, names: { bytes: nameText, ends: nameEnds, wide: new Uint8Array(runs) } };
}
