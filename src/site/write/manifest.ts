/**
 * The mark of a trace-report site: `.trace-report-site.json` at its root lists every file the
 * build wrote. A later build replaces a folder only when it carries this mark, and deletes only
 * the files listed in it. No timestamps, so that two builds of the same inputs are identical.
 */

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sitePathProblem } from './site-path.js';

export const MANIFEST_NAME = '.trace-report-site.json';
export const TOOL_NAME = 'trace-report';

export interface SiteManifest {
  tool: typeof TOOL_NAME;
  version: string;
  /** True when the site shares its folder with files it did not write (built with --force): rebuild in place, never swap. */
  inPlace: boolean;
  /** Only in the marker of a build in progress (the temporary folder). */
  building?: true;
  /** Relative POSIX paths, sorted. */
  files: string[];
  /** What the build that wrote the site says about it (its inputs' stamp, page counts), as given. */
  build?: unknown;
}

export function manifestText(m: SiteManifest): string {
  const ordered: SiteManifest = {
    tool: TOOL_NAME,
    version: m.version,
    inPlace: m.inPlace,
    ...(m.building ? { building: true as const } : {}),
    ...(m.build !== undefined ? { build: m.build } : {}),
    files: [...m.files].sort(),
  };
  const note = 'Written by trace-report. A rebuild replaces the files listed here and keeps any other file.';
  return `${JSON.stringify({ about: note, ...ordered }, null, 2)}\n`;
}

/**
 * The manifest of `dir`: null when there is none, `invalid` when the file exists but is not a
 * trace-report manifest. Listed paths that are not safe site paths are dropped: a hand-edited
 * manifest must never lead a build to delete outside its folder.
 */
export function readManifest(dir: string): SiteManifest | 'invalid' | null {
  let text: string;
  try {
    text = readFileSync(path.join(dir, MANIFEST_NAME), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return 'invalid';
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return 'invalid';
  }
  if (typeof data !== 'object' || data === null) return 'invalid';
  const m = data as Record<string, unknown>;
  if (m.tool !== TOOL_NAME || !Array.isArray(m.files)) return 'invalid';
  return {
    tool: TOOL_NAME,
    version: typeof m.version === 'string' ? m.version : '',
    inPlace: m.inPlace === true,
    ...(m.building === true ? { building: true as const } : {}),
    ...(m.build !== undefined ? { build: m.build } : {}),
    files: m.files.filter((f): f is string => typeof f === 'string' && f !== MANIFEST_NAME && sitePathProblem(f) === null),
  };
}

let version: string | undefined;

/** This package's version, read from package.json beside src/ or dist/ (three folders up from here). */
export function toolVersion(): string {
  if (version === undefined) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
      version = typeof pkg.version === 'string' ? pkg.version : 'unknown';
    } catch {
      version = 'unknown';
    }
  }
  return version;
}
