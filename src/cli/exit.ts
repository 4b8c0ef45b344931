import { InputError, OutputError, StrictModeError, UsageError } from '../errors.js';
import { PricesFileError } from '../prices/price-table.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** The one place where errors become exit codes and one-line messages. */
export function exitCodeFor(err: unknown): number {
  if (err instanceof UsageError || err instanceof InputError || err instanceof PricesFileError) return EXIT_USAGE;
  return EXIT_FAILURE;
}

export function messageFor(err: unknown): string {
  if (
    err instanceof UsageError ||
    err instanceof InputError ||
    err instanceof PricesFileError ||
    err instanceof StrictModeError ||
    err instanceof OutputError
  ) {
    return `trace-report: ${err.message}`;
  }
  const e = err as Error;
  // An internal error: say so, keep the stack for the report, hide the home folder.
  const home = process.env.HOME;
  const stack = String(e?.stack ?? e);
  return `trace-report: internal error, please report it with the lines below\n${home ? stack.split(home).join('~') : stack}`;
}
