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
    expect(a.compare(b)).toBe(0);
    // 6,007,777,901,234,566 pico
    expect(a.usd()).toBe(6007.777901234566);
  });
});
