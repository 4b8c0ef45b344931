/**
 * `query` output: spans as an aligned table, a JSON array, JSON lines or CSV.
 * The data formats keep every value whole (errors, original fields); only the table shortens.
 */

import type { Span } from '../model/types.js';
import { cell, createColours, firstLine, layoutColumns, sanitiseForTerminal, truncateToWidth } from './colour.js';
import type { Cell, Colours } from './colour.js';
import { csvRow } from './csv.js';
import type { CsvValue } from './csv.js';
import { formatCount, formatDuration, formatIsoUtc, formatUsd } from './money.js';

export type SpanFormat = 'table' | 'json' | 'jsonl' | 'csv';

export interface SpanOutputOptions {
  colour: boolean;
  width?: number;
}

export function formatSpans(spans: Span[], format: SpanFormat, opts: SpanOutputOptions): string {
  return [...spanOutputChunks(spans, format, opts)].join('');
}

/**
 * The same text in pieces (one per span, one per table line), so the CLI can write a large result
 * as it goes instead of holding it as one string (which has a maximum length).
 */
export function* spanOutputChunks(spans: Span[], format: SpanFormat, opts: SpanOutputOptions): Generator<string> {
  if (format === 'table') {
    yield* spansTable(spans, opts);
    return;
  }
  const writer = new SpanDataWriter(format);
  const head = writer.head();
  if (head !== '') yield head;
  for (const s of spans) yield writer.span(s);
  const tail = writer.tail();
  if (tail !== '') yield tail;
}

/**
 * A data format (json, jsonl, csv) written span by span, as the spans are found: the text is
 * that of `spanOutputChunks` for the same spans.
 */
export class SpanDataWriter {
  private count = 0;

  constructor(private readonly format: Exclude<SpanFormat, 'table'>) {}

  /** What comes before the first span. */
  head(): string {
    return this.format === 'csv' ? csvRow(SPAN_CSV_HEADER) : '';
  }

  span(s: Span): string {
    const first = this.count++ === 0;
    switch (this.format) {
      case 'jsonl':
        return `${terminalSafeJson(stringifySpan(s))}\n`;
      case 'json':
        // Each element as JSON.stringify(array, null, 2) would indent it, one element at a time.
        return `${first ? '[\n' : ',\n'}  ${terminalSafeJson(stringifySpan(s, 2).replace(/\n/g, '\n  '))}`;
      case 'csv':
        return csvRow(spanCsvValues(s));
    }
  }

  /** What comes after the last span. */
  tail(): string {
    if (this.format !== 'json') return '';
    return this.count === 0 ? '[]\n' : '\n]\n';
  }
}

/**
 * A span as JSON. Original fields nested too deeply for JSON.stringify (it recurses) are replaced
 * by a note rather than ending the command with a stack overflow.
 */
function stringifySpan(span: Span, indent?: number): string {
  try {
    return JSON.stringify(spanToJson(span), null, indent);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    return JSON.stringify({ ...spanToJson({ ...span, fields: {} }), fields: '(nested too deeply to print)' }, null, indent);
  }
}

/** A span as exported: normalised fields in a fixed order, time as ISO UTC, then the original fields. */
export function spanToJson(span: Span): Record<string, unknown> {
  return {
    timestamp: formatIsoUtc(span.timestamp),
    eventType: span.eventType,
    runId: span.runId,
    workflow: span.workflow,
    pattern: span.pattern,
    agentName: span.agentName,
    provider: span.provider,
    model: span.model,
    modelId: span.modelId,
    inputTokens: span.inputTokens,
    outputTokens: span.outputTokens,
    durationMs: span.durationMs,
    costEstimate: span.costEstimate,
    status: span.status,
    error: span.error,
    file: span.file,
    line: span.line,
    fields: span.fields,
  };
}

// JSON.stringify already escapes C0 controls; DEL, C1 controls, line separators and bidi overrides
// are still raw and a terminal acts on some of them. `\uXXXX` keeps the JSON identical in meaning.
function terminalSafeJson(json: string): string {
  return json.replace(/[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export const SPAN_CSV_HEADER = [
  'timestamp', 'event_type', 'run_id', 'workflow', 'agent', 'provider', 'model', 'model_id',
  'input_tokens', 'output_tokens', 'duration_ms', 'cost_usd', 'status', 'error', 'file', 'line',
];

function spanCsvValues(s: Span): CsvValue[] {
  return [
    formatIsoUtc(s.timestamp), s.eventType, s.runId, s.workflow, s.agentName, s.provider, s.model, s.modelId,
    s.inputTokens, s.outputTokens, s.durationMs, s.costEstimate, s.status, s.error, s.file, s.line,
  ];
}

const TABLE_HEADER = ['time', 'event', 'run', 'agent', 'model', 'duration', 'tokens', 'cost', 'status'];
const TABLE_ALIGN = ['left', 'left', 'left', 'left', 'left', 'right', 'right', 'right', 'left'] as const;

/** The table, a line at a time (the columns are as wide as their widest cell, so it needs every span). */
function* spansTable(spans: Span[], opts: SpanOutputOptions): Generator<string> {
  const c = createColours(opts.colour);
  if (spans.length === 0) {
    yield `${c.dim('No matching spans.')}\n`;
    return;
  }
  const width = opts.width ?? 100;
  const header = TABLE_HEADER.map((h) => cell(h, c.dim));
  const rows = spans.map((s) => spanRow(s, c, width));
  for (const line of layoutColumns([header, ...rows], [...TABLE_ALIGN])) yield `${line}\n`;
  const count = `${formatCount(spans.length)} ${spans.length === 1 ? 'span' : 'spans'}`;
  yield `${c.dim(count)}\n`;
}

function text(value: string | null, max: number): string {
  return value === null ? '' : truncateToWidth(sanitiseForTerminal(value), max);
}

function spanRow(s: Span, c: Colours, width: number): Cell[] {
  const tokens =
    s.inputTokens === null && s.outputTokens === null ? '' : `${formatTokensOrDash(s.inputTokens)}→${formatTokensOrDash(s.outputTokens)}`;
  return [
    cell(formatIsoUtc(s.timestamp) ?? '—', c.dim),
    cell(text(s.eventType, 24)),
    cell(text(s.runId, 24)),
    cell(text(s.agentName, 24), c.bold),
    cell(text(s.model, 32), c.cyan),
    cell(s.durationMs === null ? '' : formatDuration(s.durationMs)),
    cell(tokens),
    cell(s.costEstimate === null ? '' : formatUsd(s.costEstimate)),
    statusCell(s, c, width),
  ];
}

function formatTokensOrDash(n: number | null): string {
  return n === null ? '—' : formatCount(n);
}

function statusCell(s: Span, c: Colours, width: number): Cell {
  const status = s.status === null ? '' : sanitiseForTerminal(s.status);
  if (s.error === null || s.error.trim() === '') return cell(status, status === 'failed' ? c.red : c.dim);
  const message = truncateToWidth(firstLine(s.error), Math.min(80, Math.max(20, width - 100)));
  return cell(status === '' ? message : `${status}: ${message}`, c.red);
}
