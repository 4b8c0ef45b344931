import { roundMs } from '../aggregate/percentile.js';
import type { PriceTable } from '../prices/price-table.js';
import { isFailureStatus, type RunBuilder } from './run-builder.js';
import type { LlmCall, Run, RunStatus, RunTotals } from './types.js';

/** Prices a call that reported no cost from the table, or says why it cannot be priced. */
export function priceCall(call: LlmCall, prices: PriceTable): void {
  if (call.costSource === 'reported') return;
  call.costPico = null;
  call.costSource = 'unpriced';
  if (call.modelId === null) {
    call.unpricedReason = call.model ? `placeholder model "${call.model}"` : 'no model';
  } else if (call.inputTokens === null && call.outputTokens === null) {
    call.unpricedReason = call.totalTokens === null ? 'no token counts' : 'total tokens only, no input/output split';
  } else {
    const estimate = prices.estimatePico(call.modelId, call.inputTokens ?? 0, call.outputTokens ?? 0);
    // Fractional token counts (some exporters write estimates) give a fraction of a pico-dollar.
    const pico = estimate === undefined ? undefined : Math.round(estimate);
    if (pico !== undefined && !Number.isSafeInteger(pico)) {
      call.unpricedReason = 'token counts too large to price';
    } else if (pico === undefined) {
      call.unpricedReason = `model not in the price table (${prices.date})`;
    } else {
      call.costPico = pico;
      call.costSource = 'estimated';
      call.unpricedReason = null;
      return;
    }
  }
}

/** A run's totals from its calls (costs as exact integer pico-dollars). */
export function totalsOf(calls: readonly LlmCall[]): RunTotals {
  const t: RunTotals = {
    calls: calls.length,
    failedCalls: 0,
    incompleteCalls: 0,
    inputTokens: 0,
    outputTokens: 0,
    totalTokens: 0,
    costPico: 0,
    reportedPico: 0,
    estimatedPico: 0,
    unpricedCalls: 0,
  };
  for (const c of calls) {
    if (c.status === 'failed') t.failedCalls++;
    else if (c.status === 'incomplete') t.incompleteCalls++;
    t.inputTokens += c.inputTokens ?? 0;
    t.outputTokens += c.outputTokens ?? 0;
    t.totalTokens += callTokens(c) ?? 0;
    if (c.costSource === 'reported') t.reportedPico += c.costPico!;
    else if (c.costSource === 'estimated') t.estimatedPico += c.costPico!;
    else t.unpricedCalls++;
  }
  t.costPico = t.reportedPico + t.estimatedPico;
  return t;
}

/** in + out where the split is known, else the total the trace gave; null when it gives neither. */
export function callTokens(c: LlmCall): number | null {
  if (c.inputTokens !== null || c.outputTokens !== null) return (c.inputTokens ?? 0) + (c.outputTokens ?? 0);
  return c.totalTokens;
}

function statusOf(b: RunBuilder, totals: RunTotals): RunStatus {
  if (b.opened && !b.closed) return 'incomplete';
  if (b.statusText !== null) return isFailureStatus(b.statusText) ? 'failed' : 'ok';
  // Ended by its pattern_end with no status: `success` unless it says otherwise (formats.md).
  if (b.opened && b.closed) return 'ok';
  if (b.hasOpenWork || totals.incompleteCalls > 0) return 'incomplete';
  if (totals.failedCalls > 0 || b.sawError) return 'failed';
  return 'ok';
}

/** Turns a finished builder into a Run, pricing its calls. */
export function finaliseRun(b: RunBuilder, prices: PriceTable): Run {
  b.finish();
  for (const call of b.calls) priceCall(call, prices);
  const totals = totalsOf(b.calls);
  return {
    id: b.id,
    syntheticId: b.syntheticId,
    workflow: b.workflow ?? b.pattern,
    pattern: b.pattern,
    status: statusOf(b, totals),
    statusText: b.statusText,
    start: b.start,
    end: b.end,
    durationMs: b.start !== null && b.end !== null ? roundMs(b.end - b.start) : null,
    children: b.children,
    calls: b.calls,
    totals,
    output: b.output,
    source: b.source,
    files: [...b.files].sort(),
  };
}

/** Runs in the order every output lists them: by start time, then id (undated runs last). */
export function compareRuns(a: Pick<Run, 'start' | 'id'>, b: Pick<Run, 'start' | 'id'>): number {
  if (a.start !== b.start) {
    if (a.start === null) return 1;
    if (b.start === null) return -1;
    return a.start - b.start;
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
