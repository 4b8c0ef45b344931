/** Counted words for page text: `1 run`, `2 runs`, `1,240 spans`. */
import { formatCount } from '../../format/money.js';

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${formatCount(n)} ${n === 1 ? word : many}`;
}
