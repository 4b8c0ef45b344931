import { InvalidArgumentError, type Command } from 'commander';
import { PriceTable } from '../prices/price-table.js';
import type { SkippedLine } from '../model/types.js';

/** Options every command takes. */
export interface CommonOptions {
  prices?: string;
  strict?: boolean;
  quiet?: boolean;
}

export function addCommonOptions(cmd: Command): Command {
  return cmd
    .option('--prices <file>', 'JSON price table that overrides or extends the bundled one')
    .option('--strict', 'exit with code 1 when any line was skipped')
    .option('-q, --quiet', 'print no progress and no skipped-line report');
}

/** `--workers <n>`: threads for reading (and, less two, for a build's run pages); 0 reads on the main thread only. */
export function addWorkersOption(cmd: Command): Command {
  return cmd.option(
    '--workers <n>',
    'worker threads for large inputs (default: one per core, at most 4; 0: none)',
    (value: string) => {
      const n = Number(value);
      if (!/^\d+$/.test(value) || n > 64) throw new InvalidArgumentError('must be a whole number from 0 to 64');
      return n;
    },
  );
}

export async function priceTableFor(opts: CommonOptions): Promise<PriceTable> {
  return opts.prices ? PriceTable.fromFile(opts.prices) : PriceTable.bundled();
}

/** How many skipped lines are listed one by one before the rest are only counted. */
export const SKIPPED_SHOWN = 20;

/** `file:line: reason` for the first lines skipped, then how many more. */
export function reportSkipped(skipped: readonly SkippedLine[], total: number, write: (s: string) => void): void {
  if (total === 0) return;
  for (const s of skipped.slice(0, SKIPPED_SHOWN)) write(`${s.file}:${s.line}: ${s.reason}\n`);
  const more = total - Math.min(skipped.length, SKIPPED_SHOWN);
  if (more > 0) write(`… and ${more.toLocaleString('en-US')} more skipped line${more === 1 ? '' : 's'}\n`);
  write(`${total.toLocaleString('en-US')} line${total === 1 ? '' : 's'} skipped\n`);
}

/** Said on stderr when the inputs held no event at all: an empty report is rarely what was meant. */
export function warnIfEmpty(spans: number, skippedLines: number, write: (s: string) => void): void {
  if (spans > 0) return;
  const why = skippedLines > 0 ? `every one of the ${skippedLines.toLocaleString('en-US')} lines read was skipped` : 'the inputs hold no event lines';
  write(`trace-report: warning: no spans found (${why})\n`);
}

/** Colour on a terminal, never when piped or when NO_COLOR is set (no-color.org). */
export function useColour(stream: NodeJS.WriteStream): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  const force = process.env.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0' && force !== 'false') return true;
  return Boolean(stream.isTTY);
}
