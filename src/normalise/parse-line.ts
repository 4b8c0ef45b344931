/** The outcome of reading one line: an object, a blank line to ignore, or a reason to skip it. */
export type ParsedLine =
  | { kind: 'object'; value: Record<string, unknown> }
  | { kind: 'blank' }
  | { kind: 'bad'; reason: string };

const BLANK: ParsedLine = { kind: 'blank' };

/**
 * Python's json.dumps writes bare NaN, Infinity and -Infinity. They are "no value": turn each
 * bare token (outside strings) into null and parse again.
 */
function replaceNonFinite(text: string): string {
  return text.replace(/"(?:[^"\\]|\\.)*"|-?\bInfinity\b|\bNaN\b/g, (m) => (m.charCodeAt(0) === 34 ? m : 'null'));
}

function describeNonObject(text: string): string {
  if (text.startsWith('data:')) return 'server-sent event frame, not a JSON object';
  if (text.startsWith(':')) return 'server-sent event comment, not a JSON object';
  if (text.startsWith('[')) return isJsonArray(text) ? 'a JSON array, not an object' : 'not JSON (plain text)';
  if (/^-?\d/.test(text)) return 'a number, not a JSON object';
  if (text.startsWith('"')) return 'a JSON string, not an object';
  return 'not JSON (plain text)';
}

function isJsonArray(text: string): boolean {
  try {
    return Array.isArray(JSON.parse(text));
  } catch {
    return false;
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function parseLine(raw: string): ParsedLine {
  let text = raw;
  const first = text.charCodeAt(0);
  // Leading or trailing white space is rare; trim only when it is there.
  if (first === 32 || first === 9 || text.charCodeAt(text.length - 1) === 32) text = text.trim();
  if (text.length === 0) return BLANK;
  if (text.charCodeAt(0) !== 123 /* { */) return { kind: 'bad', reason: describeNonObject(text) };
  try {
    const value: unknown = JSON.parse(text);
    if (isPlainObject(value)) return { kind: 'object', value };
    return { kind: 'bad', reason: 'not a JSON object' };
  } catch (err) {
    if (/NaN|Infinity/.test(text)) {
      try {
        const value: unknown = JSON.parse(replaceNonFinite(text));
        if (isPlainObject(value)) return { kind: 'object', value };
      } catch {
        // fall through to the original error
      }
    }
    const message = (err as Error).message;
    if (/end of JSON input|Unterminated/.test(message)) return { kind: 'bad', reason: `truncated JSON (${message})` };
    return { kind: 'bad', reason: `malformed JSON (${message})` };
  }
}
