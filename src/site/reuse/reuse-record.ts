import { z } from 'zod';
import { inputRecordSchema, type InputRecord } from './input-hashes.js';
import { KEY_BYTES } from './run-keys.js';

/**
 * What a build records for the next one to keep of its site (in the manifest's build record):
 * its inputs' segments, the frame every run page and export row was made in, each run's key in
 * list order, and where each run's rows end in the exports of calls. Kept compact: the keys and
 * the ends as base64 (a million-span site has 72k runs).
 */
export const reuseRecordSchema = z.object({
  frame: z.string(),
  inputs: z.array(inputRecordSchema),
  /** KEY_BYTES per run, in list order. */
  keys: z.string(),
  /** Per run, in list order: the bytes of its page files (little-endian doubles); a kept page must still have them. */
  pageBytes: z.string(),
  /** Per run with calls, in list order: the byte offset after its rows in `calls.csv` and `calls.jsonl` (little-endian doubles). */
  callEnds: z.object({ csv: z.string(), jsonl: z.string() }),
});

export type ReuseRecordText = z.infer<typeof reuseRecordSchema>;

export interface ReuseRecord {
  frame: string;
  inputs: InputRecord[];
  keys: Buffer;
  pageBytes: Float64Array;
  callEnds: { csv: Float64Array; jsonl: Float64Array };
}

export function reuseRecordText(r: ReuseRecord): ReuseRecordText {
  return { frame: r.frame, inputs: r.inputs, keys: r.keys.toString('base64'), pageBytes: encodeOffsets(r.pageBytes), callEnds: { csv: encodeOffsets(r.callEnds.csv), jsonl: encodeOffsets(r.callEnds.jsonl) } };
}

/** The record read back, or null when it is missing or not one a build wrote (then nothing is kept). */
export function readReuseRecord(data: unknown): ReuseRecord | null {
  const parsed = reuseRecordSchema.safeParse(data);
  if (!parsed.success) return null;
  const t = parsed.data;
  const keys = Buffer.from(t.keys, 'base64');
  const runs = keys.length / KEY_BYTES;
  const pageBytes = decodeCounts(t.pageBytes, false);
  const csv = decodeCounts(t.callEnds.csv, true);
  const jsonl = decodeCounts(t.callEnds.jsonl, true);
  if (!Number.isInteger(runs) || pageBytes === null || pageBytes.length !== runs || csv === null || jsonl === null || csv.length !== jsonl.length || csv.length > runs) return null;
  return { frame: t.frame, inputs: t.inputs, keys, pageBytes, callEnds: { csv, jsonl } };
}

function encodeOffsets(a: Float64Array): string {
  const b = Buffer.alloc(a.length * 8);
  for (let i = 0; i < a.length; i++) b.writeDoubleLE(a[i]!, i * 8);
  return b.toString('base64');
}

/** Whole byte counts (`ascending`: that never decrease); null otherwise. */
function decodeCounts(text: string, ascending: boolean): Float64Array | null {
  const b = Buffer.from(text, 'base64');
  if (b.length % 8 !== 0) return null;
  const a = new Float64Array(b.length / 8);
  for (let i = 0; i < a.length; i++) {
    const v = b.readDoubleLE(i * 8);
    if (!Number.isSafeInteger(v) || v < 0 || (ascending && i > 0 && v < a[i - 1]!)) return null;
    a[i] = v;
  }
  return a;
}
