import { summarise } from '../aggregate/summarise.js';
import type { Summary } from '../aggregate/summary-types.js';
import type { Run, SkippedLine, Span } from '../model/types.js';
import { PriceTable } from '../prices/price-table.js';
import { parseSpanFilter, spanMatcher, type SpanFilterInput } from '../query/filter.js';
import { loadTraces, type LoadResult } from '../read/load.js';

export interface TraceServiceOptions {
  /** A price table (PriceTable.bundled() by default; PriceTable.fromFile() for an override file). */
  prices?: PriceTable;
  cwd?: string;
}

/**
 * The library API, the TypeScript twin of pyagent Studio's Python TraceService: load trace
 * files, query their spans, list runs, summarise. `load` replaces whatever was loaded before.
 */
export class TraceService {
  private result: LoadResult | null = null;
  private spanList: Span[] = [];
  private cachedSummary: Summary | null = null;

  constructor(private readonly options: TraceServiceOptions = {}) {}

  /** Loads files, folders, glob patterns (one or many); returns every event line, in file order. */
  async load(inputs: string | readonly string[]): Promise<Span[]> {
    const list = typeof inputs === 'string' ? [inputs] : inputs;
    const spans: Span[] = [];
    this.result = await loadTraces(list, {
      prices: this.options.prices,
      cwd: this.options.cwd,
      onSpan: (s) => spans.push(s),
    });
    this.spanList = spans;
    this.cachedSummary = null;
    return spans;
  }

  /** Spans matching every given filter (eventType, agentName, model, workflow, runId, min/maxDurationMs, since, until, status). */
  query(filter: SpanFilterInput = {}): Span[] {
    const match = spanMatcher(parseSpanFilter(filter));
    return this.spanList.filter(match);
  }

  spans(): Span[] {
    return this.spanList;
  }

  /** Runs sorted by start time. */
  runs(): Run[] {
    return this.loaded().runs;
  }

  /** Lines that were skipped, with file, line and reason (the first 1,000; `summary().skippedLines` counts all). */
  skipped(): SkippedLine[] {
    return this.loaded().skipped;
  }

  summary(): Summary {
    const r = this.loaded();
    this.cachedSummary ??= summarise({
      inputs: r.inputs,
      files: r.files,
      spans: r.spans,
      skippedLines: r.skippedLines,
      runs: r.runs,
      priceTable: r.prices.date,
    });
    return this.cachedSummary;
  }

  private loaded(): LoadResult {
    if (!this.result) throw new Error('TraceService: call load() first');
    return this.result;
  }
}
