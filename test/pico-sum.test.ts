import { describe, expect, it } from 'vitest';
import { PicoSum } from '../src/aggregate/pico-sum.js';

describe('PicoSum', () => {
  it('stays exact past 2^53 pico-dollars, where a plain number drifts', () => {
    // 2^53 pico-dollars, then a thousand calls of 1 pico-dollar each.
    const sum = new PicoSum();
    let plain = 0;
    for (const x of [9_007_199_254_740_992, ...Array<number>(1000).fill(1)]) {
      sum.add(x);
      plain += x;
    }
    expect(sum.usd()).toBe(9007.199254741992);
    expect(plain / 1e12).toBe(9007.199254740992);
  });

  it('gives the same total in any order', () => {
    const amounts = [999_999_999_999_999, 1, 5_000_000_000_000_000, 123_456_789, 7_777_777_777_777];
    const a = new PicoSum();
    const b = new PicoSum();
    for (const x of amounts) a.add(x);
    for (const x of [...amounts].reverse()) b.add(x);
    expect(a.usd()).toBe(b.usd());
    expect([a.thousands, a.rest]).toEqual([b.thousands, b.rest]);
    // 6,007,777,901,234,566 pico
    expect(a.usd()).toBe(6007.777901234566);
  });

  it('gives the same total in any order and from any split into partial sums, with amounts of $1,000 and more, and refunds', () => {
    // $12,000.000000000002 and a refund of $11,000: each alone is past 2^53 pico-dollars, where a
    // double holds only even integers, so a few pico-dollars added to either would round.
    const amounts = [3, 12_000_000_000_000_002, 5, -11_000_000_000_000_000, 7];
    const totals = new Set<number>();
    const orders = [amounts, [...amounts].reverse(), [12_000_000_000_000_002, -11_000_000_000_000_000, 3, 5, 7], [3, 5, 7, -11_000_000_000_000_000, 12_000_000_000_000_002]];
    for (const order of orders) {
      const whole = new PicoSum();
      for (const x of order) whole.add(x);
      totals.add(whole.usd());
      // Two threads' sums, merged (as the parallel summary does).
      const left = new PicoSum();
      const right = new PicoSum();
      order.forEach((x, i) => (i % 2 ? left : right).add(x));
      left.addSum(structuredClone({ thousands: right.thousands, rest: right.rest }));
      totals.add(left.usd());
    }
    // 1,000,000,000,000,017 pico-dollars
    expect([...totals]).toEqual([1000.000000000017]);
  });

  it('reads a total of refunds and charges as the nearest double, below zero too', () => {
    const sum = new PicoSum();
    for (const x of [-5, 3, -1_000_000_000_000_000, 999_999_999_999_999]) sum.add(x);
    expect(sum.usd()).toBe(-3e-12);
    const parts = new PicoSum();
    parts.addSum(structuredClone({ thousands: sum.thousands, rest: sum.rest }));
    parts.add(3);
    expect(parts.isZero).toBe(true);
    expect(parts.usd()).toBe(0);
  });
});

describe('ExactSum', () => {
  it('gives the correctly rounded sum whatever the order of adding', async () => {
    const { ExactSum } = await import('../src/aggregate/exact-sum.js');
    const values = [0.1, 0.2, 0.3, 1e16, 1, -1e16, 2.5, 1e-3, 7, 0.7];
    const forward = new ExactSum();
    for (const v of values) forward.add(v);
    const backward = new ExactSum();
    for (const v of [...values].reverse()) backward.add(v);
    // The exact sum is 11.801 (1e16 cancels): the nearest double, in either order.
    expect(forward.value()).toBe(11.801);
    expect(backward.value()).toBe(11.801);
    // A plain left-to-right sum loses the 1 and the 0.6 next to 1e16.
    expect(values.reduce((a, b) => a + b, 0)).not.toBe(11.801);
  });

  it('merges partial sums made apart into the one sum', async () => {
    const { ExactSum } = await import('../src/aggregate/exact-sum.js');
    const a = new ExactSum();
    const b = new ExactSum();
    for (let i = 0; i < 1000; i++) (i % 2 ? a : b).add(i * 0.1);
    // As another thread sends it: the fields without the class.
    a.addSum(structuredClone({ whole: b.whole, parts: b.parts }));
    expect(a.value()).toBe(49950);
    const ints = new ExactSum();
    for (let i = 0; i < 100; i++) ints.add(2 ** 52);
    expect(ints.value()).toBe(100 * 2 ** 52);
  });
});
