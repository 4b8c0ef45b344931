import type { Obj } from '../normalise/fields.js';
import { toEvent, type TraceEvent } from '../normalise/event.js';
import { otlpToLines } from '../normalise/otlp.js';
import { parseLine } from '../normalise/parse-line.js';

/** Where the events of a line go: the run assembler directly, or a worker's batch for it. */
export interface EventSink {
  event(e: TraceEvent, fields: Obj): void;
  skip(reason: string): void;
  /** How many trace spans the line held (an OpenTelemetry line holds many). */
  spans(n: number): void;
}

/** One line of text → its events, or the reason it was skipped. Blank lines are ignored. */
export function lineToEvents(text: string, sink: EventSink): void {
  const parsed = parseLine(text);
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
