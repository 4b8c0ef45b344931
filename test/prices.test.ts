import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLED_PRICES } from '../src/prices/bundled-prices.js';
import { isPlaceholderModel, normaliseModelId } from '../src/prices/model-id.js';
import { PriceTable, PricesFileError } from '../src/prices/price-table.js';
import { providerDisplayName, providerFor } from '../src/prices/provider.js';

describe('normaliseModelId', () => {
  it.each([
    // dated
    ['claude-sonnet-4-20250514', 'claude-sonnet-4'],
    ['claude-3-5-sonnet-20241022', 'claude-sonnet-3.5'],
    ['claude-3-5-haiku-20241022', 'claude-haiku-3.5'],
    ['claude-opus-4-1-20250805', 'claude-opus-4.1'],
    ['claude-haiku-4-5-20251001', 'claude-haiku-4.5'],
    ['claude-3-opus-20240229', 'claude-opus-3'],
    ['claude-3-7-sonnet-latest', 'claude-sonnet-3.7'],
    ['gpt-4o-2024-08-06', 'gpt-4o'],
    ['gpt-4o-mini-2024-07-18', 'gpt-4o-mini'],
    ['gpt-4.1-2025-04-14', 'gpt-4.1'],
    ['o3-2025-04-16', 'o3'],
    ['o3-mini-2025-01-31', 'o3-mini'],
    ['gpt-4-turbo-2024-04-09', 'gpt-4-turbo'],
    ['gemini-2.5-flash-preview-05-20', 'gemini-2.5-flash'],
    ['gemini-1.5-pro-002', 'gemini-1.5-pro'],
    ['gemini-1.5-flash-latest', 'gemini-1.5-flash'],
    // Anthropic spellings
    ['claude-3-5-haiku', 'claude-haiku-3.5'],
    ['claude-3.5-haiku', 'claude-haiku-3.5'],
    ['claude-haiku-3.5', 'claude-haiku-3.5'],
    ['claude-3.7-sonnet', 'claude-sonnet-3.7'],
    ['claude-sonnet-4-0', 'claude-sonnet-4'],
    ['claude-sonnet-4-5', 'claude-sonnet-4.5'],
    ['claude-sonnet-4.5', 'claude-sonnet-4.5'],
    ['claude-4-opus', 'claude-opus-4'],
    // provider prefixes
    ['anthropic/claude-sonnet-4-20250514', 'claude-sonnet-4'],
    ['openai/gpt-4o-mini', 'gpt-4o-mini'],
    ['azure/gpt-4o', 'gpt-4o'],
    ['gemini/gemini-2.5-flash', 'gemini-2.5-flash'],
    ['google/gemini-2.5-pro', 'gemini-2.5-pro'],
    ['models/gemini-2.0-flash-001', 'gemini-2.0-flash'],
    ['vertex_ai/gemini-2.5-pro-preview-06-05', 'gemini-2.5-pro'],
    ['vertex_ai/claude-3-5-sonnet-v2@20241022', 'claude-sonnet-3.5'],
    ['claude-sonnet-4@20250514', 'claude-sonnet-4'],
    ['openrouter/openai/gpt-4o', 'gpt-4o'],
    ['openrouter/anthropic/claude-3.5-sonnet', 'claude-sonnet-3.5'],
    ['mistral/mistral-large-latest', 'mistral-large'],
    ['meta-llama/Llama-3.1-8B-Instruct', 'llama-3.1-8b-instruct'],
    // Bedrock
    ['anthropic.claude-3-haiku-20240307-v1:0', 'claude-haiku-3'],
    ['us.anthropic.claude-3-5-sonnet-20241022-v2:0', 'claude-sonnet-3.5'],
    ['bedrock/eu.anthropic.claude-sonnet-4-20250514-v1:0', 'claude-sonnet-4'],
    ['bedrock/anthropic.claude-opus-4-1-20250805-v1:0', 'claude-opus-4.1'],
    ['anthropic.claude-v2:1', 'claude-v2:1'],
    // OpenAI snapshots priced like their model, and the ones that were not
    ['gpt-3.5-turbo-0125', 'gpt-3.5-turbo'],
    ['gpt-3.5-turbo-1106', 'gpt-3.5-turbo-1106'],
    ['gpt-4-0613', 'gpt-4'],
    ['gpt-4-0125-preview', 'gpt-4-turbo'],
    ['gpt-4o-2024-05-13', 'gpt-4o-2024-05-13'],
    // case, space, unknown ids kept
    ['  GPT-4o  ', 'gpt-4o'],
    ['Claude-Sonnet-4-20250514', 'claude-sonnet-4'],
    ['my-finetune-v3', 'my-finetune-v3'],
    ['llama3:8b', 'llama3:8b'],
  ])('%s → %s', (written, id) => {
    expect(normaliseModelId(written)).toBe(id);
  });

  const placeholders = [null, undefined, '', '   ', 'default', 'DEFAULT', 'Unknown', 'none', 'null', 'N/A'];
  placeholders.push('openai/default', 'openai/');
  it.each(placeholders)('placeholder %j → null', (written) => {
    expect(normaliseModelId(written)).toBeNull();
  });

  it('tells placeholders from model ids', () => {
    expect(isPlaceholderModel(' unknown ')).toBe(true);
    expect(isPlaceholderModel(null)).toBe(true);
    expect(isPlaceholderModel('')).toBe(true);
    expect(isPlaceholderModel('openai/unknown')).toBe(true);
    expect(isPlaceholderModel('gpt-4o')).toBe(false);
    expect(isPlaceholderModel('unknown-model')).toBe(false);
  });

  it('never turns one model into another by prefix', () => {
    expect(normaliseModelId('gpt-4o')).toBe('gpt-4o');
    expect(normaliseModelId('gpt-4o-mini')).toBe('gpt-4o-mini');
    expect(normaliseModelId('o3')).toBe('o3');
    expect(normaliseModelId('o3-mini')).toBe('o3-mini');
    expect(normaliseModelId('o3-pro')).toBe('o3-pro');
    expect(normaliseModelId('gpt-4')).toBe('gpt-4');
    expect(normaliseModelId('gpt-4o-mini-tts')).toBe('gpt-4o-mini-tts');
  });

  it('leaves every bundled id as it is', () => {
    for (const id of Object.keys(BUNDLED_PRICES.models)) expect(normaliseModelId(id)).toBe(id);
  });
});

describe('providerFor', () => {
  it.each([
    ['openai', 'OpenAI'],
    [' Anthropic ', 'Anthropic'],
    ['azure', 'Azure OpenAI'],
    ['azure_openai', 'Azure OpenAI'],
    ['google', 'Google'],
    ['gemini', 'Google'],
    ['vertex_ai', 'Google'],
    ['google_genai', 'Google'],
    ['googleai', 'Google'],
    ['gcp.vertex_ai', 'Google'],
    ['mistral', 'Mistral AI'],
    ['mistralai', 'Mistral AI'],
    ['cohere', 'Cohere'],
    ['meta', 'Meta'],
    ['meta-llama', 'Meta'],
    ['bedrock', 'AWS Bedrock'],
    ['aws.bedrock', 'AWS Bedrock'],
    ['groq', 'Groq'],
    ['  Together AI  ', 'Together AI'],
  ])('provider field %j → %s', (field, name) => {
    expect(providerFor(field, 'gpt-4o', 'gpt-4o')).toBe(name);
  });

  it('keeps names that are also properties of every object as written (constructor, __proto__)', () => {
    expect(providerFor('constructor', 'gpt-4o', 'gpt-4o')).toBe('constructor');
    expect(providerFor('__proto__', 'gpt-4o', 'gpt-4o')).toBe('__proto__');
    expect(providerFor(null, 'x', 'constructor/x')).toBe('Other');
    expect(normaliseModelId('constructor')).toBe('constructor');
    expect(normaliseModelId('__proto__')).toBe('__proto__');
  });

  it('gives the same name again for a provider seen before, and never takes a blank one as seen', () => {
    expect(providerFor(' Anthropic ', 'gpt-4o', 'gpt-4o')).toBe('Anthropic');
    expect(providerFor(' Anthropic ', null, null)).toBe('Anthropic');
    // A blank provider named through the display-name lookup is still no provider to providerFor.
    expect(providerDisplayName(' \t')).toBe('');
    expect(providerFor(' \t', 'gpt-4o', 'gpt-4o')).toBe('OpenAI');
    expect(providerFor(' \t', 'claude-haiku-3', 'bedrock/anthropic.claude-3-haiku-20240307-v1:0')).toBe('AWS Bedrock');
  });

  it('takes the provider from a LiteLLM prefix when the line has none', () => {
    expect(providerFor(null, 'claude-sonnet-4', 'anthropic/claude-sonnet-4-20250514')).toBe('Anthropic');
    expect(providerFor('', 'gpt-4o', 'azure/gpt-4o')).toBe('Azure OpenAI');
    expect(providerFor('  ', 'claude-haiku-3', 'bedrock/anthropic.claude-3-haiku-20240307-v1:0')).toBe('AWS Bedrock');
    expect(providerFor(null, 'gemini-2.5-pro', 'vertex_ai/gemini-2.5-pro')).toBe('Google');
    // a router is not a provider: the model name decides
    expect(providerFor(null, 'claude-sonnet-3.5', 'openrouter/anthropic/claude-3.5-sonnet')).toBe('Anthropic');
    expect(providerFor(null, 'my-model', 'openrouter/acme/my-model')).toBe('Other');
  });

  it.each([
    ['gpt-4o', 'OpenAI'],
    ['gpt-3.5-turbo', 'OpenAI'],
    ['o1', 'OpenAI'],
    ['o1-mini', 'OpenAI'],
    ['o3', 'OpenAI'],
    ['o3-mini', 'OpenAI'],
    ['o4-mini', 'OpenAI'],
    ['claude-sonnet-4', 'Anthropic'],
    ['gemini-2.5-flash', 'Google'],
    ['mistral-large', 'Mistral AI'],
    ['command-r-plus', 'Cohere'],
    ['llama-3.1-70b', 'Meta'],
    ['deepseek-chat', 'Other'],
    ['o2', 'Other'],
    ['omni-1', 'Other'],
    ['o1x', 'Other'],
  ])('model %s → %s', (id, name) => {
    expect(providerFor(null, id, id)).toBe(name);
  });

  it('normalises the written id when no model id is given, and placeholders are Other', () => {
    expect(providerFor(undefined, null, 'GPT-4o-2024-08-06')).toBe('OpenAI');
    expect(providerFor(undefined, null, 'default')).toBe('Other');
    expect(providerFor(undefined, null, null)).toBe('Other');
  });
});

describe('bundled prices', () => {
  it('holds every reference price of formats.md exactly', () => {
    const reference: Record<string, [number, number]> = {
      'gpt-4o': [2.5, 10],
      'gpt-4o-mini': [0.15, 0.6],
      'gpt-4.1': [2, 8],
      'gpt-4.1-mini': [0.4, 1.6],
      'gpt-4.1-nano': [0.1, 0.4],
      o3: [10, 40],
      'o3-mini': [1.1, 4.4],
      'o4-mini': [1.1, 4.4],
      'claude-sonnet-4': [3, 15],
      'claude-haiku-3.5': [0.8, 4],
      'gemini-2.5-flash': [0.15, 0.6],
      'gemini-2.5-pro': [1.25, 10],
    };
    const table = PriceTable.bundled();
    for (const [id, [input, output]] of Object.entries(reference)) {
      expect(BUNDLED_PRICES.models[id], id).toMatchObject({ input, output });
      expect(table.lookup(id), id).toMatchObject({ input, output });
    }
  });

  it('is dated, in USD per 1M tokens, with a provider and sane prices on every entry', () => {
    expect(BUNDLED_PRICES.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(BUNDLED_PRICES.currency).toBe('USD');
    expect(BUNDLED_PRICES.unit).toBe('per 1M tokens');
    expect(PriceTable.bundled().date).toBe(BUNDLED_PRICES.date);
    for (const [id, p] of Object.entries(BUNDLED_PRICES.models)) {
      expect(['OpenAI', 'Anthropic', 'Google'], id).toContain(p.provider);
      expect(providerFor(null, id, id), id).toBe(p.provider);
      // A unit slip (per 1K instead of per 1M) would show up as a price out of this range.
      expect(p.input, id).toBeGreaterThan(0.01);
      expect(p.output, id).toBeLessThan(200);
      expect(p.output, id).toBeGreaterThanOrEqual(p.input);
    }
  });

  it('finds dated and prefixed ids, and never a near neighbour', () => {
    const table = PriceTable.bundled();
    expect(table.lookup('anthropic/claude-sonnet-4-20250514')).toEqual({ input: 3, output: 15, provider: 'Anthropic' });
    expect(table.lookup('claude-3-5-sonnet-20241022')?.input).toBe(3);
    expect(table.lookup('gpt-4o-mini-2024-07-18')?.input).toBe(0.15);
    expect(table.lookup('gpt-4o-2024-11-20')?.input).toBe(2.5);
    expect(table.lookup('gpt-4o-2024-05-13')?.input).toBe(5);
    expect(table.lookup('o3-2025-04-16')?.input).toBe(10);
    expect(table.lookup('o3-mini')?.input).toBe(1.1);
    expect(table.lookup('gpt-4')?.input).toBe(30);
    expect(table.lookup('gpt-4o-mini-tts')).toBeUndefined();
    expect(table.lookup('o3-pro')).toBeUndefined();
    expect(table.lookup('unknown')).toBeUndefined();
    expect(table.lookup(null)).toBeUndefined();
  });
});

describe('estimatePico', () => {
  const table = PriceTable.bundled();

  it('prices calls in exact integer pico-dollars', () => {
    // 212 × 150,000 + 57 × 600,000 = 31,800,000 + 34,200,000 = 66,000,000 pico = $0.000066
    expect(table.estimatePico('gpt-4o-mini', 212, 57)).toBe(66_000_000);
    // 520 × 3,000,000 + 240 × 15,000,000 = 1,560,000,000 + 3,600,000,000 = $0.00516
    expect(table.estimatePico('claude-sonnet-4', 520, 240)).toBe(5_160_000_000);
    // 410 × 150,000 + 95 × 600,000 = 61,500,000 + 57,000,000
    expect(table.estimatePico('gpt-4o-mini-2024-07-18', 410, 95)).toBe(118_500_000);
    // 1,000 × 10,000,000 + 1,000 × 40,000,000 vs 1,000 × 1,100,000 + 1,000 × 4,400,000
    expect(table.estimatePico('o3', 1000, 1000)).toBe(50_000_000_000);
    expect(table.estimatePico('o3-mini', 1000, 1000)).toBe(5_500_000_000);
    // 0.075 and 0.30 per 1M are 75,000 and 300,000 pico per token
    expect(table.estimatePico('gemini-2.0-flash-lite', 1, 1)).toBe(375_000);
    // 1.10 × 1e6 is 1,100,000.0000000002 in floating point: rounded once per model
    expect(table.estimatePico('o4-mini', 3, 0)).toBe(3_300_000);
    expect(table.estimatePico('gpt-4o', 0, 0)).toBe(0);
  });

  it('gives no estimate without a known model or with impossible token counts', () => {
    expect(table.estimatePico('my-model', 10, 10)).toBeUndefined();
    expect(table.estimatePico(null, 10, 10)).toBeUndefined();
    expect(table.estimatePico('gpt-4o', -1, 10)).toBeUndefined();
    expect(table.estimatePico('gpt-4o', Number.NaN, 10)).toBeUndefined();
  });
});

describe('PriceTable.fromFile', () => {
  let dir: string;
  const file = async (name: string, text: string): Promise<string> => {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trace-report-prices-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('overrides and extends the bundled table, and takes the file date', async () => {
    const path = await file(
      'wrapped.json',
      JSON.stringify({
        date: '2026-01-15',
        models: {
          'gpt-4o': { input: 2, output: 9 },
          'openai/acme-large-2025-01-01': { input: 1, output: 2, provider: 'Acme' },
        },
      }),
    );
    const table = await PriceTable.fromFile(path);
    expect(table.date).toBe('2026-01-15');
    expect(table.lookup('gpt-4o')).toEqual({ input: 2, output: 9, provider: 'OpenAI' });
    expect(table.lookup('acme-large')).toEqual({ input: 1, output: 2, provider: 'Acme' });
    expect(table.lookup('gpt-4o-mini')?.input).toBe(0.15);
    // 100 × 2,000,000 + 10 × 9,000,000
    expect(table.estimatePico('gpt-4o', 100, 10)).toBe(290_000_000);
    // the bundled table itself is untouched
    expect(PriceTable.bundled().lookup('gpt-4o')?.input).toBe(2.5);
    expect(PriceTable.bundled().lookup('acme-large')).toBeUndefined();
  });

  it('accepts the bare form, normalises its ids, and marks the date as custom', async () => {
    const path = await file('bare.json', '\uFEFF{ "claude-sonnet-4-20250514": { "input": 2, "output": 10 } }');
    const table = await PriceTable.fromFile(path);
    expect(table.date).toBe(`${BUNDLED_PRICES.date}+custom`);
    expect(table.lookup('claude-sonnet-4')).toEqual({ input: 2, output: 10, provider: 'Anthropic' });
    expect(table.ids()).toContain('claude-sonnet-4');
    expect(table.ids()).not.toContain('claude-sonnet-4-20250514');
  });

  it('applies a file on top of a given base table', async () => {
    const firstFile = await file('first.json', '{"date":"2026-02-01","models":{"acme-small":{"input":0.5,"output":1}}}');
    const first = await PriceTable.fromFile(firstFile);
    const second = await PriceTable.fromFile(await file('second.json', '{"acme-tiny":{"input":0.1,"output":0.2}}'), first);
    expect(second.date).toBe('2026-02-01+custom');
    expect(second.lookup('acme-small')).toEqual({ input: 0.5, output: 1 });
    expect(second.lookup('acme-tiny')).toEqual({ input: 0.1, output: 0.2 });
  });

  const errorCases: [string, string, string][] = [
    ['not-json.json', '{ "gpt-4o": ', 'not valid JSON'],
    ['array.json', '[1, 2]', 'expected a JSON object of model prices'],
    [
      'negative.json',
      '{"models":{"gpt-4.1":{"input":-1,"output":8}}}',
      'models["gpt-4.1"].input: must not be negative',
    ],
    ['string.json', '{"models":{"gpt-4o":{"input":"2.50","output":10}}}', 'models["gpt-4o"].input: must be a number'],
    ['missing.json', '{"models":{"gpt-4o":{"input":2.5}}}', 'models["gpt-4o"].output: must be a number'],
    ['bare-negative.json', '{"acme":{"input":1,"output":-2}}', 'acme.output: must not be negative'],
    ['models-not-object.json', '{"models":5}', 'models: must be an object of model prices'],
    ['bad-date.json', '{"date":"2026-02-30","models":{}}', 'date: must be a date YYYY-MM-DD'],
    ['placeholder.json', '{"models":{"default":{"input":1,"output":1}}}', 'models.default: not a model id'],
    [
      'duplicate.json',
      '{"models":{"gpt-4o":{"input":1,"output":1},"openai/gpt-4o":{"input":2,"output":2}}}',
      'models["openai/gpt-4o"]: the same model (gpt-4o) as "gpt-4o"',
    ],
  ];

  it.each(errorCases)('rejects %s with a one-line message naming the file', async (name, text, message) => {
    const path = await file(name, text);
    const error = await PriceTable.fromFile(path).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(PricesFileError);
    expect((error as Error).message).toContain(`${path}: `);
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).not.toContain('\n');
  });

  it('rejects a missing file and a folder', async () => {
    const missing = join(dir, 'nope.json');
    await expect(PriceTable.fromFile(missing)).rejects.toThrow(
      new PricesFileError(`${missing}: cannot read prices file: no such file`),
    );
    const folder = join(dir, 'folder.json');
    await mkdir(folder);
    await expect(PriceTable.fromFile(folder)).rejects.toThrow(
      `${folder}: cannot read prices file: is a folder, not a file`,
    );
  });
});
