import { createHash } from 'node:crypto';
import { listPageSlice, runListLayout, runListLinks } from '../pages/index-page.js';
import { tableOrder, type RunFacts } from '../pages/site-facts.js';
import type { ListPagesReuse } from '../pages/site-pages.js';
import type { ReusePlan } from './plan-reuse.js';
import { KEY_BYTES } from './run-keys.js';

/**
 * The key of each list page of the static run list (page n at n − 1): what the page is made of,
 * other than the frame's code. A list page shows its runs' rows (each run's key names all they
 * are made from: its events, its id and its page's name, and the frame) in its order, its
 * number and its links (runListLinks), and nothing of the whole report; so two list pages with
 * the same key are the same, byte for byte.
 *
 * `keys`: the runs' keys in list order (the order of `runs`), `newest`: the same runs newest
 * first, as the run list shows them.
 */
export function listPageKeys(keys: Buffer, runs: readonly RunFacts[], newest: readonly RunFacts[], frame: string): Buffer {
  const listed = tableOrder(runs, newest);
  const { pages } = runListLayout(newest.length);
  const head = createHash('sha256').update(`trace-report list page\0${frame}`).digest();
  const out = Buffer.alloc(pages * KEY_BYTES);
  // A page's runs' keys, gathered: hashed in one update rather than one a run.
  let gathered = Buffer.alloc(0);
  for (let page = 1; page <= pages; page++) {
    const h = createHash('sha256').update(head).update(`${page}\0${JSON.stringify(runListLinks(page, pages))}\0`);
    const { from, to } = listPageSlice(newest.length, page);
    if (gathered.length < (to - from) * KEY_BYTES) gathered = Buffer.alloc((to - from) * KEY_BYTES);
    for (let i = from; i < to; i++) {
      const j = listed[i]!;
      keys.copy(gathered, (i - from) * KEY_BYTES, j * KEY_BYTES, (j + 1) * KEY_BYTES);
    }
    h.update(gathered.subarray(0, (to - from) * KEY_BYTES));
    h.digest().copy(out, (page - 1) * KEY_BYTES, 0, KEY_BYTES);
  }
  return out;
}

/**
 * What a rebuild keeps of the previous site's list pages: page n when the previous build recorded
 * the key this build gives it, made from the runs' keys as the previous build named their lines
 * (`before`, see runKeys). `keys`: this build's list page keys, for its own record.
 */
export function listPagesReuse(plan: ReusePlan, runs: readonly RunFacts[], newest: readonly RunFacts[], frame: string): ListPagesReuse & { keys: Buffer } {
  const keys = listPageKeys(plan.keys, runs, newest, frame);
  const bytes = new Float64Array(keys.length / KEY_BYTES);
  const previous = plan.previousList;
  if (previous === null) return { keys, bytes, kept: () => null };
  const before = plan.before === plan.keys ? keys : listPageKeys(plan.before, runs, newest, frame);
  const recorded = previous.keys.length / KEY_BYTES;
  return {
    keys,
    bytes,
    kept: (n) => (n <= recorded && before.compare(previous.keys, (n - 1) * KEY_BYTES, n * KEY_BYTES, (n - 1) * KEY_BYTES, n * KEY_BYTES) === 0 ? previous.bytes[n - 1]! : null),
  };
}
