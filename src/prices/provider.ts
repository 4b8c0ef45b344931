/**
 * The provider of an LLM call, as a display name: the line's own `provider` field when it has
 * one, else the LiteLLM prefix of the written model id (`anthropic/…`), else the rules of
 * formats.md on the model name.
 */
import { normaliseModelId } from './model-id.js';

export const OTHER_PROVIDER = 'Other';

/**
 * Known spellings (lower case) of the `provider` field, LiteLLM prefixes and OTel names. A Map:
 * looked up by text from a trace, an object would answer `constructor` with its prototype's.
 */
const PROVIDER_NAMES = new Map<string, string>(Object.entries({
  openai: 'OpenAI',
  azure: 'Azure OpenAI',
  azure_openai: 'Azure OpenAI',
  'azure-openai': 'Azure OpenAI',
  'azure.ai.openai': 'Azure OpenAI',
  anthropic: 'Anthropic',
  google: 'Google',
  gemini: 'Google',
  vertex_ai: 'Google',
  vertexai: 'Google',
  google_genai: 'Google',
  googleai: 'Google',
  'gcp.gemini': 'Google',
  'gcp.vertex_ai': 'Google',
  'gcp.gen_ai': 'Google',
  mistral: 'Mistral AI',
  mistralai: 'Mistral AI',
  mistral_ai: 'Mistral AI',
  cohere: 'Cohere',
  meta: 'Meta',
  'meta-llama': 'Meta',
  bedrock: 'AWS Bedrock',
  aws_bedrock: 'AWS Bedrock',
  'aws.bedrock': 'AWS Bedrock',
  groq: 'Groq',
}));

/** formats.md: provider from the model name, first match wins. */
const NAME_RULES: [RegExp, string][] = [
  [/^gpt-/, 'OpenAI'],
  [/^o[134](?:-|$)/, 'OpenAI'],
  [/^claude-/, 'Anthropic'],
  [/^gemini-/, 'Google'],
  [/^mistral-/, 'Mistral AI'],
  [/^command-/, 'Cohere'],
  [/^llama-/, 'Meta'],
];

/** Display names by provider as written: a trace names the same few providers on every call. */
const displayNames = new Map<string, string>();

/** A known spelling becomes its display name; anything else is kept as written, trimmed. */
export function providerDisplayName(provider: string): string {
  let name = displayNames.get(provider);
  if (name === undefined) {
    const trimmed = provider.trim();
    name = PROVIDER_NAMES.get(trimmed.toLowerCase()) ?? trimmed;
    // Bounded: a trace that writes a new provider on every line does not fill the memory. A blank
    // one is never kept: providerFor takes a name found here as a provider given.
    if (displayNames.size >= 1024) displayNames.clear();
    if (trimmed !== '') displayNames.set(provider, name);
  }
  return name;
}

export function providerFor(
  providerField: string | null | undefined,
  modelId: string | null,
  written: string | null,
): string {
  if (providerField != null) {
    // A provider seen before is known not to be blank: no trim a call.
    const known = displayNames.get(providerField);
    if (known !== undefined) return known;
    if (providerField.trim() !== '') return providerDisplayName(providerField);
  }
  const fromPrefix = prefixProvider(written);
  if (fromPrefix !== null) return fromPrefix;
  const id = modelId ?? normaliseModelId(written);
  if (id === null) return OTHER_PROVIDER;
  for (const [rule, name] of NAME_RULES) if (rule.test(id)) return name;
  return OTHER_PROVIDER;
}

/** `anthropic/claude-…` → Anthropic. Routers (`openrouter/…`) and `models/` name no provider. */
function prefixProvider(written: string | null): string | null {
  if (written === null) return null;
  const trimmed = written.trim().toLowerCase();
  const slash = trimmed.indexOf('/');
  if (slash <= 0) return null;
  return PROVIDER_NAMES.get(trimmed.slice(0, slash)) ?? null;
}
