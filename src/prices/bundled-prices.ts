/**
 * The bundled price table: USD per 1M tokens, standard (not batch, not cached) rates, keyed by
 * the canonical ids of model-id.ts. A model with a long-context surcharge is listed at its base
 * tier. Users override or extend it with `--prices FILE.json`.
 *
 * `date` is the day the newest group below was checked against its source. Two entries are
 * pinned by formats.md at their 2025 launch prices and are older than that date: o3 (10/40;
 * OpenAI's page has listed 2.00/8.00 since June 2025) and gemini-2.5-flash (0.15/0.60, the
 * preview price; the GA price is 0.30/2.50).
 */

export interface BundledPrice {
  input: number;
  output: number;
  provider: string;
}

export interface BundledPrices {
  date: string;
  currency: 'USD';
  unit: 'per 1M tokens';
  models: Record<string, BundledPrice>;
}

const openai = (input: number, output: number): BundledPrice => ({ input, output, provider: 'OpenAI' });
const anthropic = (input: number, output: number): BundledPrice => ({ input, output, provider: 'Anthropic' });
const google = (input: number, output: number): BundledPrice => ({ input, output, provider: 'Google' });

export const BUNDLED_PRICES: BundledPrices = {
  date: '2026-09-23',
  currency: 'USD',
  unit: 'per 1M tokens',
  models: {
    // formats.md reference prices (exact, whatever the providers charge today).
    'gpt-4o': openai(2.5, 10),
    'gpt-4o-mini': openai(0.15, 0.6),
    'gpt-4.1': openai(2, 8),
    'gpt-4.1-mini': openai(0.4, 1.6),
    'gpt-4.1-nano': openai(0.1, 0.4),
    o3: openai(10, 40),
    'o3-mini': openai(1.1, 4.4),
    'o4-mini': openai(1.1, 4.4),
    'claude-sonnet-4': anthropic(3, 15),
    'claude-haiku-3.5': anthropic(0.8, 4),
    'gemini-2.5-flash': google(0.15, 0.6),
    'gemini-2.5-pro': google(1.25, 10),

    // OpenAI: developers.openai.com/api/docs/pricing and the model pages
    // (developers.openai.com/api/docs/models/<id>).
    'gpt-5': openai(1.25, 10),
    'gpt-5-mini': openai(0.25, 2),
    'gpt-5-nano': openai(0.05, 0.4),
    'gpt-4o-2024-05-13': openai(5, 15),
    o1: openai(15, 60),
    'o1-preview': openai(15, 60),
    'o1-mini': openai(1.1, 4.4),
    'gpt-4-turbo': openai(10, 30),
    'gpt-4': openai(30, 60),
    'gpt-3.5-turbo': openai(0.5, 1.5),

    // Anthropic: platform.claude.com/docs/en/about-claude/pricing and the model overview pages
    // (platform.claude.com/docs/models/<model>/overview), checked 2026-09-23. Claude Sonnet 5
    // is left out: it launched with an introductory rate and sources disagree on the current one.
    'claude-fable-5.1': anthropic(10, 50),
    'claude-fable-5': anthropic(10, 50),
    'claude-opus-5.5': anthropic(4, 20),
    'claude-opus-5': anthropic(5, 25),
    'claude-opus-4.8': anthropic(5, 25),
    'claude-opus-4.7': anthropic(5, 25),
    'claude-opus-4.6': anthropic(5, 25),
    'claude-opus-4.5': anthropic(5, 25),
    'claude-opus-4.1': anthropic(15, 75),
    'claude-opus-4': anthropic(15, 75),
    'claude-opus-3': anthropic(15, 75),
    'claude-sonnet-5.5': anthropic(2, 10),
    'claude-sonnet-4.6': anthropic(3, 15),
    'claude-sonnet-4.5': anthropic(3, 15),
    'claude-sonnet-3.7': anthropic(3, 15),
    'claude-sonnet-3.5': anthropic(3, 15),
    'claude-haiku-4.5': anthropic(1, 5),
    'claude-haiku-3': anthropic(0.25, 1.25),

    // Google: ai.google.dev/gemini-api/docs/pricing, paid tier; 1.5 models at their
    // <=128k-token tier.
    'gemini-2.5-flash-lite': google(0.1, 0.4),
    'gemini-2.0-flash': google(0.1, 0.4),
    'gemini-2.0-flash-lite': google(0.075, 0.3),
    'gemini-1.5-pro': google(1.25, 5),
    'gemini-1.5-flash': google(0.075, 0.3),
  },
};
