import { stat } from 'node:fs/promises';
import path from 'node:path';
import fg from 'fast-glob';
import { InputError } from '../errors.js';

/** One file to read: where it is, and the name the user sees in reports and `file:line`. */
export interface InputFile {
  /** Absolute path, or `-` for standard input. */
  path: string;
  /** The path as the user would write it (relative to the working directory when it was given so). */
  name: string;
}

export const STDIN = '-';

/** What a folder is searched for: JSON-lines files, plain or gzipped. */
const FOLDER_PATTERNS = ['**/*.jsonl', '**/*.ndjson', '**/*.jsonl.gz', '**/*.ndjson.gz'];
const IGNORE = ['**/node_modules/**'];

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

function displayName(cwd: string, abs: string, given: string): string {
  if (path.isAbsolute(given)) return toPosix(abs);
  const rel = path.relative(cwd, abs);
  return toPosix(rel === '' ? '.' : rel);
}

/**
 * Resolves files, folders (searched recursively), glob patterns and `-` into a sorted list of
 * distinct files. Sorting makes every result independent of the order the inputs were given in.
 */
export async function resolveInputs(inputs: readonly string[], cwd = process.cwd()): Promise<InputFile[]> {
  if (inputs.length === 0) throw new InputError('no input given: name trace files, folders or glob patterns');
  const found = new Map<string, InputFile>();
  const add = (abs: string, given: string) => {
    if (!found.has(abs)) found.set(abs, { path: abs, name: displayName(cwd, abs, given) });
  };
  for (const input of inputs) {
    if (input === STDIN) {
      found.set(STDIN, { path: STDIN, name: '<stdin>' });
      continue;
    }
    const abs = path.resolve(cwd, input);
    const info = await stat(abs).catch(() => undefined);
    if (info?.isFile()) {
      add(abs, input);
    } else if (info?.isDirectory()) {
      const files = await fg(FOLDER_PATTERNS, { cwd: abs, absolute: true, onlyFiles: true, ignore: IGNORE });
      if (files.length === 0) throw new InputError(`${input}: folder holds no .jsonl or .ndjson files (plain or .gz)`);
      for (const f of files) add(path.resolve(f), input);
    } else if (fg.isDynamicPattern(input)) {
      const files = await fg(toPosix(input), { cwd, absolute: true, onlyFiles: true, ignore: IGNORE });
      if (files.length === 0) throw new InputError(`${input}: pattern matches no file`);
      for (const f of files) add(path.resolve(f), path.isAbsolute(input) ? f : input);
    } else if (info) {
      throw new InputError(`${input}: not a file or folder`);
    } else {
      throw new InputError(`${input}: no such file or folder`);
    }
  }
  return [...found.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
