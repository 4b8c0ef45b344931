/**
 * Every error the tool reports on purpose. The CLI maps them to exit codes in one place
 * (src/cli/exit.ts); anything else is an internal error.
 */

/** Wrong arguments or options: exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** An input that does not exist, cannot be read, or matches nothing: exit code 2. */
export class InputError extends Error {
  override name = 'InputError';
}

/** `--strict` and some lines were skipped: exit code 1. */
export class StrictModeError extends Error {
  override name = 'StrictModeError';
  constructor(readonly skipped: number) {
    super(`${skipped} line${skipped === 1 ? ' was' : 's were'} skipped (--strict)`);
  }
}

/** The report could not be written (output folder refused, disk error): exit code 1. */
export class OutputError extends Error {
  override name = 'OutputError';
}
