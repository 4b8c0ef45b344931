/**
 * The shape of a user's prices file (`--prices FILE.json`), checked with zod. Loaded only when
 * such a file is given: the schema library costs start-up time every run (and every worker
 * thread) would otherwise pay.
 */
import { z } from 'zod';
import type { Price } from './price-table.js';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const priceSchema = z.object({
  input: z.number({ error: 'must be a number' }).nonnegative({ error: 'must not be negative' }),
  output: z.number({ error: 'must be a number' }).nonnegative({ error: 'must not be negative' }),
  provider: z.string({ error: 'must be a string' }).trim().min(1, { error: 'must not be empty' }).optional(),
});
const modelsSchema = z.record(z.string(), priceSchema, { error: 'must be an object of model prices' });
const wrappedSchema = z.object({
  date: z.string({ error: 'must be a string' }).refine(isDate, { error: 'must be a date YYYY-MM-DD' }).optional(),
  models: modelsSchema,
});

/** A prices file read: its date (when it gives one), its models, and whether they sat under `models`. */
export interface PricesFile {
  date: string | undefined;
  models: Record<string, Price>;
  wrapped: boolean;
}

/** The prices of a parsed JSON object, or where and why it is not a prices file. */
export function parsePricesFile(json: object): PricesFile | { problem: string } {
  // The bare form `{ "<id>": { ... } }` names fields without the `models` level.
  const wrapped = 'models' in json;
  const parsed = wrapped ? wrappedSchema.safeParse(json) : modelsSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { problem: `${fieldPath(issue.path) || 'top level'}: ${issue.message}` };
  }
  if (wrapped) {
    const data = parsed.data as z.infer<typeof wrappedSchema>;
    return { date: data.date, models: data.models, wrapped };
  }
  return { date: undefined, models: parsed.data as z.infer<typeof modelsSchema>, wrapped };
}

/** `models["gpt-4.1"].input`: model ids hold dots, so they are quoted. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) => {
      const name = String(part);
      if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return i === 0 ? name : `.${name}`;
      return `[${JSON.stringify(name)}]`;
    })
    .join('');
}

function isDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}
