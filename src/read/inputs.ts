import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.js';

/** One file to read: where it is, and the name the user sees in reports and `file:line`. */
export interface InputFile {
  /** Absolute path, or `-` for standard input. */
  path: string;
  /** The path as the user would write it (relative to the working directory when it was given so). */
  name: string;
  /** A pipe (`<(zcat a.gz)`, a named pipe, /dev/stdin): read once, in order, never split or read twice. */
  stream?: boolean;
}

export const STDIN = '-';

/** Whether a file can only be read once, in order: standard input or a pipe. */
export function isStream(file: InputFile): boolean {
  return file.path === STDIN || file.stream === true;
}

/** What a folder is searched for: JSON-lines files, plain or gzipped. */
const FOLDER_PATTERNS = ['**/*.jsonl', '**/*.ndjson', '**/*.jsonl.gz', '**/*.ndjson.gz'];
const IGNORE = ['**/node_modules/**'];

/** fast-glob, loaded when a folder or a pattern is given (most runs name files: start-up time saved). */
async function fastGlob(): Promise<typeof import('fast-glob')> {
  return (await import('fast-glob')).default;
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

/** Relative to the working folder when the file is below it (however it was typed), else absolute. */
function displayName(cwd: string, abs: string): string {
  const rel = path.relative(cwd, abs);
  return toPosix(rel === '' || rel.startsWith('..') || path.isAbsolute(rel) ? abs : rel);
}

/** Names in natural order: `part-9` before `part-10`, as rotated logs are meant to be read. */
const naturally = new Intl.Collator('en', { numeric: true, sensitivity: 'variant', caseFirst: 'upper' });

function compareNames(a: string, b: string): number {
  return naturally.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * Resolves files, folders (searched recursively), glob patterns and `-` into a sorted list of
 * distinct files. Sorting makes every result independent of the order the inputs were given in.
 */
export async function resolveInputs(inputs: readonly string[], cwd = process.cwd()): Promise<InputFile[]> {
  if (inputs.length === 0) throw new InputError('no input given: name trace files, folders or glob patterns');
  // Keyed by the real path, so that a file reached twice (a link, a second spelling) is read once,
  // under the first of its names in name order whatever the order of the inputs.
  const found = new Map<string, InputFile>();
  const add = async (abs: string) => {
    const key = await realpath(abs).catch(() => abs);
    const file = { path: abs, name: displayName(cwd, abs) };
    const seen = found.get(key);
    if (!seen || compareNames(file.name, seen.name) < 0) found.set(key, file);
  };
  for (const input of inputs) {
    if (input === STDIN) {
      found.set(STDIN, { path: STDIN, name: '<stdin>' });
      continue;
    }
    const abs = path.resolve(cwd, input);
    const info = await stat(abs).catch(() => undefined);
    if (info?.isFile()) {
      await add(abs);
    } else if (info && (info.isFIFO() || info.isCharacterDevice() || info.isSocket())) {
      // A pipe is its own input, under the name given (its real path is a file descriptor).
      found.set(abs, { path: abs, name: displayName(cwd, abs), stream: true });
    } else if (info?.isDirectory()) {
      const fg = await fastGlob();
      const files = await fg(FOLDER_PATTERNS, { cwd: abs, absolute: true, onlyFiles: true, ignore: IGNORE });
      if (files.length === 0) throw new InputError(`${input}: folder holds no .jsonl or .ndjson files (plain or .gz)`);
      for (const f of files) await add(path.resolve(f));
    } else {
      const fg = await fastGlob();
      if (!fg.isDynamicPattern(input)) throw new InputError(info ? `${input}: not a file or folder` : `${input}: no such file or folder`);
      const files = await fg(toPosix(input), { cwd, absolute: true, onlyFiles: true, ignore: IGNORE });
      if (files.length === 0) throw new InputError(`${input}: pattern matches no file`);
      for (const f of files) await add(path.resolve(f));
    }
  }
  return [...found.values()].sort((a, b) => compareNames(a.name, b.name));
}
