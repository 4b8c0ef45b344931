/**
 * One file of the site: a relative POSIX path inside the output folder (`runs/run-9-3f2a1c8b.html`).
 * Large files (the data exports) come as `chunks`, made when the file is written, so that they are
 * never held in memory whole.
 */
export interface SiteFile {
  path: string;
  content: string | Uint8Array | StreamedContent | KeptContent;
}

/**
 * A page the previous build wrote exactly so (a rebuild knows by its key): that build's file at
 * the same path is kept when it is still `kept` bytes long, else the page is rendered.
 */
export interface KeptContent {
  kept: number;
  render: () => string;
}

export function isKept(c: SiteFile['content']): c is KeptContent {
  return typeof c === 'object' && 'kept' in c;
}

/** Content made piece by piece as it is written. */
export interface StreamedContent {
  chunks: () => Iterable<string>;
  /**
   * The previous build's file at the same path begins with this file's first `bytes` bytes, when it
   * is still `size` bytes long (it was not edited since): a rebuild then copies them and writes the
   * pieces `rest` gives after them, the same bytes as `chunks` (a list the runs appended to adds
   * its rows at the end). Never copied from the file being written (a site rebuilt in place).
   */
  head?: { bytes: number; size: number; rest: () => Iterable<string> };
}

/** The whole text of a file (for tests and the single-file page). */
export function siteFileText(f: SiteFile): string {
  const c = f.content;
  if (typeof c === 'string') return c;
  if (c instanceof Uint8Array) return Buffer.from(c).toString('utf8');
  if (isKept(c)) return c.render();
  return [...c.chunks()].join('');
}
