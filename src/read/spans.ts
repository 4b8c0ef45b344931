/** Spans: each event of a line as `query` and the library show it, in the context of its run. */
import { isFailureStatus, type RunBuilder } from '../model/run-builder.js';
import type { SourceRef, Span } from '../model/types.js';
import type { TraceEvent } from '../normalise/event.js';
import { parseLine } from '../normalise/parse-line.js';
import { normaliseModelId } from '../prices/model-id.js';

const FAILED_TYPES = new Set(['call_error', 'error']);

/** The fields of a flat line the fast path read: the object the full path would have parsed. */
export function fieldsOf(bytes: Buffer, start: number, end: number): Record<string, unknown> {
  const parsed = parseLine(bytes.toString('utf8', start, end));
  return parsed.kind === 'object' ? parsed.value : {};
}

/** The span of event `e`, its run as it stands once the event is added to it. */
export function toSpan(e: TraceEvent, run: RunBuilder, src: SourceRef, fields: Record<string, unknown>): Span {
  // `ok` or `failed` as the run model sees the line (the status as written stays in `fields`).
  let status: string | null = null;
  if (FAILED_TYPES.has(e.role) || ((e.role === 'call_end' || e.role === 'call') && e.error !== null) || isFailureStatus(e.status)) status = 'failed';
  else if (e.status !== null || e.role === 'call_end' || e.role === 'call') status = 'ok';
  return {
    eventType: e.type,
    agentName: run.agentOf(e),
    runId: run.id,
    // The run's workflow as the run model names it (workflow, else the outer pattern).
    workflow: e.workflow ?? run.workflow ?? run.pattern ?? e.pattern,
    pattern: e.pattern ?? run.pattern,
    provider: e.type.startsWith('provider_call') ? (e.provider ?? e.agentField) : e.provider,
    model: e.model,
    modelId: normaliseModelId(e.model),
    inputTokens: e.inputTokens,
    outputTokens: e.outputTokens,
    durationMs: e.durationMs,
    costEstimate: e.costUsd,
    timestamp: e.timestamp,
    status,
    error: e.error,
    file: src.file,
    line: src.line,
    fields,
  };
}
