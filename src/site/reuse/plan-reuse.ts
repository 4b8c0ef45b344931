import type { RunFacts } from '../pages/site-facts.js';
import type { RowEnds } from '../write/row-file.js';
import type { ReuseRecord } from './reuse-record.js';
import { KEY_BYTES, keysInListOrder, type PlanOrderKeys } from './run-keys.js';

/** What a build can keep of the site it replaces, and the keys it records for the next one. */
export interface ReusePlan {
  /** Every run's key, in list order. */
  keys: Buffer;
  /** The same with each line the previous build read named as it named it (runKeys); `keys` itself when no input was appended to. */
  before: Buffer;
  /** The keys and bytes of the previous build's list pages, when it was made in the same frame. */
  previousList: { keys: Buffer; bytes: Float64Array } | null;
  /**
   * By a run's number in the plan: the bytes of its page files in the previous build when they
   * are that build's pages byte for byte (its key and its neighbours' are the same), else NaN.
   * Null when no page is.
   */
  kept: Float64Array | null;
  /** The runs with calls at the head of the list whose rows the previous build's exports hold, and where those rows end. */
  keptRows: { runs: number; ends: ReuseRecord['callEnds'] } | null;
  /** The runs at the head of the list whose rows the previous build's `runs.csv` holds, and where each row ends there. */
  keptRunRows: RowEnds['kept'];
  /** The same runs' rows of `assets/runs-data.js`, where they end in the previous build's file, and its size. */
  keptDataRows: RowEnds['kept'];
}

/**
 * Compares this build's runs with the previous build's record. A run's pages are kept when a run
 * of the previous build had the same key (the same run, named the same) and the same neighbours'
 * keys (its page links to them, with their starts). The rows of `runs.csv` and of the exports of
 * calls are kept for the longest head of the list whose keys are the previous build's, in the
 * same places: a log appended to adds its runs at the end of the list. The keys were made in the
 * plan's order (runKeysJob, on the exports' thread while this one gathered the facts); null when
 * they could not be.
 */
export function planReuse(madeByPlan: PlanOrderKeys | null, runs: readonly RunFacts[], frame: string, previous: ReuseRecord | null): ReusePlan | null {
  if (madeByPlan === null) return null;
  const order = Int32Array.from(runs, (f) => f.at);
  const made = keysInListOrder(madeByPlan, order);
  const { keys, before } = made;
  if (previous === null || previous.frame !== frame) return { keys, before, previousList: null, kept: null, keptRows: null, keptRunRows: null, keptDataRows: null };
  const old = previous.keys;
  const n = runs.length;
  const m = old.length / KEY_BYTES;
  /** Whether this build's run j (in list order) is the previous build's run i, or both are no run. */
  const same = (j: number, i: number): boolean =>
    j < 0 || j >= n ? i < 0 || i >= m : i >= 0 && i < m && before.compare(old, i * KEY_BYTES, (i + 1) * KEY_BYTES, j * KEY_BYTES, (j + 1) * KEY_BYTES) === 0;
  const was = previousPlaces(before, old, n, m, same);
  const kept = new Float64Array(n).fill(NaN);
  for (let j = 0; j < n; j++) {
    const i = was[j]!;
    if (i !== -1 && same(j - 1, i - 1) && same(j + 1, i + 1)) kept[order[j]!] = previous.pageBytes[i]!;
  }
  let head = 0;
  while (head < n && head < m && same(head, head)) head++;
  let withCalls = 0;
  for (let j = 0; j < head; j++) if (runs[j]!.totals.calls > 0) withCalls++;
  const ends = previous.callEnds;
  const keptRows = withCalls > 0 && withCalls <= ends.csv.length ? { runs: withCalls, ends } : null;
  const keptRunRows = head > 0 && head <= previous.runEnds.length ? { runs: head, ends: previous.runEnds, size: previous.runEnds[previous.runEnds.length - 1]! } : null;
  const keptDataRows = head > 0 && head <= previous.dataEnds.length ? { runs: head, ends: previous.dataEnds, size: previous.dataBytes } : null;
  return { keys, before, previousList: { keys: previous.listKeys, bytes: previous.listBytes }, kept, keptRows, keptRunRows, keptDataRows };
}

/**
 * Where each of this build's runs (by its key `before`, in list order) was in the previous build's
 * list, or -1. A key names one run, so a run found in its own place is found: most are (a log
 * appended to adds its runs at the end of the list), and only the others are looked up, among the
 * previous build's runs not found so (a map of all 72k keys took about 40 ms at 1M spans).
 */
function previousPlaces(before: Buffer, old: Buffer, n: number, m: number, same: (j: number, i: number) => boolean): Int32Array {
  const was = new Int32Array(n).fill(-1);
  const found = new Uint8Array(m);
  for (let j = 0; j < Math.min(n, m); j++) {
    if (same(j, j)) {
      was[j] = j;
      found[j] = 1;
    }
  }
  const keyAt = (b: Buffer, i: number): string => b.toString('latin1', i * KEY_BYTES, (i + 1) * KEY_BYTES);
  let rest: Map<string, number> | null = null;
  for (let j = 0; j < n; j++) {
    if (was[j] !== -1) continue;
    if (rest === null) {
      rest = new Map();
      for (let i = 0; i < m; i++) if (found[i] === 0) rest.set(keyAt(old, i), i);
    }
    was[j] = rest.get(keyAt(before, j)) ?? -1;
  }
  return was;
}
