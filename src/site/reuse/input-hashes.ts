import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import type { InputFile } from '../../read/inputs.js';
import { startWorker, workerScript } from '../../start-worker.js';

/**
 * What a build records of each input file (in its site's record, reuse-record.ts), for the next
 * build to tell which lines are the same: its size, its lines and its SHA-256. The next build
 * hashes the same file again, and notes the hash of its first `bytes` bytes on the way: when that
 * is the recorded hash, the file was only appended to since (a log that grows), and its first
 * `lines` lines are the lines the earlier build read (see run-keys.ts). (A plain type here, its
 * schema in reuse-record.ts: the thread that hashes the inputs loads no more than it needs.)
 */
export interface InputRecord {
  name: string;
  bytes: number;
  /**
   * Lines, the last one counted whether or not a line feed ends it. Of a gzipped file, the line
   * feeds of its compressed bytes (it is not decompressed here): they tell only the same bytes.
   */
  lines: number;
  sha256: string;
  /** Its last byte is a line feed (or it is empty): bytes appended later cannot extend its last line. */
  endsWithNewline: boolean;
  /** Gzipped: its lines are in the stream, so only the whole file is ever the same. */
  gzip: boolean;
}

/** An input as this build reads it, and what it shares with the same file as the previous build read it. */
export interface HashedInput {
  record: InputRecord;
  /** Lines 1 to `lines` are the previous build's, which named them by its hash `sha256`; null when none are. */
  kept: { lines: number; sha256: string } | null;
}

const LF = 0x0a;

/** What hashInputsOnThread gives its thread. */
export interface HashJob {
  files: { path: string; name: string }[];
  previous: readonly InputRecord[];
}

/**
 * hashInputs on a thread of its own: the same result. A build reads its traces meanwhile, and
 * this thread routes their lines: hashed here, a 265 MB input's SHA-256 and lines took 0.15–0.25
 * s of this thread's time, and ended about 0.2 s after the traces were read.
 */
export function hashInputsOnThread(files: readonly InputFile[], previous: readonly InputRecord[]): Promise<HashedInput[]> {
  const job: HashJob = { files: files.map((f) => ({ path: f.path, name: f.name })), previous };
  const worker = startWorker(workerScript(import.meta.url, 'site/reuse/hash-inputs-worker.js'), { workerData: job });
  return new Promise<HashedInput[]>((resolve, reject) => {
    worker.once('message', (m: { inputs: HashedInput[] } | { failed: { message: string; code?: string } }) => {
      if ('inputs' in m) resolve(m.inputs);
      else reject(Object.assign(new Error(m.failed.message), m.failed.code === undefined ? {} : { code: m.failed.code }));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the thread that read the inputs for the stamp ended (${code}) before it answered`)));
  });
}

/**
 * Reads every input once: each file's record, and how much of the file of the same name that
 * `previous` records it still begins with.
 */
export async function hashInputs(files: readonly InputFile[], previous: readonly InputRecord[]): Promise<HashedInput[]> {
  const before = new Map(previous.map((r) => [r.name, r]));
  const out: HashedInput[] = [];
  for (const file of files) out.push(await hashInput(file, before.get(file.name)));
  return out;
}

/** A read buffer, reused from file to file. */
let block: Buffer | null = null;

/**
 * The file's bytes, 1 MiB at a time (views of one buffer, each valid until the next), read with
 * blocking reads: on the stamp's own thread, reads through libuv's threads waited behind the
 * build's other file work there (the code vega and the other threads load), and left the thread
 * idle 60% of the time at 1M spans.
 */
function* blocksOf(file: string): Generator<Buffer> {
  block ??= Buffer.allocUnsafe(1 << 20);
  const fd = openSync(file, 'r');
  try {
    for (let pos = 0; ; ) {
      const n = readSync(fd, block, 0, block.length, pos);
      if (n === 0) return;
      pos += n;
      yield block.subarray(0, n);
    }
  } finally {
    closeSync(fd);
  }
}

async function hashInput(file: InputFile, old: InputRecord | undefined): Promise<HashedInput> {
  // Only whole lines of plain bytes can be the start of a longer file.
  const prefix = old !== undefined && !old.gzip && old.endsWithNewline && old.bytes > 0 ? old.bytes : -1;
  const whole = createHash('sha256');
  let start: string | null = null;
  let bytes = 0;
  let lines = 0;
  let last = -1;
  let head: number[] = [];
  for (const chunk of blocksOf(file.path)) {
    if (head.length < 2) head = [...head, ...chunk.subarray(0, 2 - head.length)];
    if (start === null && bytes < prefix && bytes + chunk.length >= prefix) {
      // The hash so far is the hash of the first `prefix` bytes: noted, and the rest of the chunk hashed after.
      const cut = prefix - bytes;
      whole.update(chunk.subarray(0, cut));
      start = whole.copy().digest('hex');
      whole.update(chunk.subarray(cut));
    } else whole.update(chunk);
    for (let p = chunk.indexOf(LF); p !== -1; p = chunk.indexOf(LF, p + 1)) lines++;
    bytes += chunk.length;
    if (chunk.length > 0) last = chunk[chunk.length - 1]!;
  }
  const endsWithNewline = bytes === 0 || last === LF;
  if (!endsWithNewline) lines++;
  const gzip = head[0] === 0x1f && head[1] === 0x8b;
  const record: InputRecord = { name: file.name, bytes, lines, sha256: whole.digest('hex'), endsWithNewline, gzip };
  if (old === undefined) return { record, kept: null };
  // The same file: every line is. (A gzipped file is kept only whole.)
  if (old.sha256 === record.sha256 && old.bytes === bytes) return { record, kept: { lines, sha256: old.sha256 } };
  return { record, kept: !gzip && start !== null && start === old.sha256 ? { lines: old.lines, sha256: old.sha256 } : null };
}
