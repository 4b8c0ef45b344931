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
 * The same text in pieces (one per span for json, jsonl and csv), so the CLI can write a large
 * result as it goes instead of holding it as one string.
 */
export function* spanOutputChunks(spans: Span[], format: SpanFormat, opts: SpanOutputOptions): Generator<string> {
  switch (format) {
    case 'table':
      yield spansTable(spans, opts);
      return;
    case 'jsonl':
      for (const s of spans) yield `${terminalSafeJson(stringifySpan(s))}\n`;
      return;
    case 'json':
      if (spans.length === 0) {
        yield '[]\n';
        return;
      }
      // Each element as JSON.stringify(array, null, 2) would indent it, one element at a time.
      for (let i = 0; i < spans.length; i++) {
        const body = stringifySpan(spans[i] as Span, 2).replace(/\n/g, '\n  ');
        yield `${i === 0 ? '[\n' : ',\n'}  ${terminalSafeJson(body)}`;
      }
      yield '\n]\n';
      return;
    case 'csv':
      yield csvRow(SPAN_CSV_HEADER);
      for (const s of spans) yield csvRow(spanCsvValues(s));
      return;
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

function spansTable(spans: Span[], opts: SpanOutputOptions): string {
  const c = createColours(opts.colour);
  if (spans.length === 0) return `${c.dim('No matching spans.')}\n`;
  const width = opts.width ?? 100;
  const header = TABLE_HEADER.map((h) => cell(h, c.dim));
  const rows = spans.map((s) => spanRow(s, c, width));
  const lines = layoutColumns([header, ...rows], [...TABLE_ALIGN]);
  const count = `${formatCount(spans.length)} ${spans.length === 1 ? 'span' : 'spans'}`;
  return `${lines.join('\n')}\n${c.dim(count)}\n`;
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
