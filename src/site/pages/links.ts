/**
 * Every link a page writes goes through a Linker: the same page renders into the multi-page site
 * (relative paths from the page's folder) or into the single file (in-page anchors). Run pages
 * are only ever reached through the names of src/site/file-names.ts, never through a run id.
 */
import { idFragment, relativeUrl } from '../html.js';
import { partOfStep, partPath } from './run-parts.js';
import type { PageNames } from '../file-names.js';

export type PageKey = 'index' | 'cost' | 'cost-7d' | 'latency' | 'errors';
export type DataFile = 'summary.json' | 'runs.csv' | 'calls.csv' | 'calls.jsonl';

export const PAGE_FILES: Record<PageKey, string> = {
  index: 'index.html',
  cost: 'cost.html',
  'cost-7d': 'cost-7d.html',
  latency: 'latency.html',
  errors: 'errors.html',
};

export interface Linker {
  page(key: PageKey, fragment?: string): string;
  /** List page `n` of the static run list (1: the oldest runs); 0: the index. */
  listPage(n: number): string;
  /** A run page, or one step on it; null when the run has no page (single-file cap). */
  run(runId: string, step?: number): string | null;
  /** The `id` attribute of a step on its run page. */
  stepId(runId: string, step: number): string;
  asset(name: string): string | null;
  data(name: DataFile, fragment?: string): string | null;
  /** Any page of the site by its path (the parts of a run's page); null in the single file. */
  file(path: string): string | null;
}

/** The path of list page `n` of the static run list inside the site (1: the oldest runs; 0: the index). */
export function listPagePath(n: number): string {
  return n === 0 ? PAGE_FILES.index : `list/page-${n}.html`;
}

/**
 * Links from a page at `path` (POSIX, relative to the site root) of the multi-page site. A step of
 * a run whose page comes in parts links to the part that holds it (`stepParts`: the part of each
 * call, see run-parts.ts).
 */
export function siteLinker(path: string, names: PageNames, stepParts?: ReadonlyMap<string, Int32Array>): Linker {
  const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/') + 1) : '';
  const root = '../'.repeat(dir.split('/').length - 1);
  // Same folder: the bare name (`runs/a.html` → `b.html`); else by way of the root.
  const rel = (target: string) => (dir !== '' && target.startsWith(dir) ? target.slice(dir.length) : `${root}${target}`);
  const to = (target: string, fragment?: string) => relativeUrl(target === path && fragment ? `#${fragment}` : `${rel(target)}${fragment ? `#${fragment}` : ''}`);
  return {
    page: (key, fragment) => to(PAGE_FILES[key], fragment),
    listPage: (n) => to(listPagePath(n)),
    run(runId, step) {
      const name = names.get(runId);
      if (name === undefined) return null;
      if (step === undefined) return to(name);
      return to(stepPage(name, stepParts?.get(runId), step), `step-${step}`);
    },
    stepId: (_runId, step) => `step-${step}`,
    asset: (name) => to(`assets/${name}`),
    data: (name, fragment) => to(name, fragment),
    file: (target) => to(target),
  };
}

/**
 * The in-page anchors of the single-file report; runs without a section get no link. A run whose
 * page comes in parts has only its first part there: a later step links to the run's section.
 */
export function singleFileLinker(names: PageNames, included: ReadonlySet<string>, stepParts?: ReadonlyMap<string, Int32Array>): Linker {
  const section = (runId: string) => `run-${idFragment(names.get(runId) ?? runId)}`;
  return {
    page: (key, fragment) => `#${fragment ?? (key === 'index' ? 'overview' : `page-${key}`)}`,
    listPage: () => '#overview',
    run(runId, step) {
      if (!included.has(runId)) return null;
      if (step === undefined || partOfStep(stepParts?.get(runId), step) > 1) return `#${section(runId)}`;
      return `#${section(runId)}-step-${step}`;
    },
    stepId: (runId, step) => `${section(runId)}-step-${step}`,
    asset: () => null,
    data: () => null,
    file: () => null,
  };
}

/** The section id of a run in the single file. */
export function singleFileRunId(names: PageNames, runId: string): string {
  return `run-${idFragment(names.get(runId) ?? runId)}`;
}

/** The page (path) that holds step `step` of the run whose page is `page`: a part, when it comes in parts. */
export function stepPage(page: string, partOfCall: Int32Array | undefined, step: number): string {
  return partPath(page, partOfStep(partOfCall, step));
}
