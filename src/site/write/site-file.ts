/** One file of the site: a relative POSIX path inside the output folder (`runs/run-9-3f2a1c8b.html`). */
export interface SiteFile {
  path: string;
  content: string | Uint8Array;
}
