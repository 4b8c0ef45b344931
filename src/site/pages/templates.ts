/**
 * The eta templates under `templates/`, compiled once per process and rendered by name. Every
 * `<%= %>` goes through `escapeHtml`; `<%~ %>` is used only for HTML built by src/site code.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Eta } from 'eta';
import { escapeHtml } from '../html.js';
import { cellHtml } from './cells.js';

// src/site/pages and dist/site/pages sit at the same depth below the package root.
const PACKAGE_ROOT = new URL('../../../', import.meta.url);
const TEMPLATES = new URL('templates/', PACKAGE_ROOT);

export type TemplateName = 'layout' | 'index' | 'run' | 'cost' | 'latency' | 'errors';

/** The engine, with what templates call as `this.<name>`: a table cell's HTML (cells.ts). */
class ReportEta extends Eta {
  readonly cellHtml = cellHtml;
}

let eta: ReportEta | undefined;

function engine(): ReportEta {
  if (eta) return eta;
  const e = new ReportEta({ autoEscape: true, escapeFunction: escapeHtml, autoTrim: [false, 'nl'], cache: true, useWith: false });
  for (const dir of ['', 'partials/']) {
    for (const file of readdirSync(new URL(dir, TEMPLATES)).sort()) {
      if (!file.endsWith('.eta')) continue;
      const name = `@${dir}${file.slice(0, -4)}`;
      e.loadTemplate(name, e.compile(readFileSync(new URL(dir + file, TEMPLATES), 'utf8')));
    }
  }
  eta = e;
  return e;
}

/** Renders `templates/<name>.eta` (partials are included from templates as `@partials/<name>`). */
export function renderTemplate(name: TemplateName, data: object): string {
  return flat(engine().render(`@${name}`, data));
}

/** Where `flat` puts the number it makes, so that the conversion is never optimised away. */
let flattened = 0;

/**
 * `text` made one flat string now. A template's output is a rope of thousands of small pieces
 * (`+=` makes a cons string), flattened only when it is written or sent to another thread: by
 * then the pieces of several pages have outlived the young generation, and the collector copies
 * and marks them all (a run list page of 100 rows: about 15,000 pieces). Flattened while it is
 * fresh, its pieces die young. Turning a string into a number flattens it first (V8; a known
 * idiom: `flatstr`); the number itself is of no use.
 */
function flat(text: string): string {
  flattened = Number(text);
  return text;
}

const assetCache = new Map<string, string>();

/** A file of `templates/assets/` (the stylesheet and the script), read once. */
export function assetText(name: 'report.css' | 'report.js'): string {
  let text = assetCache.get(name);
  if (text === undefined) {
    text = readFileSync(new URL(`assets/${name}`, TEMPLATES), 'utf8');
    assetCache.set(name, text);
  }
  return text;
}

let version: string | undefined;

/** trace-report's own version, for the footer. */
export function toolVersion(): string {
  version ??= String((JSON.parse(readFileSync(fileURLToPath(new URL('package.json', PACKAGE_ROOT)), 'utf8')) as { version?: unknown }).version ?? '0.0.0');
  return version;
}
