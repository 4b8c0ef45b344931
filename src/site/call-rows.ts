/**
 * The rows of `calls.csv` and `calls.jsonl`, a run's calls at a time. Both files show the same
 * values, so a call's shared cells (its times, its page link, its numbers as text) are made
 * once for both, and the texts that repeat from call to call (agents, providers, models,
 * statuses, files) are quoted once for each file. A large build writes hundreds of thousands of
 * calls; this was most of the exports' time.
 *
 * Each `calls.jsonl` line is what `JSON.stringify` gives of the call's record, key for key, and
 * each `calls.csv` row what `csvRow` gives of its cells (the tests hold both on awkward values).
 */
import { csvCell } from '../format/csv.js';
import { formatIsoUtc, picoToDecimal, plainNumber } from '../format/money.js';
import { callTokens } from '../model/finalise.js';
import { picoToUsd, type LlmCall, type Run } from '../model/types.js';
import { stepPage } from './pages/links.js';

/**
 * Quoted texts kept, per file: at most this many, each at most KEPT_LENGTH characters. Names
 * (agents, models, files) are short and repeat; long texts (errors, stack traces) seldom repeat
 * and would hold memory.
 */
const KEPT_TEXTS = 4096;
const KEPT_LENGTH = 256;

/** A finite number's text, as `String` (and `JSON.stringify`) write it; null for none. */
function numberText(n: number | null): string | null {
  return n === null || !Number.isFinite(n) ? null : String(n);
}

/** A number's JSON text from `numberText`. */
const jsonNumber = (text: string | null): string => text ?? 'null';

/** A number's CSV cell from `numberText` (`csvCell` of the number): never in exponent form. */
function csvNumber(n: number | null, text: string | null): string {
  if (text === null) return '';
  return text.includes('e') ? plainNumber(n!) : text;
}

/** A time's text: ISO-8601 UTC with milliseconds, or null (as `calls.csv` and `calls.jsonl` write times). */
export function isoTime(ms: number | null): string | null {
  return ms === null || !Number.isFinite(ms) ? null : formatIsoUtc(Math.floor(ms));
}

/** The link to a call: its run's page, or the part of it that holds the call. */
export function callPage(page: string, call: LlmCall, partOfCall: Int32Array | undefined): string {
  return `${stepPage(page, partOfCall, call.index)}#step-${call.index}`;
}

/** Texts quoted for one file, kept for the ones that repeat. */
class QuotedTexts {
  private readonly kept = new Map<string, string>();

  constructor(private readonly quote: (text: string) => string) {}

  of(text: string): string {
    let q = this.kept.get(text);
    if (q === undefined) {
      q = this.quote(text);
      if (this.kept.size < KEPT_TEXTS && text.length <= KEPT_LENGTH) this.kept.set(text, q);
    }
    return q;
  }
}

/** Which of the two files a run's rows are made for. */
export interface CallFiles {
  csv: boolean;
  jsonl: boolean;
}

/** Makes a run's rows of either file or both; one per writer, since it keeps the quoted texts it has made. */
export class CallRows {
  private readonly csvTexts = new QuotedTexts(csvCell);
  private readonly jsonTexts = new QuotedTexts((t) => JSON.stringify(t));
  /** The run's rows of `calls.csv` from the last `add`. */
  csv = '';
  /** The run's lines of `calls.jsonl` from the last `add`. */
  jsonl = '';

  private csvText(text: string | null): string {
    return text === null ? '' : this.csvTexts.of(text);
  }

  private jsonText(text: string | null): string {
    return text === null ? 'null' : this.jsonTexts.of(text);
  }

  /** Makes the rows of `run`'s calls; `page`: its page, `parts`: the part of each call when it comes in parts. */
  add(run: Run, page: string, parts: Int32Array | undefined, files: CallFiles): this {
    let csv = '';
    let jsonl = '';
    const idCsv = csvCell(run.id);
    const idJson = JSON.stringify(run.id);
    for (const c of run.calls) {
      const link = callPage(page, c, parts);
      const start = isoTime(c.start);
      const end = isoTime(c.end);
      const index = String(c.index);
      const line = String(c.source.line);
      const duration = numberText(c.durationMs);
      const input = numberText(c.inputTokens);
      const output = numberText(c.outputTokens);
      const totalTokens = callTokens(c);
      const total = numberText(totalTokens);
      if (files.csv) {
        csv +=
          `${idCsv},${index},${csvCell(link)},${this.csvText(c.agent)},${this.csvText(c.provider)},${this.csvText(c.model)},` +
          `${this.csvText(c.modelId)},${this.csvText(c.status)},${start === null ? '' : csvCell(start)},${end === null ? '' : csvCell(end)},` +
          `${csvNumber(c.durationMs, duration)},` +
          `${csvNumber(c.inputTokens, input)},${csvNumber(c.outputTokens, output)},${csvNumber(totalTokens, total)},` +
          `${c.costPico === null ? '' : csvCell(picoToDecimal(c.costPico))},${this.csvText(c.costSource)},${this.csvText(c.unpricedReason)},` +
          `${this.csvText(c.error)},${this.csvText(c.source.file)},${line}\r\n`;
      }
      if (files.jsonl) {
        jsonl +=
          `{"run_id":${idJson},"step":${index},"page":${JSON.stringify(link)},"agent":${this.jsonText(c.agent)},` +
          `"provider":${this.jsonText(c.provider)},"model":${this.jsonText(c.model)},"model_id":${this.jsonText(c.modelId)},` +
          `"status":${this.jsonText(c.status)},"start":${start === null ? 'null' : `"${start}"`},"end":${end === null ? 'null' : `"${end}"`},` +
          `"duration_ms":${jsonNumber(duration)},"input_tokens":${jsonNumber(input)},"output_tokens":${jsonNumber(output)},` +
          `"total_tokens":${jsonNumber(total)},"cost_usd":${c.costPico === null ? 'null' : jsonNumber(numberText(picoToUsd(c.costPico)))},` +
          `"cost_pico":${jsonNumber(numberText(c.costPico))},"cost_source":${this.jsonText(c.costSource)},` +
          `"unpriced_reason":${this.jsonText(c.unpricedReason)},"error":${this.jsonText(c.error)},` +
          `"prompt":${JSON.stringify(c.prompt)},"response":${JSON.stringify(c.response)},"file":${this.jsonText(c.source.file)},` +
          `"line":${line}}\n`;
      }
    }
    this.csv = csv;
    this.jsonl = jsonl;
    return this;
  }
}
