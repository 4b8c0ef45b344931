/**
 * Lines for the tests that hold two readers of the same bytes equal (the flat-line fast path, the
 * compiled scan, the full parser): the fixtures' lines, edge cases of every rule, and lines made by
 * cutting and splicing fixture lines, from fixed seeds.
 */
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import fg from 'fast-glob';

const ROOT = path.resolve(import.meta.dirname, '..');

/** Every line of the fixtures (line ends and byte-order marks removed). */
export function fixtureLines(): string[] {
  const files = fg.sync(['fixtures/**/*.jsonl*', 'test/fixtures/**/*.jsonl'], { cwd: ROOT });
  const lines: string[] = [];
  for (const f of files) {
    const raw = fs.readFileSync(path.join(ROOT, f));
    const text = (f.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
    lines.push(...text.split('\n').map((l) => l.replace(/\r$/, '').replace(/^\uFEFF/, '')));
  }
  return lines;
}

/** Values at the edges of each rule of the fast path; the last ones are broken lines. */
export const EDGE_CASES: readonly string[] = [
  '{"event_type":"llm_call","model":"gpt-4o","input_tokens":12,"output_tokens":3.5,"timestamp":"2026-01-05T00:00:01.123456Z"}',
  '{"type":"llm_call","event_type":"","agent":"x","agent_name":null,"prompt_tokens":-1,"input_tokens":null,"completion_tokens":7}',
  '{"event_type":"llm_call","tokens":1000000000001,"token_count":5,"cost":-0.5,"duration_seconds":1.2345678}',
  '{"event_type":"llm_call","duration_ms":-3,"latency_ms":12.25,"cost_usd":0.1,"cost_estimate":null,"ts":1767571200}',
  '{"event_type":"llm_call","timestamp":"not a time","ts":"2026-01-05T00:00:00Z"}',
  '{"event_type":"llm_call","timestamp":"","ts":1767571200123}',
  '{"event_type":"error","message":"boom","error":""}',
  '{"event_type":"error"}',
  '{"event_type":"llm_call_error","error_message":"rate limited"}',
  '{"event_type":"routing_decision","target":"","route":"billing","selected":"x"}',
  '{"event_type":"pattern_end","status":"failed"}',
  '{"event_type":"llm_call","cost":1e-7,"input_tokens":1E3,"output_tokens":0.000000000000000000000001,"duration_ms":-0}',
  '{"event_type":"llm_call","cost":0.00205760000000000002,"input_tokens":12345678901234567890,"duration_ms":1e300}',
  '{"event_type":"llm_call","cost":-0.00030000000000000003,"input_tokens":-12345678901234567890,"duration_ms":-1e300}',
  ' { "event_type" : "llm_call" , "model" : "m" , "x" : [1, {"a": 2}] } ',
  '{"event_type":"llm_call","note":"\\"quoted\\"","model":"é-model","unused":true,"more":false,"none":null}',
  '{"event_type":"agent_start","agent_name":"α","kind":"tool","call_id":"c-1","status":"OK"}',
  '{"event_type":"llm_call_end","model":"gpt-4o","model":"claude"}',
  '{"event_type":"llm_call","model":" padded "}',
  '{"event_type":"llm_call","model":"\u00a0nbsp"}',
  '{"event_type":"llm_call","input_tokens":"12"}',
  '{"event_type":"llm_call","run_id":7}',
  '{"event_type":"llm_call","error":true}',
  '{"event_type":"llm_call","payload":{"model":"gpt-4o"}}',
  '{"event_type":"llm_call","response":"hi"}',
  '{"type":"llm_call"}',
  '{"event_type":"LLM_CALL","model":"gpt-4o"}',
  '{"event_type":"llm_call","duration_ms":1e400}',
  '{"event_type":"llm_call","input_tokens":01}',
  '{"event_type":"llm_call","input_tokens":1.}',
  '{"event_type":"llm_call","input_tokens":-}',
  '{"event_type":"llm_call","input_tokens":tru}',
  '{"event_type":"llm_call",}',
  '{"event_type":"llm_call"} x',
  '{"event_type":"llm_call"',
  '{"event_type":"llm_call","input_tokens":NaN}',
  '{}',
  '{"event_type":"\u0001"}',
  '',
  '[1,2]',
];

/**
 * Values with escapes: read the fast way (JSON.parse decodes the value) unless an escape stands
 * at either end of a value read (it may stand for white space, which the full path trims), the
 * type or a key has one, or the escape is not JSON's. The first seven are read the fast way
 * (the compiled scan leaves the sixth, a timestamp with an escape, to the JavaScript scan).
 */
export const ESCAPES: readonly string[] = [
  String.raw`{"event_type":"llm_call_error","agent_name":"a","run_id":"r1","model":"gpt-4o","error":"529 {\"type\":\"error\",\"error\":{\"message\":\"Overloaded\"}}","duration_ms":447.6}`,
  String.raw`{"event_type":"llm_call","agent_name":"caf\u00e9 bot","run_id":"r\/1","provider":"open\u0061i","model":"gpt-4o"}`,
  String.raw`{"event_type":"routing_decision","run_id":"r1","target":"a\ud83e\udd9cb","note":"\"skipped\" \\ \/ \b\f\n\r\t"}`,
  String.raw`{"event_type":"error","run_id":"r1","message":"x\ud800y z","agent_name":"a\\b"}`,
  String.raw`{"event_type":"llm_call","run_id":"r1","error":"x é \"y\" z","model":"m"}`,
  String.raw`{"event_type":"llm_call","run_id":"r1","timestamp":"2026-01-05T00:00:01\u002e5Z"}`,
  String.raw`{"event_type":"llm_call","run_id":"r\"1","call_id":"c\u0031x","status":"fa\u0069led"}`,
  String.raw`{"event_type":"llm_call","run_id":"r1","\u0078":"a key with an escape","model":"m"}`,
  String.raw`{"event_type":"llm_call","error":"\nboom"}`,
  String.raw`{"event_type":"llm_call","error":"boom\n"}`,
  String.raw`{"event_type":"llm_call","error":"\u0020"}`,
  String.raw`{"event_type":"llm_call","error":"say \"hi\""}`,
  String.raw`{"event_type":"llm_call","error":"a\\"}`,
  String.raw`{"event_type":"llm\u005fcall","model":"m"}`,
  String.raw`{"event_type":"llm_call","mod\u0065l":"m"}`,
  String.raw`{"event_type":"llm_call","input_tokens":"1\u0032"}`,
  String.raw`{"event_type":"llm_call","error":"a\xb"}`,
  String.raw`{"event_type":"llm_call","error":"a\u00zzb"}`,
  String.raw`{"event_type":"llm_call","error":"a\u00e"}`,
  '{"event_type":"llm_call","error":"abc\\',
  String.raw`{"event_type":"llm_call","note":"\"}`,
];

const T = '"timestamp":"2026-01-05T00:01:00.472Z"';

/**
 * Lines of different shapes, one after another: the scans guess each key by its place in the last
 * line of the same shape. Ten of them are read the fast way; the others have a repeated key, a
 * container, an escape, or are cut.
 */
export const SHAPE_CHANGES: readonly string[] = [
  `{"event_type":"llm_call_start","agent_name":"a","model":"gpt-4o","run_id":"r1",${T}}`,
  `{"event_type":"llm_call_start","agent_name":"a","model_name":"gpt-4o","run_id":"r1",${T}}`,
  `{"event_type":"llm_call_start","agent":"b","model":"gpt-4o-mini","trace_id":"r2","run_idx":"q",${T}}`,
  `{"event_type":"llm_call_start","agent_name":"a","note":"n","model":"gpt-4o","run_id":"r1",${T}}`,
  `{"event_type":"llm_call_start","agent_name":"a","mode":"x","model":"gpt-4o","run_id":"r1",${T}}`,
  `{"event_type":"llm_call_start","agent_name":"a","model":"gpt-4o","run_id":"r1","timestamp_":"x"}`,
  `{"event_type":"llm_call_start","agent_name":"a","model":"gpt-4o","run_id":"r1","timestamp":"x","timestamp":"y"}`,
  `{"event_type":"llm_call_end","agent_name":"a","model":"gpt-4o","input_tokens":10,"output_tokens":2,"duration_ms":5,"run_id":"r1",${T}}`,
  `{"run_id":"r3","event_type":"llm_call","model":"o3","agent_name":"c",${T}}`,
  `{"event_type":"llm_call","event_type":"llm_call_end","agent_name":"a",${T}}`,
  `{"event_type":"llm_call_start","agent_name":"a","payload":{},${T}}`,
  `{"event_type":"llm_call_start","agent_name\\"":"a","model":"gpt-4o",${T}}`,
  `{"event_type":"llm_call_start","agent_nam":"a","model":"gpt-4o",${T}}`,
  `{"event_type":"llm_call_start","agent_name" : "a" ,"model":"gpt-4o",${T}}`,
  `{"event_type":"llm_call_start","agent_name":"a","mode`,
  `{"event_type":"llm_call_start","agent_name":"a","model`,
];

/** A random number generator from a seed: an integer below `n`. */
function randomFrom(seed: number): (n: number) => number {
  let s = seed;
  return (n: number) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return Math.floor((s / 2 ** 32) * n);
  };
}

const objectLines = () => fixtureLines().filter((l) => l.startsWith('{') && l.length < 2000);

/** Fixture lines, each cut and spliced once with a piece of JSON syntax, white space or text. */
export function mutatedLines(count: number, seed = 11): string[] {
  const rand = randomFrom(seed);
  const pieces = [' ', '\t', '\r', '\\', '\\"', '"', ',', ':', '{', '}', '[1]', 'null', 'true', '-', '0', '1e5', '.5', 'é', '\u00a0', '\u2028', '\u0001', '"model":"x",', '"event_type":"error",', '"timestamp":"2026-02-29T00:00:00Z",'];
  const lines = objectLines();
  return Array.from({ length: count }, () => {
    const base = lines[rand(lines.length)]!;
    const at = rand(base.length + 1);
    const cut = rand(3);
    return base.slice(0, at) + pieces[rand(pieces.length)]! + base.slice(at + cut);
  });
}

/**
 * Fixture lines with bytes that are not ASCII, or not UTF-8, spliced in: whole characters of two
 * to four bytes, the first or last bytes of one, a byte-order mark, bytes no UTF-8 has, and an
 * overlong quote; most of the time into a value, right after an opening quote.
 */
export function splicedLines(count: number, seed = 5): Buffer[] {
  const rand = randomFrom(seed);
  const pieces = ['é', 'α-agent', '€', '😀', '\u00a0', '\u2028', '\ufeff'].map((t) => Buffer.from(t)).concat(
    [[0xc3], [0xa9], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0xff], [0xfe], [0x80], [0xc0, 0xa2], [0xed, 0xa0, 0x80]].map((b) => Buffer.from(b)),
  );
  const lines = objectLines().map((l) => Buffer.from(l));
  return Array.from({ length: count }, () => {
    const base = lines[rand(lines.length)]!;
    let at = rand(base.length + 1);
    if (rand(2) === 0) {
      const quote = base.indexOf(0x22, at);
      if (quote !== -1) at = quote + 1 + rand(3);
    }
    at = Math.min(at, base.length);
    return Buffer.concat([base.subarray(0, at), pieces[rand(pieces.length)]!, base.subarray(at)]);
  });
}

/** Flat lines with a random decimal as their cost: up to 18 digits, a point anywhere, an exponent, a sign. */
export function numberLines(count: number, seed = 7): { line: string; text: string }[] {
  const rand = randomFrom(seed);
  return Array.from({ length: count }, () => {
    const digits = 1 + rand(18);
    let n = String(rand(9) + 1);
    for (let k = 1; k < digits; k++) n += String(rand(10));
    const point = rand(digits + 1);
    let text = point === digits ? n : `${n.slice(0, point) || '0'}.${n.slice(point)}`;
    if (rand(5) === 0) text += `e${rand(40) - 20}`;
    if (rand(10) < 3) text = `-${text}`;
    return { line: `{"event_type":"llm_call","cost":${text}}`, text };
  });
}
