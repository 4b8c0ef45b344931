import type { z } from 'zod';

/**
 * The head of a file a build records for the next (reuse-record.ts, facts-snapshot.ts): a line
 * naming its format (`magic`), then one line of JSON that `schema` checks. Returns it, and where
 * that line ends (its line feed); null when `bytes` do not begin so.
 */
export function headLine<T>(bytes: Buffer, magic: string, schema: z.ZodType<T>): { head: T; end: number } | null {
  if (bytes.length < magic.length || bytes.toString('latin1', 0, magic.length) !== magic) return null;
  const end = bytes.indexOf(0x0a, magic.length);
  if (end === -1) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(bytes.toString('utf8', magic.length, end)));
    return parsed.success ? { head: parsed.data, end } : null;
  } catch {
    return null;
  }
}
