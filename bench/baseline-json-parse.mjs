// The floor for any JSON-lines reader in Node: readline + JSON.parse per line, summing one field.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

const file = process.argv[2];
let lines = 0;
let cost = 0;
const rl = createInterface({ input: createReadStream(file, { highWaterMark: 1 << 20 }), crlfDelay: Infinity });
for await (const line of rl) {
  if (!line) continue;
  const o = JSON.parse(line);
  lines++;
  if (typeof o.cost_estimate === 'number') cost += o.cost_estimate;
}
process.stdout.write(JSON.stringify({ lines, cost }) + '\n');
