import type { Obj } from '../normalise/fields.js';
import { toEvent, type TraceEvent } from '../normalise/event.js';
import { flatToEvent, readFlatLine, scanFlatLine } from '../normalise/flat-line.js';
import { otlpToLines } from '../normalise/otlp.js';
import { parseLine } from '../normalise/parse-line.js';

/** Where the events of a line go: the run assembler directly, or a worker's batch for it. */
export interface EventSink {
  /** `fields` are the line's parsed fields, or null when the fast path read the line (see `fast`). */
  event(e: TraceEvent, fields: Obj | null): void;
  skip(reason: string): void;
  /** How many trace spans the line held (an OpenTelemetry line holds many). */
  spans(n: number): void;
  /** Read flat lines the fast way, without their parsed fields (callers that keep spans need them). */
  fast: boolean;
  /** Takes a flat line as `scanFlatLine` left it in `flat`, instead of an event (a worker's batch). */
  flatLine?: (bytes: Buffer) => void;
}

/** The event object the fast path fills; sinks copy what they keep, so one serves every line. */
const flatEvent: TraceEvent = {
  type: '', role: 'other', agentField: null, runId: null, workflow: null, pattern: null, provider: null, model: null,
  inputTokens: null, outputTokens: null, totalTokens: null, durationMs: null, costUsd: null, timestamp: null,
  status: null, error: null, stepKind: null, callId: null, prompt: null, response: null, detail: null,
};

/**
 * The line of UTF-8 bytes `s[start, end)` (line end and byte-order mark already removed) → its
 * events, or the reason it was skipped. Blank lines are ignored. A flat line is read from its
 * bytes; any other is decoded and parsed.
 */
export function lineToEvents(s: Buffer, start: number, end: number, sink: EventSink): void {
  if (sink.fast) {
    if (sink.flatLine) {
      if (scanFlatLine(s, start, end)) {
        sink.spans(1);
        sink.flatLine(s);
        return;
      }
    } else if (readFlatLine(s, start, end, flatEvent)) {
      sink.spans(1);
      sink.event(flatEvent, null);
      return;
    }
  }
  const parsed = parseLine(s.toString('utf8', start, end));
  if (parsed.kind === 'blank') return;
  if (parsed.kind === 'bad') return sink.skip(parsed.reason);
  const otlp = otlpToLines(parsed.value);
  if (otlp !== null) {
    // One OpenTelemetry export line holds many spans, each read as one to three events.
    const ids = new Set<unknown>();
    for (const fields of otlp) {
      const event = toEvent(fields);
      if (!event) continue;
      ids.add(fields.span_id);
      sink.event(event, fields);
    }
    sink.spans(ids.size);
    return;
  }
  const event = toEvent(parsed.value);
  if (!event) return sink.skip('JSON object without event_type');
  sink.spans(1);
  sink.event(event, parsed.value);
}

/**
 * The flat line `flat` holds (the compiled scan read it, see `flatLines`) → its event, as
 * `lineToEvents` hands over a flat line it read to a sink of events.
 */
export function flatLineToEvents(s: Buffer, sink: EventSink): void {
  sink.spans(1);
  flatToEvent(s, flatEvent);
  sink.event(flatEvent, null);
}

/**
 * The original fields of each event the line `s[start, end)` gives, in order: what the full path
 * hands its sink with each event (the line's object, or for an OpenTelemetry line each span's
 * fields). For a line read again, when only some of its events need their fields.
 */
export function lineFields(s: Buffer, start: number, end: number): Obj[] {
  const parsed = parseLine(s.toString('utf8', start, end));
  if (parsed.kind !== 'object') return [];
  const otlp = otlpToLines(parsed.value);
  if (otlp === null) return [parsed.value];
  return otlp.filter((fields) => toEvent(fields) !== null);
}
