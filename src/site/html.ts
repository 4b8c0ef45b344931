/**
 * Escaping for every context a trace string can reach on a page. Trace text is untrusted: it is
 * only ever written through one of these, and nothing from a trace ever becomes a URL.
 */

const HTML_SPECIAL = /[&<>"']/g;
const HTML_ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** C0 controls (but tab, LF, CR) and DEL are parse errors in HTML; they are shown as U+FFFD. */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;
/** Either of the above: most text has none, and is returned as it is. */
const NEEDS_ESCAPE = /[&<>"'\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** Text for an element's content or a double- or single-quoted attribute value. */
export function escapeHtml(value: unknown): string {
  const text = typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value);
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text.replace(CONTROL, '\uFFFD').replace(HTML_SPECIAL, (c) => HTML_ENTITY[c] as string);
}

/** Attribute values are always double-quoted here, so the text escape is enough. */
export const escapeAttr = escapeHtml;

/**
 * JSON for a `<script type="application/json">` block or a script file: `<`, `>` and `&` as
 * `\u00XX` so that no `</script>` or `<!--` can appear, and U+2028/2029 escaped for old parsers.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** One path segment of a URL: everything but unreserved characters percent-encoded. */
const UNRESERVED = /^[A-Za-z0-9._~-]*$/;

export function urlSegment(segment: string): string {
  if (UNRESERVED.test(segment)) return segment;
  return encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** A path, with its fragment, that no segment encoding changes: most of the links on a page. */
const PLAIN_PATH = /^[A-Za-z0-9._~/-]*(?:#[A-Za-z0-9._~-]*)?$/;

/** A relative path of our own (`runs/run-9.html#step-2`) with each segment encoded. */
export function relativeUrl(path: string): string {
  if (PLAIN_PATH.test(path)) return path;
  const hash = path.indexOf('#');
  const file = hash < 0 ? path : path.slice(0, hash);
  const fragment = hash < 0 ? '' : `#${urlSegment(path.slice(hash + 1))}`;
  return file.split('/').map((s) => (s === '..' || s === '.' ? s : urlSegment(s))).join('/') + fragment;
}

/** An id made from any name, one to one (`_hex_` for every other character), for in-page anchors. */
export function idFragment(name: string): string {
  return name.replace(/[^A-Za-z0-9-]/gu, (c) => `_${c.codePointAt(0)!.toString(16)}_`);
}
