/**
 * A sum of doubles that is exact until it is read, then rounded once (Shewchuk's algorithm, as
 * Python's math.fsum): the result never depends on the order of adding, so totals made on several
 * threads and merged equal the total of one pass. Integer counts, the common case, stay one part.
 */
export class ExactSum {
  parts: number[] = [];

  add(value: number): void {
    const p = this.parts;
    if (p.length === 1) {
      const sum = p[0]! + value;
      // Both integers and the sum still exact: no rounding happened.
      if (Number.isSafeInteger(sum) && Number.isInteger(value) && Number.isInteger(p[0])) {
        p[0] = sum;
        return;
      }
    }
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

  addSum(other: { parts: readonly number[] }): void {
    for (const v of other.parts) this.add(v);
  }

  /** The sum, correctly rounded. */
  value(): number {
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

  static from(state: { parts: readonly number[] }): ExactSum {
    const s = new ExactSum();
    s.parts = [...state.parts];
    return s;
  }
}
