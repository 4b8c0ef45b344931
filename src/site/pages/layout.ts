/**
 * The document around every page: header with the report's navigation, main, footer (tool
 * version and price table date, never the build time). In the site the stylesheet and script
 * are files under assets/; in the single file they are inlined.
 */
import type { Linker, PageKey } from './links.js';
import { plural } from './plural.js';
import { assetText, renderTemplate } from './templates.js';

const NAV: { key: PageKey; label: string }[] = [
  { key: 'index', label: 'Runs' },
  { key: 'cost', label: 'Cost' },
  { key: 'latency', label: 'Latency' },
  { key: 'errors', label: 'Errors' },
];

export interface DocumentOptions {
  title: string;
  /** The nav entry to mark as current. */
  current: PageKey | null;
  link: Linker;
  body: string;
  bodyClass: string;
  version: string;
  priceTable: string;
  /** Script files before report.js (the run list's data). */
  dataScripts?: string[];
  /** Single file: inline CSS and script, and a note in the footer. */
  inline?: { scripts: string[]; note: string };
  counts?: { runs: number; spans: number };
}

/** Keeps `</script` and `<!--` out of inlined script text (our own code and JSON). */
function inlineScript(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

export function pageDocument(o: DocumentOptions): string {
  const link = o.link;
  const css = o.inline ? { inline: assetText('report.css').replace(/<\/(style)/gi, '<\\/$1') } : { href: link.asset('report.css') };
  const scripts = o.inline ? [] : [...(o.dataScripts ?? []), link.asset('report.js')!];
  const dataLinks: { href: string; label: string }[] = [];
  for (const name of ['summary.json', 'runs.csv', 'calls.csv', 'calls.jsonl'] as const) {
    const href = link.data(name);
    if (href !== null) dataLinks.push({ href, label: name });
  }
  return renderTemplate('layout', {
    title: o.title,
    bodyClass: o.bodyClass,
    brandHref: link.page('index'),
    css,
    nav: NAV.map((n) => ({ href: link.page(n.key), label: n.label, current: n.key === o.current || (n.key === 'cost' && o.current === 'cost-7d') })),
    body: o.body,
    scripts,
    inlineScripts: o.inline ? o.inline.scripts.map(inlineScript) : [],
    footer: {
      version: o.version,
      priceTable: o.priceTable,
      links: dataLinks,
      note: o.inline?.note ?? (o.counts ? `${plural(o.counts.spans, 'span')} from ${plural(o.counts.runs, 'run')}` : ''),
    },
  });
}
