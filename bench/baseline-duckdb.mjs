// What a user would do instead: DuckDB reads the JSONL and computes the same aggregates.
import { DuckDBInstance } from '@duckdb/node-api';

const file = process.argv[2];
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
const q = async (sql) => (await con.runAndReadAll(sql)).getRowObjects();
await con.run(`CREATE TABLE t AS SELECT * FROM read_json_auto('${file.replace(/'/g, "''")}', format = 'newline_delimited')`);
const out = {};
out.totals = await q(`SELECT count(*) AS spans, count(DISTINCT run_id) AS runs,
  count(*) FILTER (WHERE event_type IN ('llm_call_end','llm_call_error')) AS calls,
  sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens, sum(cost_estimate) AS cost FROM t`);
out.byModel = await q(`SELECT model, count(*) AS calls, sum(cost_estimate) AS cost,
  quantile_cont(duration_ms, 0.5) AS p50, quantile_cont(duration_ms, 0.95) AS p95
  FROM t WHERE event_type IN ('llm_call_end','llm_call_error') GROUP BY model ORDER BY cost DESC`);
out.byWorkflow = await q(`SELECT workflow, count(DISTINCT run_id) AS runs, sum(cost_estimate) AS cost FROM t GROUP BY workflow`);
out.byDay = await q(`SELECT CAST(CAST("timestamp" AS TIMESTAMPTZ) AT TIME ZONE 'UTC' AS DATE) AS day, sum(cost_estimate) AS cost FROM t
  WHERE event_type IN ('llm_call_end','llm_call_error') GROUP BY day ORDER BY day`);
process.stdout.write(JSON.stringify(out, (_, v) => (typeof v === 'bigint' ? Number(v) : v)).slice(0, 200) + '\n');
