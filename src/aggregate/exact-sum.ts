/**
 * A sum of doubles that is exact until it is read, then rounded once (Shewchuk's algorithm, as
 * Python's math.fsum): the result never depends on the order of adding, so totals made on several
 * threads and merged equal the total of one pass. Integer counts, the common case, stay one part.
 */
export class ExactSum {
  /** Integers added so far, while their sum is exact (the common case: token counts). */
  whole = 0;
  parts: number[] = [];

  add(value: number): void {
    if (Number.isInteger(value)) {
      const sum = this.whole + value;
      if (Number.isSafeInteger(sum)) {
        this.whole = sum;
        return;
      }
    }
    this.addPart(value);
  }

  private addPart(value: number): void {
    const p = this.parts;
    let x = value;
    let n = 0;
    for (let k = 0; k < p.length; k++) {
      let y = p[k]!;
      if (Math.abs(x) < Math.abs(y)) [x, y] = [y, x];
      const hi = x + y;
      const lo = y - (hi - x);
      if (lo !== 0) p[n++] = lo;
      x = hi;
    }
    p.length = n;
    p.push(x);
  }

  addSum(other: { whole: number; parts: readonly number[] }): void {
    this.add(other.whole);
    for (const v of other.parts) this.addPart(v);
  }

  /** The sum, correctly rounded. */
  value(): number {
    if (this.parts.length === 0) return this.whole;
    const all = ExactSum.from(this);
    all.whole = 0;
    all.addPart(this.whole);
    return all.rounded();
  }

  private rounded(): number {
    const p = this.parts;
    let n = p.length;
    if (n === 0) return 0;
    let hi = p[--n]!;
    let lo = 0;
    while (n > 0) {
      const x = hi;
      const y = p[--n]!;
      hi = x + y;
      lo = y - (hi - x);
      if (lo !== 0) break;
    }
    // Round half to even across the remaining parts, as fsum does.
    if (n > 0 && ((lo < 0 && p[n - 1]! < 0) || (lo > 0 && p[n - 1]! > 0))) {
      const y = lo * 2;
      const x = hi + y;
      if (y === x - hi) hi = x;
    }
    return hi;
  }

  static from(state: { whole: number; parts: readonly number[] }): ExactSum {
    const s = new ExactSum();
    s.whole = state.whole;
    s.parts = [...state.parts];
    return s;
  }
}
