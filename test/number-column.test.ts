import { describe, expect, it } from 'vitest';
import { numberAt, numberColumn, type NumberColumn } from '../src/read/parallel/number-column.js';

/** The column of `values` (as the batches make them: every value `stride` apart from `offset`), read back whole. */
function roundTrip(values: number[], fromMin: boolean, shared = false): { column: NumberColumn; back: number[] } {
  const column = numberColumn(Float64Array.from(values), values.length, 1, 0, fromMin, shared);
  return { column, back: values.map((_, i) => numberAt(column, i)) };
}

const kind = (c: NumberColumn) => (c.ints ? `int32 / ${c.divisor} from ${c.base}` : 'float64');

describe('number columns', () => {
  it('keep token counts, durations and costs in 32 bits, each read back as the same number', () => {
    const cases: [number[], string][] = [
      [[825, 51, NaN, 0, 4124], 'int32 / 1 from 0'],
      [[950.6, 2403.6, NaN, 12], 'int32 / 10 from 0'],
      [[0.00015435, 0.0020576, 0.1 + 0.2 - 0.3 + 0.3, 21.47483647], 'float64'],
      [[0.00015435, 0.0020576, 1.5], 'int32 / 100000000 from 0'],
      [[NaN, NaN], 'int32 / 1 from 0'],
      [[], 'int32 / 1 from 0'],
    ];
    for (const [values, expected] of cases) {
      const { column, back } = roundTrip(values, false);
      expect(kind(column), String(values)).toBe(expected);
      back.forEach((v, i) => expect(Object.is(v, values[i]), `${values[i]}`).toBe(true));
    }
  });

  it('keeps times in 32 bits from the batch’s first, while they fit, and the same bits always', () => {
    const t0 = Date.UTC(2026, 0, 5);
    const whole = [t0 + 472, t0 + 1423, NaN, t0 + 20 * 86_400_000];
    expect(kind(roundTrip(whole, true).column)).toBe(`int32 / 1 from ${t0 + 472}`);
    // Microseconds: three decimals fit for 35 minutes from the first time.
    const micro = [t0 + 0.123, t0 + 1000.5, t0 + 2_000_000.001];
    expect(kind(roundTrip(micro, true).column)).toBe(`int32 / 1000 from ${t0 + 0.123}`);
    // Weeks apart in whole milliseconds, or a day apart in microseconds: 64 bits.
    expect(kind(roundTrip([t0, t0 + 30 * 86_400_000], true).column)).toBe('float64');
    expect(kind(roundTrip([t0 + 0.001, t0 + 86_400_000], true).column)).toBe('float64');
    for (const values of [whole, micro]) roundTrip(values, true).back.forEach((v, i) => expect(Object.is(v, values[i])).toBe(true));
  });

  it('falls back to 64 bits for any value 32 bits cannot give back exactly', () => {
    const awkward = [-0, Infinity, -Infinity, 2 ** 31, -(2 ** 31), 2 ** 53 + 2, 5e-324, Number.MAX_VALUE, 1e-10, 0.1 + 0.2, 1 / 3];
    for (const v of awkward) {
      for (const fromMin of [false, true]) {
        const values = [1, v, NaN, 2.5];
        const { column, back } = roundTrip(values, fromMin, true);
        back.forEach((b, i) => expect(Object.is(b, values[i]), `${v} (${fromMin}): ${values[i]} read back as ${b}`).toBe(true));
        if (!fromMin) expect(kind(column), String(v)).toBe('float64');
      }
    }
    // The largest and smallest integers that fit, and the one kept for "none".
    const edge = [2 ** 31 - 1, -(2 ** 31) + 1];
    expect(kind(roundTrip(edge, false).column)).toBe('int32 / 1 from 0');
    expect(roundTrip(edge, false).back).toEqual(edge);
    const none = [-(2 ** 31), 1];
    expect(kind(roundTrip(none, false).column)).toBe('float64');
    expect(roundTrip(none, false).back).toEqual(none);
  });

  it('reads every stride-th value from an offset (a row of the amounts’ side table)', () => {
    const rows = Float64Array.from([1, 0.5, 2, 0.25, 3, NaN]);
    const second = numberColumn(rows, 3, 2, 1, false, false);
    expect(kind(second)).toBe('int32 / 100 from 0');
    expect([0, 1, 2].map((i) => numberAt(second, i))).toEqual([0.5, 0.25, NaN]);
  });
});
