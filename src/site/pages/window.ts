/**
 * "Last 7 days" of the traces, counted back from the latest trace time, not the build date.
 *
 * The window is the 7 UTC days ending with the day of the latest trace time: from 00:00 UTC six
 * days before that day up to the latest time. A call is in it when its time (its end, else its
 * start: the same time daily spend uses) falls in the window. Each run with a call in the window
 * is cut to those calls and summarised once more, so the window's numbers come from the same code
 * as the all-time ones and the days of its daily spend are exactly the all-time rows for those
 * days. The runs' facts say which runs have a call in the window: only those are read again, and
 * none when every run lies wholly in it (traces of a few days, as CI writes them).
 */
import { SummaryAccumulator, type AccumulatorMark } from '../../aggregate/summary-accumulator.js';
import type { Summary } from '../../aggregate/summary-types.js';
import { totalsOf } from '../../model/finalise.js';
import type { Run } from '../../model/types.js';
import { utcDay } from '../../normalise/timestamp.js';
import type { CostMark, CostSnapshot, StringTable, WindowSnapshot } from './facts-state.js';
import { callTime, CostFactsBuilder, listPlaces, type CostFacts, type RunFacts, type RunSource, type SiteFacts } from './site-facts.js';

const DAY_MS = 86_400_000;
export const WINDOW_DAYS = 7;

export interface TimeWindow {
  days: number;
  /** Epoch ms: 00:00 UTC of the first day. */
  from: number;
  /** Epoch ms: the latest trace time (inclusive). */
  to: number;
  fromDay: string;
  toDay: string;
}

export interface WindowSummary {
  window: TimeWindow;
  /** The runs with a call in the window, each cut to those calls. */
  facts: CostFacts;
  summary: Summary;
}

export function lastDays(latestMs: number, days = WINDOW_DAYS): TimeWindow {
  const dayStart = Math.floor(latestMs / DAY_MS) * DAY_MS;
  const from = dayStart - (days - 1) * DAY_MS;
  return { days, from, to: latestMs, fromDay: utcDay(from), toDay: utcDay(latestMs) };
}

function inside(t: number | null, w: TimeWindow): boolean {
  return t !== null && t >= w.from && t <= w.to;
}

/** A run cut to its calls in the window (itself when all are; runs without calls: by start); null when none is. */
export function clipToWindow(run: Run, w: TimeWindow): Run | null {
  if (run.calls.length === 0) return inside(run.start, w) ? run : null;
  const calls = run.calls.filter((c) => inside(callTime(c), w));
  if (calls.length === 0) return null;
  return calls.length === run.calls.length ? run : { ...run, calls, totals: totalsOf(calls) };
}

/** Where a run stands to the window, from its facts alone: none of it, all of it, or some calls. */
function placeOf(f: RunFacts, w: TimeWindow): 'out' | 'in' | 'part' {
  if (f.totals.calls === 0) return inside(f.start, w) ? 'in' : 'out';
  // No call is later than the window's end, the latest time of all.
  if (f.lastCallTime === null || f.lastCallTime < w.from) return 'out';
  return f.untimedCalls === 0 && f.firstCallTime! >= w.from ? 'in' : 'part';
}

/** The window's cost facts, fed runs by their number (not in list order), so that a snapshot can keep those of the first runs. */
class WindowFactsBuilder extends CostFactsBuilder {
  constructor(expected?: number) {
    super(false, expected);
  }

  mark(): CostMark {
    return this.costMark();
  }

  snapshotAt(strings: StringTable, mark: CostMark): CostSnapshot {
    return this.costSnapshot(strings, mark);
  }

  static restore(snap: CostSnapshot, strings: readonly string[], idOf: (i: number) => string): WindowFactsBuilder {
    // Room for one row: the numbers read come with room for more (FactNumbers grows them).
    const b = new WindowFactsBuilder(1);
    b.restoreCost(snap, strings, idOf);
    return b;
  }
}

/** What the window's pass noted of the runs before a snapshot's point (WindowKeeping.checkpoint). */
export interface WindowMark {
  from: number;
  /** The sums, copied: checked to be plain JSON before the snapshot keeps them. */
  cost: CostMark;
  summary: AccumulatorMark;
  /** The snapshot of those runs, made now (their facts and durations never change once added). */
  snapshotAt(strings: StringTable): WindowSnapshot;
}

/**
 * What a build that keeps its facts between builds (reuse/kept-facts.ts) asks of the window's
 * pass: a mark at its snapshot's point, and the previous build's window facts to go on from.
 */
export interface WindowKeeping {
  /** The runs (the first, by number) this build's snapshot holds; -1: it takes none. */
  checkpoint: number;
  /** The previous build's window facts of the first `runs` runs (whose facts this build kept), and the strings they refer to; taken (and let go) by the pass. */
  kept: { snapshot: WindowSnapshot; runs: number; strings: readonly string[] } | null;
  /** Given the mark at `checkpoint`, when the pass takes one. */
  marked(mark: WindowMark): void;
  /** Set by the pass: the runs whose window facts it took from `kept` (0: none). */
  keptRuns: number;
}

/**
 * The window summary, or null when no trace time is known. `own`: `all` was summarised from
 * exactly these runs, so when every run lies wholly in the window it is the window's summary too
 * (only its days are cut), and the runs are not read again.
 *
 * Otherwise the runs with a call in the window are read again, by their number (which is the
 * order the input gave them), and `keeping` may give the window facts of the first runs from the
 * previous build, when its window began the same day: only the runs after them are read then.
 */
export function windowSummary(all: Summary, facts: SiteFacts, own: boolean, keeping: WindowKeeping | null = null): WindowSummary | null {
  const kept = keeping?.kept ?? null;
  if (keeping) keeping.kept = null;
  if (facts.latest === null) return null;
  const window = lastDays(facts.latest);
  const keepDays = (days: Summary['byDay']) => days.filter((d) => d.date >= window.fromDay && d.date <= window.toDay);
  const places = facts.runs.map((f) => placeOf(f, window));
  if (own && places.every((p) => p === 'in')) return { window, facts, summary: { ...all, byDay: keepDays(all.byDay) } };
  // The runs by their number.
  const n = facts.runs.length;
  const listPlace = listPlaces(facts.runs);
  const byNumber = (at: number): RunFacts => facts.runs[listPlace[at]!]!;
  let acc: SummaryAccumulator | null = null;
  let builder: WindowFactsBuilder | null = null;
  let next = 0;
  if (kept !== null && kept.snapshot.from === window.from && kept.runs <= n) {
    try {
      acc = SummaryAccumulator.restore(kept.snapshot.summary.state, kept.snapshot.summary.durations);
      builder = WindowFactsBuilder.restore(kept.snapshot, kept.strings, (i) => byNumber(i).id);
      next = kept.runs;
      keeping!.keptRuns = next;
    } catch {
      // Not whole after all: every run is read.
      acc = null;
    }
  }
  if (acc === null || builder === null) {
    if (keeping) keeping.keptRuns = 0;
    acc = new SummaryAccumulator();
    builder = new WindowFactsBuilder();
    next = 0;
  }
  const b = builder;
  const a = acc;
  const markHere = (): void => {
    const mark = { cost: b.mark(), summary: a.mark() };
    keeping!.marked({
      from: window.from,
      ...mark,
      snapshotAt: (strings) => ({ ...b.snapshotAt(strings, mark.cost), from: window.from, summary: { state: mark.summary.state, durations: SummaryAccumulator.durationsAt(mark.summary) } }),
    });
  };
  for (let at = next; at < n; at++) {
    if (keeping !== null && at === keeping.checkpoint) markHere();
    const place = places[listPlace[at]!]!;
    if (place === 'out') continue;
    const run = facts.source.run(at, false);
    const clipped = place === 'in' ? run : clipToWindow(run, window);
    if (clipped === null) continue;
    acc.add(clipped);
    builder.add(clipped, at, byNumber(at).pages);
  }
  const summary = acc.result({ inputs: all.inputs, files: all.files, spans: all.spans, skippedLines: all.skippedLines, priceTable: all.cost.priceTable });
  // Runs that began before the window add their start day; only the window's days are shown.
  summary.byDay = keepDays(summary.byDay);
  // The first unpriced calls are found in the runs cut to the window, once they are in list order.
  const clippedSource: RunSource = {
    count: facts.source.count,
    run: (i, text) => {
      const clipped = clipToWindow(facts.source.run(i, text), window);
      if (clipped === null) throw new Error(`run ${i} has no call in the window`);
      return clipped;
    },
  };
  return { window, facts: builder.costFacts(clippedSource), summary };
}
