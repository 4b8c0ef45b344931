/**
 * One file of the site: a relative POSIX path inside the output folder (`runs/run-9-3f2a1c8b.html`).
 * Large files (the data exports) come as `chunks`, made when the file is written, so that they are
 * never held in memory whole.
 */
export interface SiteFile {
  path: string;
  content: string | Uint8Array | { chunks: () => Iterable<string> };
}

/** The whole text of a file (for tests and the single-file page). */
export function siteFileText(f: SiteFile): string {
  const c = f.content;
  if (typeof c === 'string') return c;
  if (c instanceof Uint8Array) return Buffer.from(c).toString('utf8');
  return [...c.chunks()].join('');
}
