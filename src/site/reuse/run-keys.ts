import { createHash, hash } from 'node:crypto';
import { BatchCursor } from '../../read/parallel/build-runs.js';
import { lineOf } from '../../read/parallel/event-batch.js';
import { syntheticAt, type RunPlan } from '../../read/parallel/run-index.js';
import { sharedTextBytes, sharedTexts, type SharedTexts } from '../../read/parallel/shared-texts.js';
import type { RunPageNameList } from '../file-names.js';
import type { HashedInput } from './input-hashes.js';

/** A run's key: the first bytes of a SHA-256 (128 bits, so that no two runs share one by chance). */
export const KEY_BYTES = 16;

/** Each run's key, and the key the previous build gave the same run (where it differs): by the runs' numbers in the plan (runKeys), or in list order (keysInListOrder). */
export interface RunKeys {
  keys: Buffer;
  /** The keys with each line the previous build read named as it named it; `keys` itself when every input is unchanged or new. */
  before: Buffer;
}

/**
 * Each run's key, in the plan's order. A key names all a run's
 * pages and its rows in the exports are made from, other than its neighbours: the frame (the code,
 * templates, price table and version), the run's id, its page's name, and its events, each as the
 * line it was read from, named by its file's name and hash. A line's events, and the run they go
 * to, depend only on the lines up to it, so two runs with the same key are built the same, byte
 * for byte, whichever build read them. A build names a line of a file that was appended to since
 * the previous build by that build's hash of the file (`before`), so that a run whose lines were
 * all read then has the key it had then. Null when an input has no record (a pipe).
 *
 * A key is made of two hashes: the SHA-256 of the run's own bytes (the frame, its id, its page's
 * name and its lines' numbers, each file it has lines in by its place among the run's files),
 * and the SHA-256 of the names and hashes of those files, in the same order (`FileTokens`). The
 * first 16 bytes of each are XORed. So the two keys of a run (its lines named now, and as the
 * previous build named them) take one hash of the run's bytes, and a file's hash is hashed once
 * a build, not once a run: the keys of 72k runs took 0.4 s of the exports' thread at 1M spans,
 * 190 ms of it in 144k hashes. Two runs share a key only when both hashes are the same, or the
 * XOR of four SHA-256 values is zero in its first 128 bits: 2^-128 a pair by chance. On purpose,
 * a run whose key stays while its lines change (its page kept stale) takes about 2^64 hashes when
 * the run's earlier lines were someone else's (one of the four is then fixed); someone who wrote
 * every line involved, and could as well write the page's lines so, needs about 2^43 (Wagner's
 * four lists), against 2^64 with one hash of everything.
 */
export function runKeys(plan: RunPlan, names: RunPageNameList, inputs: readonly HashedInput[], frame: string): RunKeys | null {
  const byName = new Map(inputs.map((r) => [r.record.name, r]));
  const files: HashedInput[] = [];
  for (const name of plan.files) {
    const input = byName.get(name);
    if (input === undefined) return null;
    files.push(input);
  }
  const tokens = new FileTokens(plan.files, files);
  const twice = tokens.twice;
  // Every key's bytes begin with the frame's hash.
  const head = createHash('sha256').update(`trace-report run key\0${frame}`).digest();
  const n = plan.offsets.length - 1;
  const keys = Buffer.alloc(n * KEY_BYTES);
  const before = twice ? Buffer.alloc(n * KEY_BYTES) : keys;
  const batches = new BatchCursor(plan.batches);
  // The ids as a thread is sent them (planForThreads), so that none is made a string here.
  const ids = plan.shared?.ids ?? sharedTexts(plan.ids);
  const out = new Scratch();
  // The run's files (by number in the plan) in the order its lines come, and whether it has a
  // line the previous build did not read in each.
  const runFiles: number[] = [];
  const newer: boolean[] = [];
  for (let r = 0; r < n; r++) {
    out.reset();
    out.bytes(head);
    out.shared(ids, r);
    out.byte(syntheticAt(plan, r) ? 1 : 0);
    out.shared(names, r);
    runFiles.length = 0;
    newer.length = 0;
    let file = -1;
    let local = -1;
    let readThen = 0;
    for (let k = plan.offsets[r]!; k < plan.offsets[r + 1]!; k++) {
      const g = plan.order[k]!;
      const placed = batches.of(g);
      const line = placed.lineBase + lineOf(placed.batch, g - placed.first);
      if (placed.file !== file) {
        file = placed.file;
        local = runFiles.indexOf(file);
        if (local === -1) {
          local = runFiles.length;
          runFiles.push(file);
          newer.push(false);
        }
        readThen = tokens.readThen(file);
        out.byte(2);
        out.int(local);
      }
      out.byte(3);
      out.int(line);
      if (line > readThen) newer[local] = true;
    }
    const at = r * KEY_BYTES;
    digestInto(out.view(), keys, at);
    if (twice) {
      keys.copy(before, at, at, at + KEY_BYTES);
      xorInto(before, at, tokens.of(runFiles, newer));
    }
    xorInto(keys, at, tokens.of(runFiles, null));
  }
  return { keys, before };
}

/**
 * The hash of the names and hashes of a run's files (runKeys), made once for each list of files
 * and namings that runs have. A file is named by its hash now, or for a run whose lines in it were
 * all read by the previous build, by that build's hash of it (`before`).
 */
class FileTokens {
  private readonly now: string[];
  private readonly then: (string | null)[];
  private readonly lines: number[];
  private readonly tokens = new Map<string, Buffer>();
  private readonly oneNow: (Buffer | undefined)[] = [];
  private readonly oneThen: (Buffer | undefined)[] = [];
  /** Whether any file is named two ways (it was appended to since the previous build). */
  readonly twice: boolean;

  constructor(names: readonly string[], files: readonly HashedInput[]) {
    this.now = files.map((h, f) => `${names[f]}\0${h.record.sha256}`);
    this.then = files.map((h, f) => (h.kept !== null && h.kept.sha256 !== h.record.sha256 ? `${names[f]}\0${h.kept.sha256}` : null));
    this.lines = files.map((h) => (h.kept !== null && h.kept.sha256 !== h.record.sha256 ? h.kept.lines : Number.POSITIVE_INFINITY));
    this.twice = this.then.some((t) => t !== null);
  }

  /** The lines of file `f` the previous build read, when it is named two ways (else every line is named one way). */
  readThen(f: number): number {
    return this.lines[f]!;
  }

  /** The hash of `files` named now (`newer` null), or as the previous build named each whose lines it read (`newer[i]` false). */
  of(files: readonly number[], newer: readonly boolean[] | null): Buffer {
    // Most runs have lines in one file: its two hashes are kept by its number too.
    if (files.length === 1) {
      const f = files[0]!;
      const then = newer !== null && !newer[0] && this.then[f] !== null;
      const one = then ? this.oneThen : this.oneNow;
      return (one[f] ??= this.hashOf(files, newer));
    }
    return this.hashOf(files, newer);
  }

  private hashOf(files: readonly number[], newer: readonly boolean[] | null): Buffer {
    let name = '';
    for (let i = 0; i < files.length; i++) {
      const f = files[i]!;
      const then = newer === null || newer[i] ? null : this.then[f]!;
      name += `${i === 0 ? '' : '\n'}${then === null ? `n${f}` : `t${f}`}`;
    }
    let token = this.tokens.get(name);
    if (token === undefined) {
      const h = createHash('sha256').update('trace-report run files\0');
      for (let i = 0; i < files.length; i++) {
        const f = files[i]!;
        const then = newer === null || newer[i] ? null : this.then[f]!;
        h.update(`${then ?? this.now[f]!}\n`);
      }
      token = h.digest();
      this.tokens.set(name, token);
    }
    return token;
  }
}

/** XORs the first KEY_BYTES bytes of `token` into `keys` at `at`. */
function xorInto(keys: Buffer, at: number, token: Buffer): void {
  for (let i = 0; i < KEY_BYTES; i++) keys[at + i]! ^= token[i]!;
}

/** The keys of every run of a plan, in the plan's order, made on another thread (the exports'). */
export interface RunKeysJob {
  plan: RunPlan;
  names: RunPageNameList;
  inputs: readonly HashedInput[];
  frame: string;
}

/** The keys of a RunKeysJob, in the plan's order; null as for runKeys. */
export function runKeysJob(job: RunKeysJob): RunKeys | null {
  return runKeys(job.plan, job.names, job.inputs, job.frame);
}

/** Keys made in the plan's order, as a thread sends them back (bytes, no longer Buffers). */
export interface PlanOrderKeys {
  keys: Uint8Array;
  before: Uint8Array;
}

/** Keys made in the plan's order put in list order (`order`: the runs' numbers in the plan). */
export function keysInListOrder(made: PlanOrderKeys, order: ArrayLike<number>): RunKeys {
  const pick = (from: Uint8Array): Buffer => {
    const out = Buffer.alloc(order.length * KEY_BYTES);
    for (let j = 0; j < order.length; j++) out.set(from.subarray(order[j]! * KEY_BYTES, (order[j]! + 1) * KEY_BYTES), j * KEY_BYTES);
    return out;
  };
  const keys = pick(made.keys);
  return { keys, before: made.before === made.keys ? keys : pick(made.before) };
}

/** One hash a run, made and let go at once: no Hash object a run, each holding native memory until it is collected. */
function digestInto(data: Uint8Array, keys: Buffer, at: number): void {
  hash('sha256', data, 'buffer').copy(keys, at, 0, KEY_BYTES);
}

/** The bytes a run's key is hashed from, gathered in one buffer reused for every run. */
class Scratch {
  private buf = Buffer.alloc(1 << 16);
  private used = 0;

  reset(): void {
    this.used = 0;
  }

  private room(n: number): void {
    if (this.used + n <= this.buf.length) return;
    const grown = Buffer.alloc(Math.max(this.buf.length * 2, this.used + n));
    this.buf.copy(grown, 0, 0, this.used);
    this.buf = grown;
  }

  byte(v: number): void {
    this.room(1);
    this.buf[this.used++] = v;
  }

  int(v: number): void {
    this.room(4);
    this.buf.writeUInt32LE(v >>> 0, this.used);
    this.used += 4;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.used);
    this.used += b.length;
  }

  /**
   * String `i` of a shared list as it is kept there, never made a string: a byte for how (1:
   * UTF-16, 0: Latin-1), its length in bytes, and the bytes.
   */
  shared(t: SharedTexts, i: number): void {
    const { bytes, wide } = sharedTextBytes(t, i);
    this.byte(wide ? 1 : 0);
    this.int(bytes.length);
    this.bytes(bytes);
  }

  view(): Uint8Array {
    return this.buf.subarray(0, this.used);
  }
}
