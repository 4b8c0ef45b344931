/**
 * "Last 7 days" of the traces, counted back from the latest trace time, not the build date.
 *
 * The window is the 7 UTC days ending with the day of the latest trace time: from 00:00 UTC six
 * days before that day up to the latest time. A call is in it when its time (its end, else its
 * start: the same time daily spend uses) falls in the window. Each run with a call in the window
 * is kept with only those calls, and summarise() runs once more on these runs, so the window's
 * numbers come from the same code as the all-time ones and the days of its daily spend are
 * exactly the all-time rows for those days.
 */
import { summarise } from '../../aggregate/summarise.js';
import type { Summary } from '../../aggregate/summary-types.js';
import { totalsOf } from '../../model/finalise.js';
import type { LlmCall, Run } from '../../model/types.js';
import { utcDay } from '../../normalise/timestamp.js';

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
  runs: Run[];
  summary: Summary;
}

export function lastDays(latestMs: number, days = WINDOW_DAYS): TimeWindow {
  const dayStart = Math.floor(latestMs / DAY_MS) * DAY_MS;
  const from = dayStart - (days - 1) * DAY_MS;
  return { days, from, to: latestMs, fromDay: utcDay(from), toDay: utcDay(latestMs) };
}

export function callTime(c: LlmCall): number | null {
  return c.end ?? c.start;
}

/** The runs with a call in the window, each cut to those calls (runs without calls: by start). */
export function runsInWindow(runs: readonly Run[], w: TimeWindow): Run[] {
  const inside = (t: number | null) => t !== null && t >= w.from && t <= w.to;
  const out: Run[] = [];
  for (const run of runs) {
    if (run.calls.length === 0) {
      if (inside(run.start)) out.push(run);
      continue;
    }
    const calls = run.calls.filter((c) => inside(callTime(c)));
    if (calls.length === 0) continue;
    out.push(calls.length === run.calls.length ? run : { ...run, calls, totals: totalsOf(calls) });
  }
  return out;
}

/** The latest time any run or call records (exact; the summary's ISO text drops sub-milliseconds). */
export function latestTime(runs: readonly Run[]): number | null {
  let latest: number | null = null;
  const see = (t: number | null) => {
    if (t !== null && Number.isFinite(t) && (latest === null || t > latest)) latest = t;
  };
  for (const run of runs) {
    see(run.end);
    see(run.start);
    for (const c of run.calls) see(callTime(c));
  }
  return latest;
}

/** The window summary, or null when no trace time is known. */
export function windowSummary(all: Summary, runs: readonly Run[]): WindowSummary | null {
  const end = latestTime(runs);
  if (end === null) return null;
  const window = lastDays(end);
  const inWindow = runsInWindow(runs, window);
  const summary = summarise({
    inputs: all.inputs,
    files: all.files,
    spans: all.spans,
    skippedLines: all.skippedLines,
    runs: inWindow,
    priceTable: all.cost.priceTable,
  });
  // Runs that began before the window add their start day; only the window's days are shown.
  summary.byDay = summary.byDay.filter((d) => d.date >= window.fromDay && d.date <= window.toDay);
  return { window, runs: inWindow, summary };
}
