import { createHash, hash } from 'node:crypto';
import { BatchCursor } from '../../read/parallel/build-runs.js';
import { lineOf } from '../../read/parallel/event-batch.js';
import { runIdAt, syntheticAt, type RunPlan } from '../../read/parallel/run-index.js';
import { nameAt, type RunPageNameList } from '../file-names.js';
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
 */
export function runKeys(plan: RunPlan, pageOf: (r: number) => string, inputs: readonly HashedInput[], frame: string): RunKeys | null {
  const byName = new Map(inputs.map((r) => [r.record.name, r]));
  const files: HashedInput[] = [];
  for (const name of plan.files) {
    const input = byName.get(name);
    if (input === undefined) return null;
    files.push(input);
  }
  const token = (f: number, sha256: string): Buffer => createHash('sha256').update(`${plan.files[f]}\0${sha256}`).digest();
  // Per file: its token now, and the previous build's for its first `lines` lines when that differs.
  const now = files.map((h, f) => token(f, h.record.sha256));
  const then = files.map((h, f) => (h.kept !== null && h.kept.sha256 !== h.record.sha256 ? { lines: h.kept.lines, token: token(f, h.kept.sha256) } : null));
  const twice = then.some((t) => t !== null);
  // Every key's bytes begin with the frame's hash.
  const head = createHash('sha256').update(`trace-report run key\0${frame}`).digest();
  const n = plan.offsets.length - 1;
  const keys = Buffer.alloc(n * KEY_BYTES);
  const before = twice ? Buffer.alloc(n * KEY_BYTES) : keys;
  const batches = new BatchCursor(plan.batches);
  const out = new Scratch();
  const old = twice ? new Scratch() : null;
  for (let r = 0; r < n; r++) {
    out.reset();
    out.bytes(head);
    out.text(runIdAt(plan, r));
    out.byte(syntheticAt(plan, r) ? 1 : 0);
    out.text(pageOf(r));
    old?.reset();
    old?.bytes(out.view());
    let file = -1;
    let oldToken: Buffer | null = null;
    for (let k = plan.offsets[r]!; k < plan.offsets[r + 1]!; k++) {
      const g = plan.order[k]!;
      const placed = batches.of(g);
      const line = placed.lineBase + lineOf(placed.batch, g - placed.first);
      const changed = placed.file !== file;
      if (changed) {
        file = placed.file;
        out.byte(2);
        out.bytes(now[file]!);
      }
      out.byte(3);
      out.int(line);
      if (old !== null) {
        const t = then[file]!;
        const named = t !== null && line <= t.lines ? t.token : now[file]!;
        // As the previous build wrote it: the file's name at each change of file, where all its lines were read then.
        if (changed || named !== oldToken) {
          oldToken = named;
          old.byte(2);
          old.bytes(named);
        }
        old.byte(3);
        old.int(line);
      }
    }
    digestInto(out.view(), keys, r * KEY_BYTES);
    if (old !== null) digestInto(old.view(), before, r * KEY_BYTES);
  }
  return { keys, before };
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
  return runKeys(job.plan, (r) => nameAt(job.names, r), job.inputs, job.frame);
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

  /** A string as its UTF-8 length and bytes. */
  text(s: string): void {
    const n = Buffer.byteLength(s, 'utf8');
    this.int(n);
    this.room(n);
    this.used += this.buf.write(s, this.used, 'utf8');
  }

  view(): Uint8Array {
    return this.buf.subarray(0, this.used);
  }
}
