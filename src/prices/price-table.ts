/**
 * The price table used to estimate the cost of calls that report none: the bundled table,
 * optionally overridden or extended by a user's JSON file (`--prices FILE.json`).
 *
 * Estimates are integer pico-dollars (1e-12 USD). A price per 1M tokens times 1e6 is the price of
 * one token in pico-dollars; rounding it once per model keeps every estimate an exact integer.
 */
import { readFile } from 'node:fs/promises';
import { BUNDLED_PRICES } from './bundled-prices.js';
import { normaliseModelId } from './model-id.js';

/** The prices file is missing, unreadable or invalid. The CLI reports it with exit code 2. */
export class PricesFileError extends Error {
  override name = 'PricesFileError';
}

export interface Price {
  /** USD per 1M input tokens. */
  input: number;
  /** USD per 1M output tokens. */
  output: number;
  provider?: string;
}

interface Entry extends Price {
  inputPicoPerToken: number;
  outputPicoPerToken: number;
}

export interface PriceTableState {
  date: string;
  entries: [string, Entry][];
}


export class PriceTable {
  private constructor(
    /** The table's date (`2026-09-23`, or `2026-09-23+custom` when a file without a date changed it). */
    readonly date: string,
    private readonly entries: ReadonlyMap<string, Entry>,
  ) {}

  static bundled(): PriceTable {
    if (bundledTable === undefined) {
      const entries = Object.entries(BUNDLED_PRICES.models).map(([id, p]) => [id, entry(p)] as const);
      bundledTable = new PriceTable(BUNDLED_PRICES.date, new Map(entries));
    }
    return bundledTable;
  }

  /** The table `base` (the bundled one by default) with the entries of a user's prices file on top. */
  static async fromFile(path: string, base: PriceTable = PriceTable.bundled()): Promise<PriceTable> {
    const text = await readText(path);
    let json: unknown;
    try {
      json = JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch (err) {
      throw new PricesFileError(`${path}: not valid JSON (${(err as Error).message})`);
    }
    return base.withOverrides(path, json);
  }

  /** The prices of a model, by normalised id (a written id is normalised first). */
  lookup(modelId: string | null): Price | undefined {
    const found = this.find(modelId);
    if (found === undefined) return undefined;
    const { input, output, provider } = found;
    return provider === undefined ? { input, output } : { input, output, provider };
  }

  /** The estimated cost in integer pico-dollars, or undefined when the model has no price. */
  estimatePico(modelId: string | null, inputTokens: number, outputTokens: number): number | undefined {
    if (!validTokens(inputTokens) || !validTokens(outputTokens)) return undefined;
    const found = this.find(modelId);
    if (found === undefined) return undefined;
    return Math.round(inputTokens * found.inputPicoPerToken + outputTokens * found.outputPicoPerToken);
  }

  /** The table as plain data, to send to another thread (`PriceTable.fromState` there). */
  state(): PriceTableState {
    return { date: this.date, entries: [...this.entries] };
  }

  static fromState(state: PriceTableState): PriceTable {
    return new PriceTable(state.date, new Map(state.entries));
  }

  /** Every model id of the table, sorted. */
  ids(): string[] {
    return [...this.entries.keys()].sort();
  }

  private find(modelId: string | null): Entry | undefined {
    if (modelId === null) return undefined;
    return this.entries.get(modelId) ?? this.entries.get(normaliseModelId(modelId) ?? '');
  }

  private async withOverrides(path: string, json: unknown): Promise<PriceTable> {
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw new PricesFileError(`${path}: expected a JSON object of model prices`);
    }
    const { parsePricesFile, fieldPath } = await import('./prices-file.js');
    const parsed = parsePricesFile(json);
    if ('problem' in parsed) throw new PricesFileError(`${path}: ${parsed.problem}`);
    const { date, models, wrapped } = parsed;

    const entries = new Map(this.entries);
    const seen = new Map<string, string>();
    for (const [written, price] of Object.entries(models)) {
      const where = fieldPath(wrapped ? ['models', written] : [written]);
      const id = normaliseModelId(written);
      if (id === null) throw new PricesFileError(`${path}: ${where}: not a model id`);
      const earlier = seen.get(id);
      if (earlier !== undefined) {
        throw new PricesFileError(`${path}: ${where}: the same model (${id}) as ${JSON.stringify(earlier)}`);
      }
      seen.set(id, written);
      const provider = price.provider ?? entries.get(id)?.provider;
      const { input, output } = price;
      entries.set(id, entry(provider === undefined ? { input, output } : { input, output, provider }));
    }
    return new PriceTable(date ?? `${this.date}+custom`, entries);
  }
}

let bundledTable: PriceTable | undefined;

function entry(price: Price): Entry {
  return {
    ...price,
    inputPicoPerToken: Math.round(price.input * 1e6),
    outputPicoPerToken: Math.round(price.output * 1e6),
  };
}

function validTokens(n: number): boolean {
  return Number.isFinite(n) && n >= 0;
}

const READ_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'is a folder, not a file',
  EACCES: 'permission denied',
};

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = READ_ERRORS[code ?? ''] ?? (err as Error).message;
    throw new PricesFileError(`${path}: cannot read prices file: ${why}`);
  }
}
