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
import { SummaryAccumulator } from '../../aggregate/summary-accumulator.js';
import type { Summary } from '../../aggregate/summary-types.js';
import { totalsOf } from '../../model/finalise.js';
import type { Run } from '../../model/types.js';
import { utcDay } from '../../normalise/timestamp.js';
import { callTime, CostFactsBuilder, type CostFacts, type RunFacts, type SiteFacts } from './site-facts.js';

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

/**
 * The window summary, or null when no trace time is known. `own`: `all` was summarised from
 * exactly these runs, so when every run lies wholly in the window it is the window's summary too
 * (only its days are cut), and the runs are not read again.
 */
export function windowSummary(all: Summary, facts: SiteFacts, own: boolean): WindowSummary | null {
  if (facts.latest === null) return null;
  const window = lastDays(facts.latest);
  const keepDays = (days: Summary['byDay']) => days.filter((d) => d.date >= window.fromDay && d.date <= window.toDay);
  const places = facts.runs.map((f) => placeOf(f, window));
  if (own && places.every((p) => p === 'in')) return { window, facts, summary: { ...all, byDay: keepDays(all.byDay) } };
  const acc = new SummaryAccumulator();
  const builder = new CostFactsBuilder(true);
  facts.runs.forEach((f, i) => {
    if (places[i] === 'out') return;
    const run = facts.source.run(f.at, false);
    const clipped = places[i] === 'in' ? run : clipToWindow(run, window);
    if (clipped === null) return;
    acc.add(clipped);
    builder.add(clipped, f.at, f.pages);
  });
  const summary = acc.result({ inputs: all.inputs, files: all.files, spans: all.spans, skippedLines: all.skippedLines, priceTable: all.cost.priceTable });
  // Runs that began before the window add their start day; only the window's days are shown.
  summary.byDay = keepDays(summary.byDay);
  return { window, facts: builder.costFacts(null), summary };
}
