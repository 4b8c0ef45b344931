/**
 * The facts of many runs, packed (site-facts.ts): their numbers in rows of one array of doubles
 * (FactNumbers), each run's strings and lists in an object that reads its numbers from there
 * (PackedRunFacts). The rows come in the order the runs were added, so the first rows are a
 * snapshot's (facts-state.ts) as they are.
 */
import type { Run, RunTotals } from '../../model/types.js';
import type { TokenCounts } from './cells.js';
import type { RunFacts } from './site-facts.js';

/** A run's numbers in FactNumbers: its times and duration (NaN: none), then its totals in the order of TOTALS. */
const START = 0;
const END = 1;
const DURATION = 2;
const FIRST_CALL = 3;
const LAST_CALL = 4;
const TOTALS = ['calls', 'failedCalls', 'incompleteCalls', 'inputTokens', 'outputTokens', 'totalTokens', 'costPico', 'reportedPico', 'estimatedPico', 'unpricedCalls'] as const;
const FIRST_TOTAL = 5;
const ROW = FIRST_TOTAL + TOTALS.length;
// Every field of RunTotals has its column (FactNumbers.totals reads them in this order).
const everyTotal: Exclude<keyof RunTotals, (typeof TOTALS)[number]> extends never ? true : never = true;
void everyTotal;

/**
 * The numbers of many runs' facts, a row of ROW doubles a run. Held as fields of each run's facts,
 * most of them would be an object of their own: V8 boxes a number that is not a small integer
 * (a time, a cost in pico-dollars), 16 bytes and a pointer where a column takes 8, and the totals
 * were one more object a run. The facts of 71,735 runs took 12.6 MB less (BENCHMARKS.md, tenth round).
 */
export class FactNumbers {
  private data: Float64Array;
  private rows = 0;

  /** `capacity`: the runs expected (more may come). */
  constructor(capacity = 1024) {
    this.data = new Float64Array(ROW * Math.max(1, capacity));
  }

  /** No room kept for more runs. */
  trim(): void {
    if (this.data.length > this.rows * ROW) this.data = this.data.slice(0, this.rows * ROW);
  }

  /** The first `rows` rows (a view: rows never change once added). */
  prefix(rows: number): Float64Array {
    return this.data.subarray(0, rows * ROW);
  }

  /** Into numbers with no rows yet: `rows` rows that `prefix` gave, at the start of `data`, which is taken as it is (it may have room for more rows). */
  restore(data: Float64Array, rows: number): void {
    if (this.rows !== 0 || data.length < rows * ROW) throw new Error('the numbers of the facts are not those of their runs');
    if (data.length < this.data.length) {
      this.data.set(data.subarray(0, rows * ROW));
    } else this.data = data;
    this.rows = rows;
  }

  /** Adds a run's numbers; returns its row. */
  add(run: Run, firstCallTime: number | null, lastCallTime: number | null): number {
    if ((this.rows + 1) * ROW > this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    const o = this.rows * ROW;
    const d = this.data;
    d[o + START] = run.start ?? NaN;
    d[o + END] = run.end ?? NaN;
    d[o + DURATION] = run.durationMs ?? NaN;
    d[o + FIRST_CALL] = firstCallTime ?? NaN;
    d[o + LAST_CALL] = lastCallTime ?? NaN;
    for (let k = 0; k < TOTALS.length; k++) d[o + FIRST_TOTAL + k] = run.totals[TOTALS[k]!];
    return this.rows++;
  }

  /** Number `k` of row `row`, one of the times (finite or null: NaN stands for null). */
  time(row: number, k: number): number | null {
    const v = this.data[row * ROW + k]!;
    return Number.isNaN(v) ? null : v;
  }

  /**
   * A run's totals, a new object: written as one literal, in the order of TOTALS, so that every
   * such object has one shape from the start (filled in by a loop over the names, they were a
   * tenth of a second of a build at 1M spans, read about ten times a run).
   */
  totals(row: number): RunTotals {
    const o = row * ROW + FIRST_TOTAL;
    const d = this.data;
    return {
      calls: d[o]!,
      failedCalls: d[o + 1]!,
      incompleteCalls: d[o + 2]!,
      inputTokens: d[o + 3]!,
      outputTokens: d[o + 4]!,
      totalTokens: d[o + 5]!,
      costPico: d[o + 6]!,
      reportedPico: d[o + 7]!,
      estimatedPico: d[o + 8]!,
      unpricedCalls: d[o + 9]!,
    };
  }
}

/** A run's facts, its numbers read from FactNumbers (`totals` is a new object each time). */
export class PackedRunFacts implements RunFacts {
  readonly id: string;
  readonly workflow: string | null;
  readonly pattern: string | null;
  readonly status: Run['status'];
  readonly statusText: string | null;
  readonly files: readonly string[];
  readonly at: number;
  readonly tokens: TokenCounts;
  readonly agents: readonly string[];
  readonly models: readonly string[];
  readonly pages: number;
  readonly untimedCalls: number;

  constructor(
    private readonly numbers: FactNumbers,
    /** Its row of numbers: the order it was added in (CostFactsBuilder.costSnapshot). */
    readonly row: number,
    run: Pick<Run, 'id' | 'workflow' | 'pattern' | 'status' | 'statusText'>,
    rest: Pick<RunFacts, 'files' | 'at' | 'tokens' | 'agents' | 'models' | 'pages' | 'untimedCalls'>,
  ) {
    this.id = run.id;
    this.workflow = run.workflow;
    this.pattern = run.pattern;
    this.status = run.status;
    this.statusText = run.statusText;
    this.files = rest.files;
    this.at = rest.at;
    this.tokens = rest.tokens;
    this.agents = rest.agents;
    this.models = rest.models;
    this.pages = rest.pages;
    this.untimedCalls = rest.untimedCalls;
  }

  get start(): number | null {
    return this.numbers.time(this.row, START);
  }
  get end(): number | null {
    return this.numbers.time(this.row, END);
  }
  get durationMs(): number | null {
    return this.numbers.time(this.row, DURATION);
  }
  get firstCallTime(): number | null {
    return this.numbers.time(this.row, FIRST_CALL);
  }
  get lastCallTime(): number | null {
    return this.numbers.time(this.row, LAST_CALL);
  }
  get totals(): RunTotals {
    return this.numbers.totals(this.row);
  }
}
