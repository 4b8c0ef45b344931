import { PICO_PER_USD } from '../model/types.js';

/** 1e15 pico-dollars ($1,000): the unit carried out of the low part, well below 2^53. */
const CARRY = 1e15;

/**
 * An exact sum of integer pico-dollar amounts. A plain number holds integers exactly only up to
 * 2^53 pico (about $9,007); this keeps the total as (thousands of dollars, remainder) so that
 * sums of any realistic size stay exact and the result never depends on the order of adding.
 */
export class PicoSum {
  thousands = 0;
  rest = 0;

  add(pico: number): void {
    // An amount of $1,000 or more (or a refund of as much) gives its thousands first: added to the
    // rest whole, it could pass 2^53 and round, by an amount that depends on the order of adding.
    if (pico >= CARRY || pico <= -CARRY) {
      const k = Math.trunc(pico / CARRY);
      this.thousands += k;
      pico -= k * CARRY;
    }
    this.rest += pico;
    if (this.rest >= CARRY || this.rest <= -CARRY) {
      const k = Math.trunc(this.rest / CARRY);
      this.thousands += k;
      this.rest -= k * CARRY;
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

  /** The total in USD, rounded once to the nearest double. */
  usd(): number {
    return this.thousands * (CARRY / PICO_PER_USD) + this.rest / PICO_PER_USD;
  }

}
