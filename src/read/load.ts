import { InputError } from '../errors.js';
import { RunAssembler } from '../model/assembler.js';
import { compareRuns, finaliseRun } from '../model/finalise.js';
import type { RunBuilder } from '../model/run-builder.js';
import type { Run, SkippedLine, SourceRef, Span } from '../model/types.js';
import { toEvent, type TraceEvent } from '../normalise/event.js';
import { otlpToLines } from '../normalise/otlp.js';
import { parseLine } from '../normalise/parse-line.js';
import { normaliseModelId } from '../prices/model-id.js';
import { PriceTable } from '../prices/price-table.js';
import { resolveInputs, type InputFile } from './inputs.js';
import { readLines, TruncatedInputError } from './lines.js';

export interface LoadOptions {
  prices?: PriceTable;
  /** Keep prompts and responses (the site shows them; summaries do not need them). */
  keepText?: boolean;
  /** Called for every event line with its normalised span (the library keeps them; `query` filters). */
  onSpan?: (span: Span) => void;
  /** How many skipped lines to keep with their reasons (all are counted). */
  keepSkipped?: number;
  /** Called after each file, for progress lines. */
  onFile?: (file: InputFile, index: number, total: number) => void;
  cwd?: string;
}

export interface LoadResult {
  inputs: string[];
  files: string[];
  spans: number;
  runs: Run[];
  skippedLines: number;
  skipped: SkippedLine[];
  prices: PriceTable;
}

/**
 * Reads every input in one streaming pass: line → event → run. Good lines are never lost to bad
 * ones; each bad line is counted and (up to `keepSkipped`) kept with its file, line and reason.
 */
export async function loadTraces(inputs: readonly string[], options: LoadOptions = {}): Promise<LoadResult> {
  const files = await resolveInputs(inputs, options.cwd);
  const prices = options.prices ?? PriceTable.bundled();
  const assembler = new RunAssembler(options.keepText ?? true);
  const keepSkipped = options.keepSkipped ?? 1000;
  const skipped: SkippedLine[] = [];
  let skippedLines = 0;
  let spans = 0;
  const skip = (file: string, line: number, reason: string) => {
    skippedLines++;
    if (skipped.length < keepSkipped) skipped.push({ file, line, reason });
  };
  const onSpan = options.onSpan;

  for (const [index, file] of files.entries()) {
    assembler.beginFile();
    const name = file.name;
    try {
      await readLines(file, (text, line) => {
        const parsed = parseLine(text);
        if (parsed.kind === 'blank') return;
        if (parsed.kind === 'bad') return skip(name, line, parsed.reason);
        const src: SourceRef = { file: name, line };
        const otlp = otlpToLines(parsed.value);
        if (otlp !== null) {
          // One OpenTelemetry export line holds many spans, each read as one to three events.
          const ids = new Set<unknown>();
          for (const fields of otlp) {
            const event = toEvent(fields);
            if (!event) continue;
            ids.add(fields.span_id);
            const run = assembler.add(event, src);
            if (onSpan) onSpan(toSpan(event, run, src, fields));
          }
          spans += ids.size;
          return;
        }
        const event = toEvent(parsed.value);
        if (!event) return skip(name, line, 'JSON object without event_type');
        spans++;
        const run = assembler.add(event, src);
        if (onSpan) onSpan(toSpan(event, run, src, parsed.value));
      });
    } catch (err) {
      if (err instanceof TruncatedInputError) skip(err.file, err.line, 'compressed data ends early');
      else if (err instanceof InputError) throw err;
      else throw new InputError(`${name}: cannot read (${(err as Error).message})`);
    }
    options.onFile?.(file, index, files.length);
  }

  const runs: Run[] = [];
  for (const builder of assembler.builders()) runs.push(finaliseRun(builder, prices));
  runs.sort(compareRuns);
  return {
    inputs: [...inputs],
    files: files.map((f) => f.name),
    spans,
    runs,
    skippedLines,
    skipped,
    prices,
  };
}

const FAILED_TYPES = new Set(['call_error', 'error']);

function toSpan(e: TraceEvent, run: RunBuilder, src: SourceRef, fields: Record<string, unknown>): Span {
  let status: string | null = e.status;
  if (FAILED_TYPES.has(e.role)) status = 'failed';
  else if (status === null && (e.role === 'call_end' || e.role === 'call')) status = 'ok';
  return {
    eventType: e.type,
    agentName: run.agentOf(e),
    runId: run.id,
    workflow: e.workflow ?? run.workflow ?? e.pattern ?? run.pattern,
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
