import type { ColumnCode } from '../../normalise/native-scan.js';
import { columnOf } from './shared-array.js';

/**
 * A column of numbers (NaN for none) in half the memory where it can be: as 32-bit integers
 * counted from a base in steps of a power of ten, when every value of the column is exactly
 * `base + int / 10^k` for one k (token counts, durations and costs with a few decimals, times in
 * whole milliseconds within a few weeks); as 64-bit numbers otherwise. Each value reads back as
 * the very number written (-0 included; NaN stands for none): a column that cannot promise it
 * keeps 64-bit numbers.
 */
export interface NumberColumn {
  /** The integers; null when the column keeps 64-bit numbers. */
  ints: Int32Array | null;
  floats: Float64Array | null;
  base: number;
  /** 10^k. */
  divisor: number;
}

/** The integer that stands for NaN (none); never a value. */
const NONE = -0x80000000;
/** The most decimals tried: 10^9 keeps a cost in nano-dollars (up to $2.1 a value). */
const MAX_DECIMALS = 9;

/** Value `i` of a column (NaN for none). */
export function numberAt(c: NumberColumn, i: number): number {
  if (c.ints === null) return c.floats![i]!;
  const v = c.ints[i]!;
  if (v === NONE) return Number.NaN;
  // Whole numbers (token counts, times in whole milliseconds) skip the division: int / 1 is int.
  return c.divisor === 1 ? c.base + v : c.base + v / c.divisor;
}

/**
 * `values[offset + i × stride]` for i < n, as a column (in shared memory when asked); `fromMin`
 * counts from the smallest value (times), else from 0 (amounts). `code`: the compiled `writeInts`.
 */
export function numberColumn(values: Float64Array, n: number, stride: number, offset: number, fromMin: boolean, shared: boolean, code: ColumnCode | null = null): NumberColumn {
  const base = fromMin ? smallest(values, n, stride, offset) : 0;
  const ints = columnOf(Int32Array, n, shared);
  const divisor = code !== null ? code.intColumn(values, n, stride, offset, base, ints) : writeInts(values, n, stride, offset, base, ints);
  if (divisor === 0) return floatColumn(values, n, stride, offset, shared);
  return { ints, floats: null, base, divisor };
}

/*
 * The loops over a column's values are functions of their own, apart from the choices around
 * them: a column is made a few times a batch, and V8 would otherwise optimise each loop while
 * it runs, then drop that code at the first choice after it that had not run yet (see the loops
 * of event-batch.ts).
 */

/** The smallest of the values (NaN for none is passed over); 0 when there is none. */
function smallest(values: Float64Array, n: number, stride: number, offset: number): number {
  let base = Infinity;
  for (let i = 0; i < n; i++) {
    const v = values[offset + i * stride]!;
    if (v < base) base = v;
  }
  return base === Infinity ? 0 : base;
}

/**
 * Writes each value as `base + int / divisor` into `ints`; returns the divisor, or 0 when some
 * value needs more than MAX_DECIMALS decimals or an int of more than 32 bits.
 */
function writeInts(values: Float64Array, n: number, stride: number, offset: number, base: number, ints: Int32Array): number {
  // Each value is written with the decimals its predecessors needed; one that needs more raises
  // them, and the values before it are written again (a column's decimals are mostly settled by
  // its first value). A value that reads back exactly with k decimals does with more, as long
  // as the int fits, but only when counted from 0: from a large base, each is tried again.
  let k = 0;
  let divisor = 1;
  for (let i = 0; i < n; i++) {
    const v = values[offset + i * stride]!;
    if (Number.isNaN(v)) {
      ints[i] = NONE;
      continue;
    }
    const int = exactInt(v, base, divisor);
    if (!Number.isNaN(int)) {
      ints[i] = int;
      continue;
    }
    do {
      if (++k > MAX_DECIMALS) return 0;
      divisor = 10 ** k;
    } while (Number.isNaN(exactInt(v, base, divisor)));
    // Written again from the first value, with the new decimals.
    i = -1;
  }
  return divisor;
}

/** The same values as 64-bit numbers. */
function floatColumn(values: Float64Array, n: number, stride: number, offset: number, shared: boolean): NumberColumn {
  const floats = columnOf(Float64Array, n, shared);
  for (let i = 0; i < n; i++) floats[i] = values[offset + i * stride]!;
  return { ints: null, floats, base: 0, divisor: 1 };
}

/** The int of 32 bits (other than NONE) for which `base + int / divisor` is exactly `v`, or NaN. */
function exactInt(v: number, base: number, divisor: number): number {
  const int = Math.round((v - base) * divisor);
  return int > NONE && int <= 0x7fffffff && Object.is(base + int / divisor, v) ? int : Number.NaN;
}

/** The buffer a column keeps its numbers in (to hand over to another thread). */
export function bufferOf(c: NumberColumn): ArrayBufferLike {
  return (c.ints ?? c.floats!).buffer;
}
