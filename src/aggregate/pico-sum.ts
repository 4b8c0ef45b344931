import { PICO_PER_USD } from '../model/types.js';

/** 1e15 pico-dollars ($1,000): the unit carried out of the low part, well below 2^53. */
const CARRY = 1e15;

/**
 * An exact sum of integer pico-dollar amounts. A plain number holds integers exactly only up to
 * 2^53 pico (about $9,007); this keeps the total as (thousands of dollars, remainder) so that
 * sums of any realistic size stay exact and the result never depends on the order of adding
 * (amounts, refunds among them, up to about $262M each: k × 1e15 is exact for k below 2^18).
 */
export class PicoSum {
  thousands = 0;
  rest = 0;

  add(pico: number): void {
    // Kept canonical, the rest in [0, $1,000): equal totals then have equal parts, and read as the
    // same double. An amount outside that range (a refund, or $1,000 or more) gives its thousands
    // first: added to the rest whole, it could pass 2^53 and round, by an amount that depends on
    // the order of adding. The subtraction is exact (Sterbenz); the checks after it mend a
    // quotient rounded to the next integer.
    let p = pico;
    if (p < 0 || p >= CARRY) {
      let k = Math.floor(p / CARRY);
      p -= k * CARRY;
      if (p < 0) {
        p += CARRY;
        k--;
      } else if (p >= CARRY) {
        p -= CARRY;
        k++;
      }
      this.thousands += k;
    }
    this.rest += p;
    if (this.rest >= CARRY) {
      this.rest -= CARRY;
      this.thousands++;
    }
  }

  addSum(other: { thousands: number; rest: number }): void {
    this.thousands += other.thousands;
    this.add(other.rest);
  }

  /** A sum sent from another thread (its fields without the class). */
  static from(state: { thousands: number; rest: number }): PicoSum {
    const s = new PicoSum();
    s.thousands = state.thousands;
    s.rest = state.rest;
    return s;
  }

  get isZero(): boolean {
    return this.thousands === 0 && this.rest === 0;
  }

  /**
   * The total in USD: rounded once to the nearest double while the total in pico-dollars is a safe
   * integer (under about $9,007, refunds included); past that, from its two parts.
   */
  usd(): number {
    const pico = this.thousands * CARRY + this.rest;
    if (Number.isSafeInteger(pico)) return pico / PICO_PER_USD;
    return this.thousands * (CARRY / PICO_PER_USD) + this.rest / PICO_PER_USD;
  }

}
